/**
 * "Run it outside a transaction" says how in the migration's own tool: the message of
 * every rule that asks for it ends with that format's `outsideTransaction` words, for
 * every format (SQL files, JavaScript/TypeScript, Python).
 */
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, FORMATS, type MigrationFormat } from '../../src/formats/index.js';
import { lintText } from '../../src/lint.js';

const INDEX = 'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)';
const ENUM = "ALTER TYPE order_status ADD VALUE 'refunded'";

/** A migration of the format that runs `sql` (one statement) inside a transaction, and its file name. */
const CASES: Record<MigrationFormat, (sql: string) => { file: string; text: string; transaction?: boolean }> = {
  sql: (sql) => ({ file: 'db/plain.sql', text: `${sql};\n`, transaction: true }),
  // Flyway runs a migration holding CONCURRENTLY without a transaction: only a BEGIN of the file's own puts it in one.
  flyway: (sql) => ({ file: 'db/V2__idx.sql', text: `BEGIN;\n${sql};\nCOMMIT;\n` }),
  prisma: (sql) => ({ file: 'prisma/migrations/20240101000000_idx/migration.sql', text: `SELECT 1;\n${sql};\n` }),
  drizzle: (sql) => ({ file: 'drizzle/0002_idx.sql', text: `SELECT 1;\n--> statement-breakpoint\n${sql};\n` }),
  'golang-migrate': (sql) => ({ file: 'db/000002_idx.up.sql', text: `SELECT 1;\n${sql};\n` }),
  diesel: (sql) => ({ file: 'migrations/2024-01-01-000000_idx/up.sql', text: `${sql};\n` }),
  dbmate: (sql) => ({ file: 'db/migrations/20240101000000_idx.sql', text: `-- migrate:up\n${sql};\n-- migrate:down\nSELECT 1;\n` }),
  goose: (sql) => ({ file: 'db/00002_idx.sql', text: `-- +goose Up\n${sql};\n-- +goose Down\nSELECT 1;\n` }),
  knex: (sql) => ({ file: 'migrations/20240101000000_idx.js', text: `exports.up = (knex) => knex.raw("${sql}");\nexports.down = async () => {};\n` }),
  typeorm: (sql) => ({
    file: 'src/migrations/1700000000000-Idx.ts',
    text: `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Idx1700000000000 implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query("${sql}"); }\n  async down() {}\n}\n`,
  }),
  // Sequelize opens no transaction for a migration: only one the migration opens itself.
  sequelize: (sql) => ({
    file: 'migrations/20240101000000-idx.js',
    text: `module.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query('BEGIN');\n    await queryInterface.sequelize.query("${sql}");\n    await queryInterface.sequelize.query('COMMIT');\n  },\n  async down() {},\n};\n`,
  }),
  'node-pg-migrate': (sql) => ({ file: 'migrations/1700000000000_idx.js', text: `exports.up = (pgm) => { pgm.sql("${sql}"); };\nexports.down = () => {};\n` }),
  kysely: (sql) => ({
    file: 'src/migrations/2024_01_01_idx.ts',
    text: `import { Kysely, sql } from 'kysely';\nexport async function up(db: Kysely<any>) { await sql\`${sql}\`.execute(db); }\nexport async function down() {}\n`,
  }),
  'mikro-orm': (sql) => ({
    file: 'src/migrations/Migration20240101000000.ts',
    text: `import { Migration } from '@mikro-orm/migrations';\nexport class Migration20240101000000 extends Migration {\n  async up() { this.addSql("${sql}"); }\n  async down() {}\n}\n`,
  }),
  'db-migrate': (sql) => ({
    file: 'migrations/20240101000000-idx.js',
    text: `'use strict';\nexports.up = function (db) { return db.runSql("${sql}"); };\nexports.down = function () { return null; };\n`,
  }),
  alembic: (sql) => ({
    file: 'alembic/versions/a1b2c3d4e5f6_idx.py',
    text: `from alembic import op\n\nrevision = "a1b2c3d4e5f6"\ndown_revision = None\n\n\ndef upgrade():\n    op.execute("${sql}")\n\n\ndef downgrade():\n    pass\n`,
  }),
  django: (sql) => ({
    file: 'shop/migrations/0002_idx.py',
    text: `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0001_initial")]\n    operations = [migrations.RunSQL("${sql}", reverse_sql=migrations.RunSQL.noop)]\n`,
  }),
  rails: (sql) => ({
    file: 'db/migrate/20240101000000_idx.rb',
    text: `class Idx < ActiveRecord::Migration[7.1]\n  def up\n    execute "${sql}"\n  end\n\n  def down\n  end\nend\n`,
  }),
};

async function messageOf(format: MigrationFormat, ruleId: string, sql: string, pgVersion?: number): Promise<{ format: string; message: string | undefined }> {
  const c = CASES[format](sql);
  const result = await lintText(c.text, c.file, { transaction: c.transaction, pgVersion });
  return { format: result.migrations[0]?.format, message: result.findings.find((f) => f.ruleId === ruleId)?.message };
}

describe('"run it without a transaction" in the words of each format', () => {
  it.each(FORMAT_IDS.map((f) => [f]))('%s: no-concurrently-in-transaction and no-enum-add-value-in-transaction', async (format) => {
    const how = FORMATS[format].outsideTransaction;
    const index = await messageOf(format, 'no-concurrently-in-transaction', INDEX);
    expect(index.format).toBe(format);
    expect(index.message).toMatch(/^CREATE INDEX CONCURRENTLY cannot run inside .*: the migration fails here; /);
    expect(index.message!.endsWith(`run it without a transaction: ${how}`)).toBe(true);
    const added = await messageOf(format, 'no-enum-add-value-in-transaction', ENUM, 11);
    expect(added.message!.endsWith(`add the value without a transaction: ${how}`)).toBe(true);
  });

  it('says to leave the DO block or the BEGIN ... COMMIT first', async () => {
    const inDo = await lintText(`-- +goose Up\nDO $$ BEGIN ${INDEX}; END $$;\n`, 'db/00003_do.sql');
    expect(inDo.findings.find((f) => f.ruleId === 'no-concurrently-in-transaction')!.message).toMatch(
      /; move it out of the DO block, and run it without a transaction: a migration of its own with -- \+goose NO TRANSACTION at the top/,
    );
    const inBegin = await lintText(`BEGIN;\n${ENUM};\nCOMMIT;\n`, 'db/plain.sql', { pgVersion: 11 });
    expect(inBegin.findings.find((f) => f.ruleId === 'no-enum-add-value-in-transaction')!.message).toMatch(
      /; move it out of the BEGIN \.\.\. COMMIT, and add the value without a transaction: outside any BEGIN \.\.\. COMMIT/,
    );
  });
});
