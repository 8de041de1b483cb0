import { createdInUp, defineRule } from './kit/index.js';

export default defineRule({
  id: 'no-drop-database',
  severity: 'error',
  summary: 'DROP DATABASE in a migration deletes a whole database',
  docs: {
    why:
      'DROP DATABASE removes a database with every schema, table and row in it, and cannot run inside a ' +
      'transaction, so nothing rolls it back. A schema migration runs against one application database; ' +
      'dropping a database from it is nearly always a development script that slipped into the migration ' +
      'folder, and on production it is catastrophic. A database created earlier in the same migration is ' +
      'not reported, nor, in a down migration, one its up migration created.',
    safe:
      'Remove the statement. Manage databases outside the migrations (provisioning, infrastructure code, a ' +
      'manual runbook with a backup step).',
    bad: 'DROP DATABASE IF EXISTS app_production;',
    good: 'DROP TABLE IF EXISTS import_staging;',
  },
  check({ migration, sectionName, statements, report }) {
    const created = new Set<string>(sectionName === 'down' ? createdInUp(migration).databases : []);
    for (const s of statements) {
      if (s.kind === 'CreatedbStmt' && s.node.dbname) created.add(s.node.dbname);
      if (s.kind !== 'DropdbStmt' || created.has(s.node.dbname)) continue;
      report(s, `DROP DATABASE ${s.node.dbname} deletes the whole database; a migration should never do this`);
    }
  },
});
