/**
 * Data changes written with query builders (issue 18): an UPDATE or DELETE without a
 * condition is lowered without WHERE, so the where-less rules report it at the call;
 * any condition in the chain, even one that cannot be printed, keeps them quiet.
 */
import { describe, expect, it } from 'vitest';
import { lintCode, only } from './helpers.js';

const WHERELESS = ['no-update-without-where', 'no-delete-without-where'];

async function whereless(code: string, filename?: string) {
  const { findings, migration } = await lintCode(code, filename);
  return { found: only(findings, ...WHERELESS), migration: migration!, texts: migration!.up.statements.map((s) => s.text) };
}

describe('knex vs Kysely: told apart by how the connection is used', () => {
  it('a parameter typed with a project alias (db: DbConnection) and called like knex is knex', async () => {
    const { found, migration, texts } = await whereless(
      [
        "import type { DbConnection } from '../db';",
        'export async function up(db: DbConnection): Promise<void> {',
        "  await db('users').update({ active: false });",
        "  await db.table('sessions').del();",
        "  await db('tokens').where('expired', true).delete();",
        '}',
        'export async function down(db: DbConnection): Promise<void> {}',
      ].join('\n'),
    );
    expect(migration.format).toBe('knex');
    expect(texts).toEqual(['UPDATE "users" SET "active" = false', 'DELETE FROM "sessions"', 'DELETE FROM "tokens" WHERE "expired" = true']);
    expect(found).toEqual(['no-update-without-where@3:9', 'no-delete-without-where@4:9']);
  });

  it('an untyped `db` whose schema builders take callbacks is knex; raw() says so too', async () => {
    const { migration } = await whereless(
      [
        'exports.up = async (db) => {',
        "  await db.schema.alterTable('users', (t) => { t.text('nickname'); });",
        "  await db.raw('ANALYZE users');",
        '};',
        'exports.down = async (db) => {};',
      ].join('\n'),
      '20240101000000_nickname.js',
    );
    expect(migration.format).toBe('knex');
    expect(migration.up.statements.map((s) => s.kind)).toEqual(['AlterTableStmt', 'VacuumStmt']);
  });

  it('an untyped `db` used with Kysely builders and .execute() stays Kysely, whatever its name', async () => {
    const kysely = await whereless(
      [
        'async function up(db) {',
        "  await db.schema.createTable('pet').addColumn('id', 'serial', (col) => col.primaryKey()).execute();",
        "  await db.deleteFrom('pet_visit').execute();",
        '}',
        'async function down(db) {',
        "  await db.schema.dropTable('pet').execute();",
        '}',
        'module.exports = { up, down };',
      ].join('\n'),
      '20240101000000_pet.cjs',
    );
    expect(kysely.migration.format).toBe('kysely');
    expect(kysely.found).toEqual(['no-delete-without-where@3:9']);
    const renamed = await whereless(
      ["exports.up = async (connection) => {", "  await connection.updateTable('pet').set({ name: 'x' }).execute();", '};', 'exports.down = async () => {};'].join('\n'),
      '20240101000000_pet.js',
    );
    expect(renamed.migration.format).toBe('kysely');
    expect(renamed.found).toEqual(['no-update-without-where@2:9']);
  });
});

