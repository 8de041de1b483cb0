import type { Frontend } from '../registry.js';
import { loadSqlParser } from '../../pg/parse.js';
import { readSqlMigration } from './index.js';

const sqlFrontend: Frontend = {
  async load() {
    await loadSqlParser();
  },
  read: readSqlMigration,
};

export default sqlFrontend;
