/**
 * The history tables of the JavaScript/TypeScript migration frameworks. Their runners
 * write the rows (their migrations are code, run by the framework), so only `read` is
 * here. Most keep one row per applied migration, named after its file; each entry says
 * which source it was checked against and how the name relates to the file.
 */
import type { MigrationFormat } from '../../ir/types.js';
import type { PlannedMigration } from '../../plan/plan.js';
import type { NativeHistory, NativeState } from './types.js';
import { emptyState, findTable, hasColumns, ofFormat, stem, str, toBig } from './common.js';

/** `.js`, `.ts`, `.cjs`, `.mjs`, `.cts`, `.mts`. */
const CODE_EXT = /\.[cm]?[jt]s$/i;

interface NameTable {
  format: MigrationFormat;
  table: string;
  /** The column holding the migration's name. */
  column: string;
  /** Columns that tell this tool's table from another tool's table of the same name. */
  requires: string[];
  /** Columns this tool's table never has. */
  excludes?: string[];
  /** The name a row records, as the plan's migration would be found under it. */
  normalise(recorded: string): string;
  /** What `normalise` gives for a plan migration. */
  key(p: PlannedMigration): string;
}

function nameTable(spec: NameTable): NativeHistory {
  return {
    format: spec.format,
    table: spec.table,
    async read(driver, plan): Promise<NativeState | undefined> {
      const t = await findTable(driver, spec.table);
      if (!t || !hasColumns(t, spec.column, ...spec.requires) || spec.excludes?.some((c) => t.columns.has(c))) return undefined;
      const state = emptyState(t.display);
      const rows = (await driver.query<{ n: string | null }>(`SELECT "${spec.column}" AS n FROM ${t.sql}`)).map((r) => r.n).filter((n): n is string => n !== null);
      const recorded = new Map<string, string>();
      for (const n of rows) recorded.set(spec.normalise(n), n);
      const known = new Set<string>();
      for (const p of ofFormat(plan, spec.format)) {
        const key = spec.key(p);
        known.add(key);
        if (recorded.has(key)) state.applied.add(p.id);
      }
      for (const [key, n] of recorded) if (!known.has(key)) state.unknown.push(n);
      return state;
    },
  };
}

/**
 * knex: knex/knex lib/migrations/migrate/table-creator.js (`knex_migrations`: increments id,
 * string name, integer batch, timestamp migration_time; and `knex_migrations_lock`) and
 * lib/migrations/migrate/sources/fs-migrations.js (getMigrationName: the file name WITH its
 * extension). A row naming the same file with another code extension (compiled `.js` for a
 * `.ts` file) counts too.
 */
export const knex = nameTable({
  format: 'knex',
  table: 'knex_migrations',
  column: 'name',
  requires: ['batch'],
  normalise: (n) => n.replace(CODE_EXT, ''),
  key: (p) => stem(p.file),
});

/**
 * Sequelize (sequelize-cli through umzug): sequelize/umzug src/storage/sequelize.ts
 * (`SequelizeMeta`, one column `name`, primary key) and umzug v2 src/migration.js /
 * v3 src/umzug.ts (the name is the file name with its extension; v2 also matched a
 * recorded name without it).
 */
export const sequelize = nameTable({
  format: 'sequelize',
  table: 'SequelizeMeta',
  column: 'name',
  requires: [],
  normalise: (n) => n.replace(CODE_EXT, ''),
  key: (p) => stem(p.file),
});

/**
 * node-pg-migrate: salsita/node-pg-migrate src/runner.ts (`pgmigrations (id SERIAL PRIMARY
 * KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL)`) and src/migration.ts (the
 * name is the file name without its extension).
 */
export const nodePgMigrate = nameTable({
  format: 'node-pg-migrate',
  table: 'pgmigrations',
  column: 'name',
  requires: ['run_on'],
  normalise: (n) => n,
  key: (p) => stem(p.file),
});

/**
 * Kysely: kysely-org/kysely src/migration/migrator.ts (`kysely_migration (name varchar(255)
 * primary key, timestamp varchar(255))`) and src/migration/file-migration-provider.ts (the
 * name is the file name up to its last `.`).
 */
export const kysely = nameTable({
  format: 'kysely',
  table: 'kysely_migration',
  column: 'name',
  requires: ['timestamp'],
  normalise: (n) => n,
  key: (p) => stem(p.file),
});

/**
 * MikroORM: mikro-orm/mikro-orm packages/migrations/src/MigrationStorage.ts
 * (`mikro_orm_migrations`: id, name, executed_at; names are stored and compared without a
 * `.js`/`.ts` extension — getMigrationName — which older versions stored).
 */
export const mikroOrm = nameTable({
  format: 'mikro-orm',
  table: 'mikro_orm_migrations',
  column: 'name',
  requires: ['executed_at'],
  normalise: (n) => n.replace(/\.[jt]s$/, ''),
  key: (p) => stem(p.file).replace(/\.[jt]s$/, ''),
});

/**
 * db-migrate: db-migrate/node-db-migrate lib/migrator.js (writeMigrationRecord: `matching +
 * '/' + name`, so `/20150605120000-add-pets` for the default scope and `scope/...` for a
 * scope) and lib/migration.js (parseName: `\d{14}-[^.]+`, the file name without its
 * extension; loadFromDatabase keeps the part after the last `/`). The table is
 * `migrations (id SERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL, run_on TIMESTAMP NOT NULL)`;
 * TypeORM's table has the same name (with `timestamp`, no `run_on`).
 */
export const dbMigrate = nameTable({
  format: 'db-migrate',
  table: 'migrations',
  column: 'name',
  requires: ['run_on'],
  excludes: ['timestamp'],
  normalise: (n) => n.slice(n.lastIndexOf('/') + 1),
  key: (p) => stem(p.file),
});

/** TypeORM's timestamp of a migration: the 13 digits its class name ends with, which the file name starts with. */
export function typeormTimestamp(p: PlannedMigration): string | undefined {
  const s = stem(p.file);
  return /^(\d+)/.exec(s)?.[1] ?? /(\d{13})$/.exec(s)?.[1];
}

/**
 * TypeORM: typeorm/typeorm src/migration/MigrationExecutor.ts (createMigrationsTableIfNotExist:
 * `migrations (id SERIAL PRIMARY KEY, timestamp bigint NOT NULL, name varchar NOT NULL)`;
 * getMigrations: name = the migration class name, timestamp = its last 13 digits).
 * TypeORM compares class names, which live in the code; the file (`1690000000000-AddUsers.ts`)
 * carries the same timestamp, so rows are matched by timestamp.
 */
export const typeorm: NativeHistory = {
  format: 'typeorm',
  table: 'migrations',
  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await findTable(driver, 'migrations');
    if (!t || !hasColumns(t, 'timestamp', 'name')) return undefined;
    const state = emptyState(t.display);
    const rows = await driver.query<{ ts: unknown; name: string }>(`SELECT "timestamp"::text AS ts, name FROM ${t.sql}`);
    const recorded = new Map<string, string>();
    for (const r of rows) {
      const ts = toBig(str(r.ts));
      if (ts !== undefined) recorded.set(ts.toString(), r.name);
    }
    const known = new Set<string>();
    for (const p of ofFormat(plan, 'typeorm')) {
      const ts = typeormTimestamp(p);
      if (ts === undefined) continue;
      const key = BigInt(ts).toString();
      known.add(key);
      if (recorded.has(key)) state.applied.add(p.id);
    }
    for (const [key, name] of recorded) if (!known.has(key)) state.unknown.push(name);
    return state;
  },
};
