import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../../src/lint.js';
import { FIXTURES, findingsIn, lintCode, migrationOf, only } from './helpers.js';
import type { Migration } from '../../../src/ir/types.js';

const js = (lines: string[]) => lines.join('\n') + '\n';
const texts = (m: Migration | undefined, section: 'up' | 'down' = 'up') => m![section].statements.map((s) => s.text);
const notes = (m: Migration | undefined) => m!.coverage!.unanalysed.map((u) => `${u.range.start.line}:${u.range.start.column} ${u.reason}`);

describe('database-dialect branches (knex fixture)', async () => {
  const result = await lint([path.join(FIXTURES, 'dialects', 'knex')]);
  const file = '20240301000000_rename_published_on.js';
  const m = migrationOf(result, file);

  it('reads only the code PostgreSQL runs: if/else, a flag variable, a ternary value, switch cases, includes()', () => {
    expect(m.up.statements.map((s) => `${s.range.start.line}:${s.range.start.column} ${s.text}`)).toEqual([
      '8:7 ALTER TABLE "articles" RENAME COLUMN "published_on" TO "released_on"',
      // isMariaDb ? 'LONGTEXT' : 'text' is 'text' on PostgreSQL.
      '18:19 ALTER TABLE articles ADD COLUMN summary text',
      '26:23 ALTER TABLE articles RENAME COLUMN hits TO views',
    ]);
    // down: the early return of the other-database branch leaves the PostgreSQL code after it.
    expect(m.down.statements.map((s) => `${s.range.start.line}:${s.range.start.column} ${s.text}`)).toEqual([
      '43:5 ALTER TABLE "articles" RENAME COLUMN "released_on" TO "published_on"',
    ]);
  });

  it('counts each skipped branch in the coverage with the database it runs on', () => {
    expect(notes(m)).toEqual([
      '4:35 runs only on mysql',
      '12:48 runs only on sqlite3',
      '22:7 runs only on mssql',
      '29:7 runs only on databases other than PostgreSQL',
      '32:56 runs only on oracle or oracledb',
      '38:32 runs only on databases other than PostgreSQL',
    ]);
  });

  it('reports nothing about the MySQL, SQLite, SQL Server or Oracle SQL', () => {
    expect(findingsIn(result, file, ['parse-error'])).toEqual([]);
    expect(findingsIn(result, file)).toEqual(['no-rename-column@8:7', 'no-rename-column@26:23']);
  });
});

