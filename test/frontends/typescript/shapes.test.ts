import { describe, expect, it } from 'vitest';
import { lintCode, only } from './helpers.js';

const js = (lines: string[]) => lines.join('\n') + '\n';
const texts = async (code: string, file: string) => {
  const { migration } = await lintCode(code, file);
  return migration!.up.statements.map((s) => s.text);
};

describe('knex shapes', () => {
  it('a knex.raw() fragment held in a variable is not a statement', async () => {
    expect(
      await texts(
        js([
          'exports.up = async (knex) => {',
          "  const now = knex.raw('now()');",
          "  await knex('events').update({ seen_at: now }).where('id', 1);",
          '};',
        ]),
        '1_x.js',
      ),
    ).toEqual(['UPDATE "events" SET "seen_at" = now() WHERE "id" = 1']);
  });

  it('binds ?? and ? of knex.raw, and keeps \\? as a question mark', async () => {
    expect(
      await texts(js(["exports.up = (knex) => knex.raw('UPDATE ?? SET data = data - ? WHERE data \\\\? ?', ['users', 'k', 'x']);"]), '1_x.js'),
    ).toEqual([`UPDATE "users" SET data = data - 'k' WHERE data ? 'x'`]);
  });

  it('follows hasTable().then(), Promise.all and transactions', async () => {
    expect(
      await texts(
        js([
          'exports.up = function (knex, Promise) {',
          "  return knex.schema.hasTable('a').then((exists) => {",
          '    if (!exists) {',
          "      return knex.schema.createTable('a', (t) => { t.increments(); });",
          '    }',
          '  }).then(() => Promise.all([',
          "    knex.raw('DELETE FROM b WHERE x = 1'),",
          "    knex.transaction(async (trx) => { await trx('c').truncate(); }),",
          '  ]));',
          '};',
        ]),
        '1_x.js',
      ),
    ).toEqual(['CREATE TABLE "a" ("id" serial PRIMARY KEY)', 'DELETE FROM b WHERE x = 1', 'TRUNCATE "c" RESTART IDENTITY']);
  });

  it('prints .alter() the way knex does: drop default and nullability, change type, set them again', async () => {
    expect(
      await texts(js(["exports.up = (knex) => knex.schema.alterTable('u', (t) => { t.string('email', 320).notNullable().alter(); });"]), '1_x.js'),
    ).toEqual([
      'ALTER TABLE "u" ALTER COLUMN "email" DROP DEFAULT',
      'ALTER TABLE "u" ALTER COLUMN "email" DROP NOT NULL',
      'ALTER TABLE "u" ALTER COLUMN "email" TYPE varchar(320) USING ("email"::varchar(320))',
      'ALTER TABLE "u" ALTER COLUMN "email" SET NOT NULL',
    ]);
  });

  it('uses withSchema and native enums', async () => {
    expect(
      await texts(
        js([
          'exports.up = (knex) => knex.schema.withSchema("billing").createTable("invoice", (t) => {',
          "  t.enu('state', ['open', 'paid'], { useNative: true, enumName: 'invoice_state' });",
          '});',
        ]),
        '1_x.js',
      ),
    ).toEqual([`CREATE TYPE "invoice_state" AS ENUM ('open', 'paid')`, 'CREATE TABLE "billing"."invoice" ("state" "invoice_state")']);
  });
});

describe('Sequelize shapes', () => {
  it('reads replacements and a destructured sequelize', async () => {
    expect(
      await texts(
        js([
          'module.exports = {',
          '  up: async (queryInterface) => {',
          '    const { sequelize } = queryInterface;',
          "    await sequelize.query('DELETE FROM logs WHERE level = ? AND app = :app', { replacements: ['debug'] });",
          "    await sequelize.query('UPDATE t SET a = :a WHERE b = :b', { replacements: { a: 1, b: 'x' } });",
          '  },',
          '  down: async () => {},',
          '};',
        ]),
        '1-x.js',
      ),
    ).toEqual([`DELETE FROM logs WHERE level = 'debug' AND app = :app`, `UPDATE t SET a = 1 WHERE b = 'x'`]);
  });

  it('a JavaScript-side default (UUIDV4, NOW) is no database default', async () => {
    const { findings } = await lintCode(
      js([
        'module.exports = {',
        '  async up(queryInterface, Sequelize) {',
        "    await queryInterface.addColumn('t', 'uid', { type: Sequelize.UUID, allowNull: false, defaultValue: Sequelize.UUIDV4 });",
        "    await queryInterface.addColumn('t', 'at', { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') });",
        '  },',
        "  async down(queryInterface) { await queryInterface.removeColumn('t', 'uid'); },",
        '};',
      ]),
      '1-x.js',
    );
    expect(only(findings, 'no-not-null-without-default')).toEqual(['no-not-null-without-default@3:11']);
  });
});

