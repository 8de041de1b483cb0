import { describe, expect, it } from 'vitest';
import { lintCode } from './helpers.js';

/** Each case: a migration body, and the SQL its up lowers to (every statement must parse). */
const CASES: { name: string; file: string; code: string; sql: string[] }[] = [
  {
    name: 'knex table operations',
    file: '1_knex.js',
    code: `exports.up = (knex) => knex.schema.alterTable('users', (t) => {
  t.renameColumn('name', 'full_name');
  t.dropColumn('legacy');
  t.index(['a', 'b'], 'users_a_b', 'gin');
  t.dropIndex(['c']);
  t.unique(['email'], { indexName: 'users_email_key' });
  t.dropUnique(['nick']);
  t.foreign('team_id').references('teams.id').onDelete('SET NULL');
  t.dropForeign('org_id');
  t.setNullable('bio');
  t.dropNullable('email');
}).renameTable('users', 'members').dropTableIfExists('tmp');`,
    sql: [
      'ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"',
      'ALTER TABLE "users" DROP COLUMN "legacy"',
      'CREATE INDEX "users_a_b" ON "users" USING gin ("a", "b")',
      'DROP INDEX "users_c_index"',
      'ALTER TABLE "users" ADD CONSTRAINT "users_email_key" UNIQUE ("email")',
      'ALTER TABLE "users" DROP CONSTRAINT "users_nick_unique"',
      'ALTER TABLE "users" ADD CONSTRAINT "users_team_id_foreign" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE SET NULL',
      'ALTER TABLE "users" DROP CONSTRAINT "users_org_id_foreign"',
      'ALTER TABLE "users" ALTER COLUMN "bio" DROP NOT NULL',
      'ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL',
      'ALTER TABLE "users" RENAME TO "members"',
      'DROP TABLE IF EXISTS "tmp"',
    ],
  },
  {
    name: 'Sequelize queryInterface',
    file: '1-seq.js',
    code: `module.exports = { async up(queryInterface, Sequelize) {
  await queryInterface.changeColumn('users', 'age', { type: Sequelize.BIGINT, allowNull: false, defaultValue: 0 });
  await queryInterface.renameColumn('users', 'age', 'years');
  await queryInterface.removeIndex('users', 'users_email', { concurrently: true });
  await queryInterface.addConstraint('users', { fields: ['email'], type: 'unique', name: 'users_email_uk' });
  await queryInterface.addConstraint('orders', { fields: ['user_id'], type: 'foreign key', references: { table: 'users', field: 'id' }, onDelete: 'cascade' });
  await queryInterface.removeConstraint('users', 'users_email_uk');
  await queryInterface.dropTable('tmp', { cascade: true });
  await queryInterface.bulkInsert('roles', [{ name: 'admin', level: 1 }]);
} };`,
    sql: [
      'ALTER TABLE "users" ALTER COLUMN "age" SET NOT NULL',
      'ALTER TABLE "users" ALTER COLUMN "age" SET DEFAULT 0',
      'ALTER TABLE "users" ALTER COLUMN "age" TYPE BIGINT',
      'ALTER TABLE "users" RENAME COLUMN "age" TO "years"',
      'DROP INDEX CONCURRENTLY IF EXISTS "users_email"',
      'ALTER TABLE "users" ADD CONSTRAINT "users_email_uk" UNIQUE ("email")',
      'ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
      'ALTER TABLE "users" DROP CONSTRAINT "users_email_uk"',
      'DROP TABLE IF EXISTS "tmp" CASCADE',
      `INSERT INTO "roles" ("name", "level") VALUES ('admin', 1)`,
    ],
  },
  {
    name: 'TypeORM QueryRunner',
    file: '1-X.ts',
    code: `import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
export class X1 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    await queryRunner.changeColumn('user', 'name', new TableColumn({ name: 'fullName', type: 'varchar', length: '200', isNullable: true }));
    await queryRunner.dropColumn('user', 'legacy');
    await queryRunner.renameTable('user', 'member');
    await queryRunner.dropSchema('old', true, true);
    await queryRunner.clearTable('cache');
  }
  async down() {}
}`,
    sql: [
      'ALTER TABLE "user" RENAME COLUMN "name" TO "fullName"',
      'ALTER TABLE "user" ALTER COLUMN "fullName" TYPE varchar(200)',
      'ALTER TABLE "user" ALTER COLUMN "fullName" DROP NOT NULL',
      'ALTER TABLE "user" ALTER COLUMN "fullName" DROP DEFAULT',
      'ALTER TABLE "user" DROP COLUMN "legacy"',
      'ALTER TABLE "user" RENAME TO "member"',
      'DROP SCHEMA IF EXISTS "old" CASCADE',
      'TRUNCATE TABLE "cache"',
    ],
  },
  {
    name: 'node-pg-migrate',
    file: '1_pgm.js',
    code: `exports.up = (pgm) => {
  pgm.renameColumn('users', 'name', 'full_name');
  pgm.alterColumn('users', 'age', { default: null, allowNull: true });
  pgm.dropIndex('users', ['a', 'b'], { concurrently: true, ifExists: true });
  pgm.dropColumns('users', ['x', 'y'], { cascade: true });
  pgm.addConstraint('orders', 'orders_user_fk', { foreignKeys: { columns: 'user_id', references: 'users(id)', onDelete: 'cascade' } });
  pgm.createType('mood', ['sad', 'ok']);
  pgm.addTypeValue('mood', 'happy', { ifNotExists: true });
  pgm.createExtension('pgcrypto', { ifNotExists: true });
  pgm.dropSchema('old', { cascade: true });
  pgm.refreshMaterializedView('stats', { concurrently: true });
};`,
    sql: [
      'ALTER TABLE "users" RENAME "name" TO "full_name"',
      'ALTER TABLE "users" ALTER "age" DROP DEFAULT, ALTER "age" DROP NOT NULL',
      'DROP INDEX CONCURRENTLY IF EXISTS "users_a_b_index"',
      'ALTER TABLE "users" DROP "x" CASCADE, DROP "y" CASCADE',
      'ALTER TABLE "orders" ADD CONSTRAINT "orders_user_fk" FOREIGN KEY ("user_id") REFERENCES users(id) ON DELETE CASCADE',
      `CREATE TYPE "mood" AS ENUM ('sad', 'ok')`,
      `ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'happy'`,
      'CREATE EXTENSION IF NOT EXISTS "pgcrypto"',
      'DROP SCHEMA "old" CASCADE',
      'REFRESH MATERIALIZED VIEW CONCURRENTLY "stats"',
    ],
  },
  {
    name: 'Kysely schema builders',
    file: '2024_k.ts',
    code: `import { Kysely, sql } from 'kysely';
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('person').alterColumn('age', (col) => col.setDataType('bigint')).dropColumn('nick').execute();
  await db.schema.alterTable('person').renameColumn('a', 'b').execute();
  await db.schema.dropIndex('person_age_index').ifExists().execute();
  await db.schema.createIndex('person_email_index').unique().on('person').columns(['email', 'tenant_id']).execute();
  await db.schema.createType('mood').asEnum(['sad', 'ok']).execute();
  await db.updateTable('person').set({ active: false }).where('age', '>', 100).execute();
}`,
    sql: [
      'ALTER TABLE "person" ALTER COLUMN "age" TYPE bigint, DROP COLUMN "nick"',
      'ALTER TABLE "person" RENAME COLUMN "a" TO "b"',
      'DROP INDEX IF EXISTS "person_age_index"',
      'CREATE UNIQUE INDEX "person_email_index" ON "person" ("email", "tenant_id")',
      `CREATE TYPE "mood" AS ENUM ('sad', 'ok')`,
      'UPDATE "person" SET "active" = false WHERE "age" > 100',
    ],
  },
];

describe('builder calls are lowered to the SQL the framework runs', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { migration } = await lintCode(c.code, c.file);
      expect(migration!.up.statements.map((s) => s.text)).toEqual(c.sql);
      expect(migration!.up.statements.filter((s) => s.kind === 'Invalid')).toEqual([]);
      expect(migration!.coverage!.unanalysed).toEqual([]);
    });
  }
});
