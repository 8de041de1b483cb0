/**
 * Config files of the JavaScript frameworks: knexfile (`client: 'mysql2'`), TypeORM's
 * ormconfig or DataSource (`type: 'mysql'`), Sequelize's `config/config.json`
 * (`dialect` per environment) and Drizzle's `drizzle.config.*` (`dialect`, formerly
 * `driver`).
 */
import { settingEvidence, type Evidence } from './evidence.js';
import { dataSettingValues, jsSettingValues, type SettingQuery, type SettingValue } from './js-config.js';
import type { ConfigReader } from './reader.js';

/** The setting's values in a config file of any of the supported languages; undefined when it is not there. */
async function settingValues(file: string, text: string, query: SettingQuery): Promise<SettingValue[] | undefined> {
  if (/\.json$/i.test(file)) {
    try {
      return dataSettingValues(JSON.parse(text), query);
    } catch {
      return undefined;
    }
  }
  if (/\.ya?ml$/i.test(file)) {
    try {
      return dataSettingValues((await import('yaml')).parse(text), query);
    } catch {
      return undefined;
    }
  }
  return jsSettingValues(text, file, query);
}

/**
 * A reader of one setting. `definitive`: the file's name says it is this framework's
 * config, so a file where the setting cannot be found leaves the database unknown; else
 * (a `data-source.ts` may be anything) such a file says nothing.
 */
function settingReader(files: string[], query: SettingQuery, definitive: (file: string) => boolean, fallback?: SettingQuery): ConfigReader {
  return {
    files,
    async read(file, text) {
      for (const q of fallback ? [query, fallback] : [query]) {
        const values = await settingValues(file, text, q);
        if (values) return values.map((v) => settingEvidence(file, q.key, v));
      }
      return definitive(file) ? [{ file, setting: `no ${query.key} found` } satisfies Evidence] : [];
    },
  };
}

const always = () => true;

export const knexReader = settingReader(
  ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs'],
  { key: 'client', siblings: ['connection', 'migrations', 'pool', 'seeds', 'useNullAsDefault', 'searchPath', 'debug', 'acquireConnectionTimeout'] },
  always,
);

export const typeormReader = settingReader(
  ['ormconfig.json', 'ormconfig.js', 'ormconfig.ts', 'ormconfig.cjs', 'ormconfig.yml', 'ormconfig.yaml', 'data-source.ts', 'data-source.js', 'datasource.ts', 'datasource.js', 'typeorm.config.ts', 'typeorm.config.js'],
  {
    key: 'type',
    siblings: ['host', 'port', 'username', 'password', 'database', 'url', 'entities', 'migrations', 'synchronize', 'logging', 'subscribers', 'migrationsTableName', 'migrationsRun', 'cli', 'extra'],
  },
  (file) => /ormconfig\.\w+$/i.test(file),
);

export const sequelizeReader = settingReader(
  ['config/config.json', 'config/config.js'],
  { key: 'dialect', siblings: ['username', 'password', 'database', 'host', 'port', 'storage', 'use_env_variable', 'dialectOptions', 'url'], decidedAtRunTimeBy: ['use_env_variable', 'url'] },
  () => false,
);

export const drizzleReader = settingReader(
  ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs', 'drizzle.config.mts', 'drizzle.config.json'],
  { key: 'dialect', siblings: ['schema', 'out', 'dbCredentials', 'migrations', 'strict', 'verbose', 'driver', 'tablesFilter', 'casing', 'breakpoints'] },
  always,
  // drizzle-kit before 0.21 named the database with `driver` (pg, mysql2, better-sqlite, libsql, turso).
  { key: 'driver', siblings: ['schema', 'out', 'dbCredentials', 'migrations', 'strict', 'verbose', 'tablesFilter', 'breakpoints'] },
);

/**
 * The journal drizzle-kit keeps beside its SQL migrations (`meta/_journal.json`) records the
 * dialect they were generated for: the migrations folder says which database it is for
 * even where no drizzle.config is found (test suites, a folder copied into another project).
 */
export const drizzleJournalReader = settingReader(['meta/_journal.json'], { key: 'dialect', siblings: ['entries'] }, () => false);
