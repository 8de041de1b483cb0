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
  // Ruby
  'rails',
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
  /**
   * Whether the tool runs a migration inside a transaction unless told otherwise; undefined
   * when nobody can say (plain SQL: it depends on the runner) or when the tool opens none
   * but the server may (golang-migrate, Prisma: see `sendsOneQuery`).
   */
  transaction: boolean | undefined;
  /**
   * Whether the tool sends a migration's SQL (a file, or a dbmate section) to the server as
   * ONE simple-protocol query string. PostgreSQL runs a query string of more than one
   * statement as one implicit transaction, so such a file is all-or-nothing even where the
   * tool opens no transaction, and a statement that cannot run in a transaction block
   * (CREATE INDEX CONCURRENTLY) fails in it unless it is alone in its file.
   * False: the tool splits the file and sends statement by statement. Undefined for code
   * formats (each call sends its own query).
   */
  sendsOneQuery?: boolean;
  /** How to make one statement run outside any transaction with this tool, in words for messages. */
  outsideTransaction: string;
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
    sendsOneQuery: undefined,
    outsideTransaction:
      'outside any BEGIN ... COMMIT, with a runner that sends statements one by one (psql does)',
    order: 'name',
    versionKeyed: true,
  }),
  flyway: sql({
    id: 'flyway',
    label: 'Flyway',
    files: 'V1_2__name.sql, undo U1_2__name.sql, repeatable R__name.sql',
    down: 'optional-file',
    transaction: true,
    sendsOneQuery: false,
    outsideTransaction:
      'a migration of its own: Flyway runs a migration holding only statements that cannot run in a transaction without one (mixing them with others fails unless mixed=true)',
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
    sendsOneQuery: true,
    outsideTransaction:
      'a migration of its own holding only that statement: prisma migrate sends migration.sql as one query, which PostgreSQL runs in one transaction when it holds several statements',
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
    sendsOneQuery: false,
    outsideTransaction:
      'outside drizzle-kit migrate, which runs every migration in one transaction: run it by hand or from a separate script',
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
    sendsOneQuery: true,
    outsideTransaction:
      'a migration of its own holding only that statement: golang-migrate sends a file as one query, which PostgreSQL runs in one transaction when it holds several statements (or add x-multi-statement=true to the database URL, and golangMigrate: { multiStatement: true } to the config)',
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
    sendsOneQuery: true,
    outsideTransaction:
      'a migration of its own holding only that statement, with run_in_transaction = false in its metadata.toml (diesel sends up.sql as one query, which PostgreSQL runs in one transaction when it holds several statements)',
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
    sendsOneQuery: true,
    outsideTransaction:
      'a migration of its own: -- migrate:up transaction:false, with only that statement in the section (dbmate sends a section as one query, which PostgreSQL runs in one transaction when it holds several statements)',
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
    sendsOneQuery: false,
    outsideTransaction:
      'a migration of its own with -- +goose NO TRANSACTION at the top (goose then runs its statements one by one)',
    order: 'version',
    versionKeyed: true,
    historyTable: 'goose_db_version',
    outOfOrder: 'goose refuses to run unless started with -allow-missing',
  }),
  knex: code({
    id: 'knex',
    label: 'knex',
    files: 'exports.up / exports.down',
    transaction: true,
    outsideTransaction: 'exports.config = { transaction: false } in a migration of its own',
    order: 'name',
    historyTable: 'knex_migrations',
  }),
  typeorm: code({
    id: 'typeorm',
    label: 'TypeORM',
    files: 'class with up(queryRunner) / down(queryRunner)',
    transaction: true,
    outsideTransaction: 'a migration of its own with transaction = false on the class (TypeORM honours it when migrationsTransactionMode is each or none)',
    order: 'version',
    historyTable: 'migrations',
  }),
  sequelize: code({
    id: 'sequelize',
    label: 'Sequelize',
    files: 'up(queryInterface) / down(queryInterface)',
    transaction: false,
    outsideTransaction: 'outside any transaction the migration opens itself (Sequelize opens none for a migration)',
    order: 'name',
    historyTable: 'SequelizeMeta',
  }),
  'node-pg-migrate': code({
    id: 'node-pg-migrate',
    label: 'node-pg-migrate',
    files: 'exports.up(pgm) / exports.down(pgm)',
    transaction: true,
    outsideTransaction: 'pgm.noTransaction() in a migration of its own',
    order: 'name',
    historyTable: 'pgmigrations',
  }),
  kysely: code({
    id: 'kysely',
    label: 'Kysely',
    files: 'up(db) / down(db)',
    transaction: true,
    outsideTransaction: 'a migration run by a Migrator created with disableTransactions: true (Kysely wraps each migration in a transaction on PostgreSQL)',
    order: 'name',
    historyTable: 'kysely_migration',
  }),
  'mikro-orm': code({
    id: 'mikro-orm',
    label: 'MikroORM',
    files: 'class extends Migration with up() / down()',
    transaction: true,
    outsideTransaction: 'a migration of its own whose isTransactional() returns false',
    order: 'name',
    historyTable: 'mikro_orm_migrations',
  }),
  'db-migrate': code({
    id: 'db-migrate',
    label: 'db-migrate',
    files: 'exports.up(db) / exports.down(db)',
    transaction: true,
    outsideTransaction: "a migration of its own run without db-migrate's transaction (it has no per-migration switch: run it by hand, or end the transaction first with db.endMigration)",
    order: 'name',
    historyTable: 'migrations',
  }),
  alembic: {
    id: 'alembic',
    label: 'Alembic',
    frontend: 'python',
    files: 'revision / down_revision with upgrade() / downgrade()',
    down: 'code',
    transaction: true,
    outsideTransaction: 'with op.get_context().autocommit_block(): around the operation (postgresql_concurrently=True for indexes)',
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
    outsideTransaction: 'atomic = False on the Migration class, with AddIndexConcurrently / RemoveIndexConcurrently from django.contrib.postgres.operations',
    order: 'graph',
    versionKeyed: false,
    historyTable: 'django_migrations',
    outOfOrder: 'Django stops with InconsistentMigrationHistory',
  },
  rails: {
    id: 'rails',
    label: 'Rails',
    frontend: 'ruby',
    files: 'db/migrate/<14-digit version>_<name>.rb (engines\' …/db/migrate/ too) with class … < ActiveRecord::Migration[x.y]',
    down: 'code',
    transaction: true,
    outsideTransaction: 'disable_ddl_transaction! in a migration of its own (with algorithm: :concurrently for indexes)',
    order: 'version',
    versionKeyed: true,
    historyTable: 'schema_migrations',
    outOfOrder: 'Rails applies it: db:migrate runs every version schema_migrations does not list, older ones included',
  },
};

/** The formats whose files are the SQL their tool runs, byte for byte. */
export const isSqlFormat = (format: MigrationFormat): boolean => FORMATS[format].frontend === 'sql';

/** How the project starts its tools, where that changes what the server receives (the config's `golangMigrate`). */
export interface ToolSettings {
  /** golang-migrate runs with x-multi-statement=true in its database URL: it splits a file on `;` and sends each statement on its own. */
  golangMigrateMultiStatement?: boolean;
  /** The files are applied by migratelint's executor, which sends every statement on its own. */
  oneByOne?: boolean;
}

/** Whether the format's tool hands the server a whole file (or section) as one query, as the project runs it. */
export function sendsSectionAsOneQuery(format: MigrationFormat, tools: ToolSettings = {}): boolean {
  if (tools.oneByOne) return false;
  if (format === 'golang-migrate' && tools.golangMigrateMultiStatement) return false;
  return FORMATS[format].sendsOneQuery === true;
}
