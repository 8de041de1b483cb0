/**
 * Every migration format migratelint reads, described once: how its files look, how
 * it writes a down migration, whether its tool wraps a migration in a transaction, how
 * the tool orders migrations and keys its history, and the table that history lives in.
 * Discovery, the frontends, validate and the executor read these facts here instead of
 * keeping lists of their own.
 */
import type { FrontendName } from './frontends.js';

export const FORMAT_IDS = [
  // SQL files
  'sql',
  'flyway',
  'prisma',
  'drizzle',
  'golang-migrate',
  'diesel',
  'dbmate',
  'goose',
  // TypeScript / JavaScript
  'knex',
  'typeorm',
  'sequelize',
  'node-pg-migrate',
  'kysely',
  'mikro-orm',
  'db-migrate',
  // Python
  'alembic',
  'django',
] as const;

/** Known migration formats. `sql` is a plain SQL file with no up/down convention. */
export type MigrationFormat = (typeof FORMAT_IDS)[number];

/**
 * How a format writes the way back:
 * - `file`: a second file (`.down.sql`, diesel's `down.sql`);
 * - `optional-file`: a second file the tool does not require (Flyway's `U` undo files,
 *   expected only in folders that use them);
 * - `section`: a marked part of the same file (dbmate, goose);
 * - `code`: a function or method next to the up (knex `down`, Alembic `downgrade`,
 *   Django's reverse of each operation);
 * - `none`: the tool has no down migrations.
 */
export type DownConvention = 'file' | 'optional-file' | 'section' | 'code' | 'none';

/**
 * How the tool orders migrations:
 * - `version`: by the version in the file name, compared as numbers part by part;
 * - `name`: by file (or folder) name sorted as text;
 * - `journal`: by the order a journal file records (Drizzle's meta/_journal.json);
 * - `graph`: by the dependencies each migration declares (Alembic, Django).
 */
export type OrderRule = 'version' | 'name' | 'journal' | 'graph';

export interface FormatDescriptor {
  id: MigrationFormat;
  /** The tool's name as its users write it. */
  label: string;
  frontend: FrontendName;
  /** How a migration's files are recognised, in words (README, messages). */
  files: string;
  down: DownConvention;
  /** Whether the tool runs a migration inside a transaction unless told otherwise; undefined when nobody can say. */
  transaction: boolean | undefined;
  order: OrderRule;
  /** Whether the tool keys its history by version, so two files with one version cannot both be applied. */
  versionKeyed: boolean;
  /** The table the tool records applied migrations in; undefined when it keeps none. */
  historyTable?: string;
  /** What the tool does with a migration older than the newest applied one. */
  outOfOrder?: string;
}

const sql = (d: Omit<FormatDescriptor, 'frontend'>): FormatDescriptor => ({ ...d, frontend: 'sql' });
const code = (d: Omit<FormatDescriptor, 'frontend' | 'down' | 'versionKeyed'>): FormatDescriptor => ({
  ...d,
  frontend: 'typescript',
  down: 'code',
  versionKeyed: false,
});