describe('knex query builders', () => {
  it('update/del/delete without a condition are reported at the call, with trx too', async () => {
    const { found } = await whereless(
      [
        "import type { Knex } from 'knex';",
        'export async function up(knex: Knex): Promise<void> {',
        "  await knex('users').update({ active: false });",
        "  await knex('sessions').del();",
        '  await knex.transaction(async (trx) => {',
        "    await trx('tokens').delete();",
        '  });',
        '}',
        'export async function down(): Promise<void> {}',
      ].join('\n'),
    );
    expect(found).toEqual(['no-update-without-where@3:9', 'no-delete-without-where@4:9', 'no-delete-without-where@6:11']);
  });

  it('any condition keeps them quiet: before or after the verb, whereIn, whereRaw, callbacks, modify() with a where', async () => {
    const { found, texts } = await whereless(
      [
        "import type { Knex } from 'knex';",
        "const onlyActive = (qb: Knex.QueryBuilder) => qb.where('active', true);",
        'export async function up(knex: Knex): Promise<void> {',
        "  await knex('users').where('id', 1).update({ active: true });",
        "  await knex('users').update({ active: true }).where('id', 2);",
        "  await knex('users').whereIn('id', [1, 2]).del();",
        "  await knex('users').whereRaw('created_at < now()').del();",
        "  await knex('users').where((qb) => qb.where('a', 1).orWhere('b', 2)).del();",
        "  await knex('users').whereExists(function () { this.select('*').from('bans'); }).del();",
        "  await knex('users').modify(onlyActive).del();",
        "  await knex('users').modify(importedModifier).update({ a: 1 });",
        '}',
        'export async function down(): Promise<void> {}',
      ].join('\n'),
    );
    expect(found).toEqual([]);
    expect(texts.every((t) => t.includes(' WHERE '))).toBe(true);
  });

  it('modify() whose callback adds no condition is no condition', async () => {
    const { found } = await whereless(
      [
        "import type { Knex } from 'knex';",
        'export async function up(knex: Knex): Promise<void> {',
        "  await knex('users').modify((qb) => qb.returning('id')).del();",
        '}',
        'export async function down(): Promise<void> {}',
      ].join('\n'),
    );
    expect(found).toEqual(['no-delete-without-where@3:9']);
  });
});

describe('Kysely query builders', () => {
  it('updateTable/deleteFrom executed without where are reported; where, whereRef and callbacks are conditions', async () => {
    const { found } = await whereless(
      [
        "import { Kysely, sql } from 'kysely';",
        'export async function up(db: Kysely<any>): Promise<void> {',
        "  await db.updateTable('person').set({ tier: 1 }).execute();",
        "  await db.deleteFrom('person_session').executeTakeFirst();",
        "  await db.updateTable('person').set({ tier: 2 }).where('id', '=', 1).execute();",
        "  await db.deleteFrom('person_session').where((eb) => eb('expires_at', '<', new Date())).execute();",
        "  await db.deleteFrom('person_session').whereRef('a', '=', 'b').execute();",
        "  await db.deleteFrom('person_session').where(sql`expires_at < now()`).execute();",
        "  await db.deleteFrom('pet').orWhere('id', '=', 3).execute();",
        '}',
        'export async function down(db: Kysely<any>): Promise<void> {}',
      ].join('\n'),
    );
    expect(found).toEqual(['no-update-without-where@3:9', 'no-delete-without-where@4:9']);
  });
});