describe('dialect tests', () => {
  const up = (body: string[]) => js(['exports.up = async function (knex, { isMysql, isSqlite, isPostgres, dbType }) {', ...body.map((l) => `  ${l}`), '};', 'exports.down = async () => {};']);

  it('reads flags named after a database, !, && and ||, whatever side the literal is on, in any letter case', async () => {
    const { migration } = await lintCode(
      up([
        "if (isMysql) await knex.raw('ALTER TABLE t MODIFY c INT');",
        "if (!isPostgres) await knex.raw('ALTER TABLE t MODIFY c INT'); else await knex.raw('SELECT 1');",
        "if (ready && isSqlite) await knex.raw('PRAGMA x'); else await knex.raw('SELECT 2');",
        "if (isSqlite || dbType === 'MySQL') await knex.raw('PRAGMA y');",
        "if ('postgresdb' === dbType || isMysql) await knex.raw('SELECT 3'); else await knex.raw('PRAGMA z');",
        "isSqlite && await knex.raw('PRAGMA w');",
        "isPostgres || await knex.raw('PRAGMA v');",
        "await (isMysql ? knex.raw('SHOW TABLES') : knex.raw('SELECT 4'));",
        "if (db.isSqlite()) await knex.raw('PRAGMA u');",
      ]),
      '1_flags.js',
    );
    expect(texts(migration)).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4']);
    expect(notes(migration)).toEqual([
      '2:16 runs only on mysql',
      '3:20 runs only on databases other than PostgreSQL',
      '4:26 runs only on sqlite',
      '5:39 runs only on sqlite or mysql',
      '6:76 runs only on databases other than PostgreSQL',
      '7:15 runs only on sqlite',
      '8:17 runs only on databases other than PostgreSQL',
      '9:20 runs only on mysql',
      '10:22 runs only on sqlite',
    ]);
  });

  it('treats CockroachDB and Redshift as other databases, and PostgreSQL names as PostgreSQL', async () => {
    const { migration } = await lintCode(
      up([
        'const client = knex.client.config.client;',
        "if (client === 'cockroachdb') await knex.raw('SET experimental_enable_hash_sharded_indexes = on');",
        "if (['postgres', 'cockroachdb'].includes(client)) await knex.raw('SELECT 1');",
        "if (client == 'redshift') await knex.raw('VACUUM t'); else if (client != 'postgresql') await knex.raw('SELECT x FROM dual'); else await knex.raw('SELECT 2');",
      ]),
      '2_cockroach.js',
    );
    expect(texts(migration)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(notes(migration)).toEqual([
      '3:33 runs only on cockroachdb',
      '5:29 runs only on redshift',
      '5:90 runs only on databases other than PostgreSQL',
    ]);
  });

  it('leaves tests that do not name a database alone, and reads both branches', async () => {
    const { migration } = await lintCode(
      up([
        "if (mode === 'admin') await knex.raw('SELECT 1'); else await knex.raw('SELECT 2');",
        "if (isReady) await knex.raw('SELECT 3');",
        "if (kind === 'mysqlish') await knex.raw('SELECT 4');",
        "const type = process.env.DB_KIND === 'big' ? 'bigint' : 'integer';",
        'await knex.raw(`ALTER TABLE t ADD COLUMN c ${type}`);',
      ]),
      '3_plain.js',
    );
    expect(texts(migration)).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4', 'ALTER TABLE t ADD COLUMN c "${type}"']);
    expect(notes(migration)).toEqual([]);
  });

  it('skips what follows a PostgreSQL branch that returns, and says nothing about a branch that runs nothing', async () => {
    const { migration } = await lintCode(
      up([
        "if (dbType === 'sqlite') return;",
        "if (dbType === 'postgresdb') {",
        "  await knex.raw('CREATE INDEX CONCURRENTLY i ON t (c)');",
        '  return;',
        '}',
        "await knex.raw('CREATE INDEX i ON t (c) ALGORITHM=INPLACE');",
      ]),
      '4_return.js',
    );
    expect(texts(migration)).toEqual(['CREATE INDEX CONCURRENTLY i ON t (c)']);
    expect(notes(migration)).toEqual(['7:3 runs only on databases other than PostgreSQL']);
  });

  it('picks the PostgreSQL case of a switch, with fall-through, and skips default', async () => {
    const { migration } = await lintCode(
      up([
        'switch (dbType) {',
        "  case 'sqlite':",
        "    await knex.raw('PRAGMA a');",
        "  case 'mysqldb':",
        "    await knex.raw('SET FOREIGN_KEY_CHECKS = 0');",
        '    break;',
        "  case 'postgresdb':",
        "    await knex.raw('SELECT 1');",
        "  case 'mariadb':",
        "    await knex.raw('SELECT 2');",
        '    break;',
        '  default:',
        "    await knex.raw('SELECT 3');",
        '}',
        'switch (dbType) {',
        "  case 'sqlite':",
        "    await knex.raw('PRAGMA b');",
        '    break;',
        '  default:',
        "    await knex.raw('SELECT 4');",
        '}',
      ]),
      '5_switch.js',
    );
    // 'mariadb' is reached from the PostgreSQL case by falling through: PostgreSQL runs it.
    expect(texts(migration)).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 4']);
    expect(notes(migration)).toEqual([
      '4:7 runs only on sqlite',
      '6:7 runs only on mysqldb',
      '14:7 runs only on databases other than PostgreSQL',
      '18:7 runs only on sqlite',
    ]);
  });

  it('reads a flag through a constant and through a helper parameter', async () => {
    const { migration } = await lintCode(
      js([
        "import { getDatabaseClient } from '../index.js';",
        'async function rename(knex, isMysql) {',
        "  if (isMysql) await knex.raw('ALTER TABLE t CHANGE a b INT');",
        "  else await knex.raw('ALTER TABLE t RENAME COLUMN a TO b');",
        '}',
        'export async function up(knex) {',
        "  const isMysql = getDatabaseClient(knex) === 'mysql';",
        '  await rename(knex, isMysql);',
        "  const flag = getDatabaseClient(knex) === 'postgres';",
        "  if (!flag) await knex.raw('SHOW TABLES');",
        '}',
        'export async function down() {}',
      ]),
      '6_helper.js',
    );
    expect(texts(migration)).toEqual(['ALTER TABLE t RENAME COLUMN a TO b']);
    expect(notes(migration)).toEqual(['3:16 runs only on mysql', '10:14 runs only on databases other than PostgreSQL']);
  });

  it('reads is...() helpers given database names: isOneOfClients([...])', async () => {
    const { migration, findings } = await lintCode(
      js([
        'export async function up(knex) {',
        '  const helper = getHelpers(knex).schema;',
        "  const type = helper.isOneOfClients(['oracle', 'cockroachdb']) ? 'text' : 'varchar(255)';",
        '  await knex.raw(`ALTER TABLE hooks ALTER COLUMN url TYPE ${type}`);',
        "  if (helper.isOneOfClients(['mysql'])) await knex.raw('ALTER TABLE hooks MODIFY url TEXT');",
        '}',
        'export async function down() {}',
      ]),
      '7_helpers.js',
    );
    expect(texts(migration)).toEqual(['ALTER TABLE hooks ALTER COLUMN url TYPE varchar(255)']);
    expect(notes(migration)).toContain('5:41 runs only on mysql');
    expect(only(findings, 'parse-error')).toEqual([]);
  });
});

describe('per-database migration folders', async () => {
  const result = await lint([path.join(FIXTURES, 'dialects', 'context')]);
  const byFolder = (folder: string) => result.migrations.find((m) => m.path.includes(`/${folder}/`))!;

  it('does not read a migration in a folder named after another database, and says so in the coverage', () => {
    for (const folder of ['sqlite', 'mysqldb']) {
      const m = byFolder(folder);
      expect(m.up.statements).toEqual([]);
      expect(m.down.statements).toEqual([]);
      expect(m.expectsDown).toBe(false);
      expect(m.coverage!.unanalysed.map((u) => u.reason)).toEqual([`runs only on ${folder}: the file is in a "${folder}" folder, so it is not read as a PostgreSQL migration`]);
      expect(result.findings.filter((f) => f.file === m.path)).toEqual([]);
    }
  });

  it('reads the postgresdb folder as PostgreSQL', () => {
    const m = byFolder('postgresdb');
    expect(m.up.statements.length).toBe(3);
    expect(m.coverage!.unanalysed).toEqual([]);
  });

  it('looks at the four nearest folders only, the nearest database name deciding', async () => {
    const code = js(["exports.up = (knex) => knex.raw('SELECT 1');", 'exports.down = async () => {};']);
    const { migration } = await lintCode(code, 'sqlite/tools/app/server/migrations/1_x.js');
    expect(texts(migration)).toEqual(['SELECT 1']);
    const nested = await lintCode(code, 'examples/sqlite/step_1/db/migrations/1_x.js');
    expect(texts(nested.migration)).toEqual([]);
    expect(notes(nested.migration)).toEqual(['1:1 runs only on sqlite: the file is in a "sqlite" folder, so it is not read as a PostgreSQL migration']);
    const pgInside = await lintCode(code, 'mysql/postgres/migrations/1_x.js');
    expect(texts(pgInside.migration)).toEqual(['SELECT 1']);
    const skipped = await lintCode(js(["exports.up = (knex) => knex.raw('PRAGMA x');", 'exports.down = async () => {};']), 'db/MySQL/1_x.js');
    expect(texts(skipped.migration)).toEqual([]);
    expect(notes(skipped.migration)).toEqual(['1:1 runs only on mysql: the file is in a "mysql" folder, so it is not read as a PostgreSQL migration']);
  });
});

describe('TypeORM migrations for several databases (fixtures/dialects/typeorm)', async () => {
  const result = await lint([path.join('fixtures', 'dialects', 'typeorm')]);
  const m = (file: string) => migrationOf(result, file);

  it('reads only the PostgreSQL case of a switch on the connection type, cases written as enum members', () => {
    const multi = m('1700000000000-AddInvoiceReminders.ts');
    expect(texts(multi)).toEqual(['ALTER TABLE "invoice" ADD "reminderCount" integer', 'CREATE INDEX "IDX_invoice_reminder" ON "invoice" ("reminderCount")']);
    expect(texts(multi, 'down')).toEqual(['DROP INDEX "public"."IDX_invoice_reminder"', 'ALTER TABLE "invoice" DROP COLUMN "reminderCount"']);
    // sqlite and betterSqlite3 share a body; default only throws, so it needs no note.
    expect(notes(multi)).toEqual(['12:5 runs only on sqlite or better-sqlite3', '18:5 runs only on mysql', '29:5 runs only on sqlite or better-sqlite3', '35:5 runs only on mysql']);
  });

  it('reports no parse error and no lock finding for the MySQL and SQLite SQL', () => {
    expect(result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
    expect(findingsIn(result, '1700000000000-AddInvoiceReminders.ts')).toEqual(['require-concurrent-index@44:28', 'require-concurrent-index-drop@48:28']);
  });

  it('reads an early return on driver.options.type, and this.connection.options.type compared with strings', () => {
    const backfill = m('1700000000001-BackfillInvoiceTotals.ts');
    expect(texts(backfill)).toEqual(['UPDATE "invoice" SET "total" = 0 WHERE "total" IS NULL']);
    expect(texts(backfill, 'down')).toEqual(['ALTER TABLE "invoice" ALTER COLUMN "total" DROP NOT NULL']);
    expect(notes(backfill)).toEqual(['12:95 runs only on mysql or mariadb']);
  });

  it('skips a helper named for another database when a branch it cannot read calls it, and reads one called unconditionally', () => {
    const named = m('1700000000002-RenameLegacyColumns.ts');
    expect(texts(named)).toEqual(['ALTER TABLE "account" RENAME COLUMN "legacy_code" TO "code"', `DELETE FROM "account_audit" WHERE "kind" = 'rename'`]);
    expect(notes(named)).toEqual(['8:10 runs only on mysql: mysqlRename() is named for it and called in a branch']);
    expect(texts(named, 'down')).toEqual(['ALTER TABLE "account" RENAME COLUMN "code" TO "legacy_code"']);
  });
});

describe('dialect tests: enum members, helpers and what is not one', () => {
  const cls = (body: string[], down: string[] = []) =>
    js([
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      "import { DatabaseType } from './db';",
      'export class M1700000000000 implements MigrationInterface {',
      '  async up(queryRunner: QueryRunner): Promise<void> {',
      ...body.map((l) => `    ${l}`),
      '  }',
      '  async down(queryRunner: QueryRunner): Promise<void> {',
      ...down.map((l) => `    ${l}`),
      '  }',
      ...['  private async sqliteFix(queryRunner: QueryRunner) {', "    await queryRunner.query('PRAGMA foreign_keys = OFF');", '  }'],
      '}',
    ]);

  it('compares with enum members whatever their case, and with constants holding a name', async () => {
    const { migration, findings } = await lintCode(
      cls([
        "const PG = 'postgres';",
        "if (queryRunner.connection.options.type === DatabaseType.MYSQL) await queryRunner.query('ALTER TABLE t MODIFY c INT');",
        "if (queryRunner.connection.options.type !== PG) await queryRunner.query('PRAGMA x');",
        "if (DatabaseType.Postgres === queryRunner.connection.options.type) await queryRunner.query('SELECT 1');",
        'switch (queryRunner.connection.options.type) {',
        "  case DatabaseType['better-sqlite3']: await queryRunner.query('PRAGMA y'); break;",
        "  case DatabaseType.POSTGRES: await queryRunner.query('SELECT 2'); break;",
        '}',
      ]),
      '1700000000000-Enums.ts',
    );
    expect(texts(migration)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(notes(migration)).toEqual(['6:69 runs only on mysql', '7:53 runs only on databases other than PostgreSQL', '10:44 runs only on better-sqlite3']);
    expect(only(findings, 'parse-error')).toEqual([]);
  });

  it('reads is...() helpers given the connection (isSqlite(connection), isMySQL(queryRunner))', async () => {
    const { migration } = await lintCode(
      cls([
        "if (isSqlite(queryRunner.connection)) await queryRunner.query('PRAGMA a');",
        "if (isMySQL(queryRunner)) await queryRunner.query('SHOW TABLES'); else await queryRunner.query('SELECT 1');",
      ]),
      '1700000000000-IsHelpers.ts',
    );
    expect(texts(migration)).toEqual(['SELECT 1']);
  });

  it('guard: a property named for a database on an options object is not a test of the database', async () => {
    const { migration } = await lintCode(
      cls([
        "if (config.mysql !== undefined) await queryRunner.query('SELECT 1');",
        "if (settings.sqlite === other) await queryRunner.query('SELECT 2');",
      ]),
      '1700000000000-Options.ts',
    );
    expect(texts(migration)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(notes(migration)).toEqual([]);
  });

  it('guard: a branch condition migratelint cannot read is read as before, both sides', async () => {
    const { migration } = await lintCode(
      cls(["if (process.env.SEED === 'yes') await queryRunner.query('SELECT 1'); else await queryRunner.query('SELECT 2');", "flag ? await queryRunner.query('SELECT 3') : await queryRunner.query('SELECT 4');"]),
      '1700000000000-Unknown.ts',
    );
    expect(texts(migration)).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4']);
    expect(notes(migration)).toEqual([]);
  });

  it('guard: a PostgreSQL-only migration behind `if (type === "postgres")` is read whole', async () => {
    const { migration, findings } = await lintCode(
      cls(["if (queryRunner.connection.options.type === 'postgres') {", "  await queryRunner.query('CREATE INDEX i ON t (c)');", '}', "await queryRunner.query('ALTER TABLE t ALTER COLUMN c SET NOT NULL');"]),
      '1700000000000-PgOnly.ts',
    );
    expect(texts(migration)).toEqual(['CREATE INDEX i ON t (c)', 'ALTER TABLE t ALTER COLUMN c SET NOT NULL']);
    expect(notes(migration)).toEqual([]);
    expect(only(findings, 'require-concurrent-index')).toEqual(['require-concurrent-index@6:32']);
  });

  it('calls a helper named for another database in a ternary branch: skipped; unconditionally: read', async () => {
    const { migration } = await lintCode(cls(['legacy ? await this.sqliteFix(queryRunner) : null;'], ['await this.sqliteFix(queryRunner);']), '1700000000000-Helpers.ts');
    expect(texts(migration)).toEqual([]);
    expect(notes(migration)).toEqual(['5:20 runs only on sqlite: sqliteFix() is named for it and called in a branch']);
    expect(texts(migration, 'down')).toEqual(['PRAGMA foreign_keys = OFF']);
  });

  it('reads a Sequelize getDialect() early return and knex client.dialect', async () => {
    const seq = await lintCode(
      js([
        'module.exports = {',
        '  async up(queryInterface) {',
        "    if (queryInterface.sequelize.getDialect() !== 'postgres') return;",
        "    await queryInterface.sequelize.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');",
        '  },',
        '  async down() {},',
        '};',
      ]),
      '20240101000000-trgm.js',
    );
    expect(texts(seq.migration)).toEqual(['CREATE EXTENSION IF NOT EXISTS pg_trgm']);
    const knex = await lintCode(js(["exports.up = async (knex) => { if (knex.client.dialect === 'mysql') await knex.raw('SHOW TABLES'); };", 'exports.down = async () => {};']), '1_k.js');
    expect(texts(knex.migration)).toEqual([]);
    expect(notes(knex.migration)).toEqual(['1:69 runs only on mysql']);
  });

  it('reads a TypeScript file with parameter decorators (NestJS) instead of reporting a parse error', async () => {
    const { result } = await lintCode(
      js(["import { Injectable, Inject } from '@nestjs/common';", '@Injectable()', 'export class Helper {', '  constructor(@Inject(X) private readonly x: unknown) {}', '}']),
      'helper.ts',
    );
    expect(result.findings).toEqual([]);
  });
});