export const FORMATS: Readonly<Record<MigrationFormat, FormatDescriptor>> = {
  sql: sql({
    id: 'sql',
    label: 'plain SQL',
    files: 'any other *.sql',
    down: 'none',
    transaction: undefined,
    order: 'name',
    versionKeyed: true,
  }),
  flyway: sql({
    id: 'flyway',
    label: 'Flyway',
    files: 'V1_2__name.sql, undo U1_2__name.sql, repeatable R__name.sql',
    down: 'optional-file',
    transaction: true,
    order: 'version',
    versionKeyed: true,
    historyTable: 'flyway_schema_history',
    outOfOrder: 'Flyway refuses to migrate unless outOfOrder=true',
  }),
  prisma: sql({
    id: 'prisma',
    label: 'Prisma',
    files: '<timestamp>_<name>/migration.sql',
    down: 'none',
    transaction: undefined,
    order: 'name',
    versionKeyed: false,
    historyTable: '_prisma_migrations',
  }),
  drizzle: sql({
    id: 'drizzle',
    label: 'Drizzle',
    files: '--> statement-breakpoint separators',
    down: 'none',
    transaction: true,
    order: 'journal',
    versionKeyed: false,
    historyTable: '__drizzle_migrations',
  }),
  'golang-migrate': sql({
    id: 'golang-migrate',
    label: 'golang-migrate',
    files: '000042_name.up.sql + 000042_name.down.sql',
    down: 'file',
    transaction: undefined,
    order: 'version',
    versionKeyed: true,
    historyTable: 'schema_migrations',
    outOfOrder: 'golang-migrate never applies it (it only moves forward from the newest version)',
  }),
  diesel: sql({
    id: 'diesel',
    label: 'diesel',
    files: '<dir>/up.sql + <dir>/down.sql',
    down: 'file',
    transaction: true,
    order: 'name',
    versionKeyed: true,
    historyTable: '__diesel_schema_migrations',
    outOfOrder: 'diesel applies it, after migrations that were written later',
  }),
  dbmate: sql({
    id: 'dbmate',
    label: 'dbmate',
    files: '-- migrate:up / -- migrate:down sections',
    down: 'section',
    transaction: true,
    order: 'name',
    versionKeyed: true,
    historyTable: 'schema_migrations',
    outOfOrder: 'dbmate applies it, after migrations that were written later',
  }),
  goose: sql({
    id: 'goose',
    label: 'goose',
    files: '-- +goose Up / -- +goose Down sections',
    down: 'section',
    transaction: true,
    order: 'version',
    versionKeyed: true,
    historyTable: 'goose_db_version',
    outOfOrder: 'goose refuses to run unless started with -allow-missing',
  }),
  knex: code({ id: 'knex', label: 'knex', files: 'exports.up / exports.down', transaction: true, order: 'name', historyTable: 'knex_migrations' }),
  typeorm: code({ id: 'typeorm', label: 'TypeORM', files: 'class with up(queryRunner) / down(queryRunner)', transaction: true, order: 'version', historyTable: 'migrations' }),
  sequelize: code({ id: 'sequelize', label: 'Sequelize', files: 'up(queryInterface) / down(queryInterface)', transaction: false, order: 'name', historyTable: 'SequelizeMeta' }),
  'node-pg-migrate': code({ id: 'node-pg-migrate', label: 'node-pg-migrate', files: 'exports.up(pgm) / exports.down(pgm)', transaction: true, order: 'name', historyTable: 'pgmigrations' }),
  kysely: code({ id: 'kysely', label: 'Kysely', files: 'up(db) / down(db)', transaction: true, order: 'name', historyTable: 'kysely_migration' }),
  'mikro-orm': code({ id: 'mikro-orm', label: 'MikroORM', files: 'class extends Migration with up() / down()', transaction: true, order: 'name', historyTable: 'mikro_orm_migrations' }),
  'db-migrate': code({ id: 'db-migrate', label: 'db-migrate', files: 'exports.up(db) / exports.down(db)', transaction: true, order: 'name', historyTable: 'migrations' }),
  alembic: {
    id: 'alembic',
    label: 'Alembic',
    frontend: 'python',
    files: 'revision / down_revision with upgrade() / downgrade()',
    down: 'code',
    transaction: true,
    order: 'graph',
    versionKeyed: false,
    historyTable: 'alembic_version',
    outOfOrder: 'Alembic does not apply a revision below the current head',
  },
  django: {
    id: 'django',
    label: 'Django',
    frontend: 'python',
    files: 'migrations/NNNN_name.py with class Migration(operations=[...])',
    down: 'code',
    transaction: true,
    order: 'graph',
    versionKeyed: false,
    historyTable: 'django_migrations',
    outOfOrder: 'Django stops with InconsistentMigrationHistory',
  },
};

/** The formats whose files are the SQL their tool runs, byte for byte. */
export const isSqlFormat = (format: MigrationFormat): boolean => FORMATS[format].frontend === 'sql';