describe('TypeORM query builders', () => {
  const typeorm = (body: string[]) =>
    [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      "import { User } from '../entity/User';",
      'export class Backfill1700000000000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      ...body,
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {}',
      '}',
    ].join('\n');

  it('update().set() and delete().from() executed without where are lowered without WHERE', async () => {
    const { found, texts } = await whereless(
      typeorm([
        '    await queryRunner.manager.createQueryBuilder().update(User).set({ active: false }).execute();',
        "    await queryRunner.manager.createQueryBuilder().delete().from('sessions').execute();",
        "    await queryRunner.connection.createQueryBuilder().update('users').set({ tier: 1 }).execute();",
        "    await queryRunner.manager.getRepository(User).createQueryBuilder('u').delete().execute();",
        "    await queryRunner.manager.createQueryBuilder(User, 'u').softDelete().execute();",
        "    await queryRunner.manager.connection.createQueryBuilder().delete().from('audit').execute();",
      ]),
      '1700000000000-Backfill.ts',
    );
    expect(texts).toEqual([
      'UPDATE "${User}" SET "active" = false',
      'DELETE FROM "sessions"',
      'UPDATE "users" SET "tier" = 1',
      'DELETE FROM "${User}"',
      'UPDATE "${User}" SET "${deleteDate column}" = now()',
      'DELETE FROM "audit"',
    ]);
    expect(found).toEqual([
      'no-update-without-where@5:11',
      'no-delete-without-where@6:11',
      'no-update-without-where@7:11',
      'no-delete-without-where@8:11',
      'no-update-without-where@9:11',
      'no-delete-without-where@10:11',
    ]);
  });

  it('a where anywhere in the chain (before update(), andWhere, whereInIds) is a condition; reads and inserts are no statements', async () => {
    const { found, texts, migration } = await whereless(
      typeorm([
        "    await queryRunner.manager.createQueryBuilder().update(User).set({ name: 'x' }).where('id = :id', { id: 1 }).execute();",
        "    await queryRunner.manager.createQueryBuilder(User, 'u').where('u.legacy = true').delete().execute();",
        "    await queryRunner.manager.createQueryBuilder().delete().from(User).whereInIds([1, 2]).execute();",
        "    await queryRunner.manager.createQueryBuilder().update(User).set({ a: 1 }).andWhere('a IS NULL').execute();",
        "    await queryRunner.manager.createQueryBuilder().insert().into(User).values({ name: 'x' }).execute();",
        "    const users = await queryRunner.manager.createQueryBuilder(User, 'u').where('u.a = 1').getMany();",
        "    const builder = queryRunner.manager.createQueryBuilder().update(User).set({ a: 2 });",
      ]),
      '1700000000000-Backfill.ts',
    );
    expect(found).toEqual([]);
    expect(texts).toHaveLength(4);
    expect(texts.every((t) => t.endsWith(' WHERE "${where(...)}"'))).toBe(true);
    // A builder that is never executed here runs nothing, and says so.
    expect(migration.coverage!.unanalysed.map((u) => `${u.range.start.line} ${u.reason}`)).toEqual(['11 a TypeORM query builder that is not executed here (no .execute())']);
  });
});

describe('Sequelize bulkUpdate / bulkDelete', () => {
  it('an empty, null or missing where deletes or updates every row', async () => {
    const { found } = await whereless(
      [
        "'use strict';",
        'module.exports = {',
        '  async up(queryInterface, Sequelize) {',
        "    await queryInterface.bulkUpdate('users', { active: false }, {});",
        "    await queryInterface.bulkDelete('sessions', {});",
        "    await queryInterface.bulkDelete('sessions', null, {});",
        "    await queryInterface.bulkDelete('tokens');",
        "    await queryInterface.bulkDelete({ tableName: 'users', schema: 'app' }, {}, {});",
        '  },',
        '  async down() {},',
        '};',
      ].join('\n'),
      '20240101000000-cleanup.js',
    );
    expect(found).toEqual([
      'no-update-without-where@4:11',
      'no-delete-without-where@5:11',
      'no-delete-without-where@6:11',
      'no-delete-without-where@7:11',
      'no-delete-without-where@8:11',
    ]);
  });

  it('a where object with keys, operator keys, or one only known at run time is a condition', async () => {
    const { found } = await whereless(
      [
        "'use strict';",
        "const { Op } = require('sequelize');",
        'module.exports = {',
        '  async up(queryInterface, Sequelize) {',
        "    await queryInterface.bulkUpdate('users', { active: true }, { id: 1 });",
        "    await queryInterface.bulkDelete('sessions', { expired: true });",
        "    await queryInterface.bulkDelete('sessions', { id: { [Op.in]: [1, 2] } });",
        "    await queryInterface.bulkDelete('sessions', { [Op.or]: [{ a: 1 }, { b: 2 }] });",
        "    const where = { kind: 'legacy' };",
        "    await queryInterface.bulkUpdate('users', { kind: 'new' }, where);",
        "    await queryInterface.bulkDelete('sessions', buildWhere());",
        '  },',
        '  async down() {},',
        '};',
      ].join('\n'),
      '20240101000000-cleanup.js',
    );
    expect(found).toEqual([]);
  });
});