describe('TypeORM shapes', () => {
  it('reads queryRunner.manager.query, and commitTransaction() leaves the transaction', async () => {
    const { migration } = await lintCode(
      js([
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class X1 implements MigrationInterface {',
        '  async up(queryRunner: QueryRunner) {',
        '    await queryRunner.commitTransaction();',
        "    await queryRunner.manager.query('CREATE INDEX CONCURRENTLY i ON t (a)');",
        '    await queryRunner.startTransaction();',
        '  }',
        "  async down(queryRunner: QueryRunner) { await queryRunner.query('DROP INDEX CONCURRENTLY i'); }",
        '}',
      ]),
      '1-X.ts',
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual(['CREATE INDEX CONCURRENTLY i ON t (a)']);
    expect(migration!.up.transaction).toBe(false);
    expect(migration!.down.transaction).toBe(true);
  });
});

describe('sql tags', () => {
  it('inlines nested fragments and identifier helpers, binds values', async () => {
    expect(
      await texts(
        js([
          "import { Kysely, sql } from 'kysely';",
          'export async function up(db: Kysely<any>) {',
          '  const where = sql`status = ${"gone"}`;',
          '  await sql`DELETE FROM ${sql.table("person")} WHERE ${where} AND ${sql.ref("person.id")} > ${0}`.execute(db);',
          "  await sql.raw('VACUUM person').execute(db);",
          '}',
        ]),
        '2024_x.ts',
      ),
    ).toEqual(['DELETE FROM "person" WHERE status = $1 AND "person"."id" > $2', 'VACUUM person']);
  });

  it('reads postgres.js: awaited sql``, sql.unsafe and sql.begin', async () => {
    expect(
      await texts(
        js([
          'exports.up = async (sql) => {',
          '  await sql`UPDATE accounts SET plan = ${"free"}`;',
          "  await sql.unsafe('DELETE FROM sessions');",
          '  await sql.begin(async (tx) => { await tx`DELETE FROM carts WHERE id = ${1}`; });',
          '};',
        ]),
        '1_x.js',
      ),
    ).toEqual(['UPDATE accounts SET plan = $1', 'DELETE FROM sessions', 'DELETE FROM carts WHERE id = $1']);
  });

  it('reads Drizzle db.execute(sql``) and db.execute(sql.raw(...))', async () => {
    expect(
      await texts(
        js([
          "import { sql } from 'drizzle-orm';",
          'export async function up(db) {',
          '  await db.execute(sql`UPDATE accounts SET flag = ${true}`);',
          "  await db.execute(sql.raw('TRUNCATE sessions'));",
          '}',
        ]),
        '2024_x.ts',
      ),
    ).toEqual(['UPDATE accounts SET flag = $1', 'TRUNCATE sessions']);
  });

  it('reads Slonik queries: sql.unsafe``, sql.typeAlias()``, identifiers', async () => {
    expect(
      await texts(
        js([
          "import { sql } from 'slonik';",
          'export const up = async ({ context: { connection } }) => {',
          '  await connection.query(sql.unsafe`UPDATE ${sql.identifier(["app", "user"])} SET plan = ${"free"}`);',
          "  await connection.query(sql.typeAlias('void')`DELETE FROM app.sessions`);",
          '};',
        ]),
        '2024.01.01T00.00.00.change.ts',
      ),
    ).toEqual(['UPDATE "app"."user" SET plan = $1', 'DELETE FROM app.sessions']);
  });

  it('a sql`` fragment that is never run is not a statement', async () => {
    expect(
      await texts(
        js(["import { sql } from 'kysely';", 'export async function up(db) {', '  const frag = sql`WHERE x = 1`;', "  await db.schema.dropTable('t').execute();", '}']),
        '2024_x.ts',
      ),
    ).toEqual(['DROP TABLE "t"']);
  });
});
