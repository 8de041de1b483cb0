import { describe, expect, it } from 'vitest';
import { findingsIn, lintCode, lintFixtures, migrationOf } from './helpers.js';

const RULES = ['no-not-null-without-default', 'require-concurrent-index', 'no-delete-without-where', 'no-update-without-where', 'require-downgrade', 'parse-error', 'no-concurrently-in-transaction'];

describe('Sequelize fixtures', async () => {
  const result = await lintFixtures('sequelize');

  it('lowers createTable with its ENUM type, and an index on the new table is fine', () => {
    const m = migrationOf(result, '20230101000000-create-user.js');
    expect(m.format).toBe('sequelize');
    expect(m.up.statements.map((s) => s.text)).toEqual([
      `CREATE TYPE "enum_Users_status" AS ENUM('active', 'disabled')`,
      `CREATE TABLE IF NOT EXISTS "Users" ("id" SERIAL NOT NULL, "email" VARCHAR(255) NOT NULL UNIQUE, "status" "enum_Users_status" NOT NULL DEFAULT 'active', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY ("id"))`,
      'CREATE INDEX "users_status" ON "Users" ("status")',
    ]);
    expect(findingsIn(result, '20230101000000-create-user.js', RULES)).toEqual([]);
  });

  it('addColumn with allowNull: false and a JavaScript-side default, plain addIndex, empty bulkDelete where, empty down', () => {
    expect(findingsIn(result, '20230202000000-add-user-columns.js', RULES)).toEqual([
      'no-not-null-without-default@6:11',
      'require-concurrent-index@16:11',
      'no-delete-without-where@18:11',
      'require-downgrade@22:9',
    ]);
    const m = migrationOf(result, '20230202000000-add-user-columns.js');
    // Sequelize runs migrations outside a transaction: CONCURRENTLY is allowed.
    expect(m.up.transaction).toBe(false);
    expect(m.down.state).toBe('empty');
    expect(m.up.statements.map((s) => s.text).slice(3)).toEqual([
      'CREATE INDEX CONCURRENTLY "users_login_count" ON "Users" ("loginCount")',
      'DELETE FROM "Sessions"',
      `UPDATE "Users" SET "loginCount" = 0 WHERE "status" = 'disabled'`,
    ]);
  });

  it('reads an umzug migration and a managed transaction passed as { transaction }', () => {
    const m = migrationOf(result, '20230303000000-split-names.ts');
    expect(m.format).toBe('sequelize');
    expect(m.up.transaction).toBe(true);
    expect(m.down.transaction).toBe(false);
    expect(m.up.statements[1].range.start).toEqual({ line: 8, column: 8 });
    expect(findingsIn(result, '20230303000000-split-names.ts', RULES)).toEqual([]);
  });
});

describe('Sequelize lowering that later migrations depend on', () => {
  it('changeColumn with references adds the foreign key unnamed (PostgreSQL names it <table>_<column>_fkey)', async () => {
    const { migration } = await lintCode(
      `module.exports = { up: async (qi, Sequelize) => { await qi.changeColumn('stars', 'documentId', { type: Sequelize.UUID, onDelete: 'cascade', references: { model: 'documents' } }); } };`,
      '20220402032204-stars.js',
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual([
      'ALTER TABLE "stars" ALTER COLUMN "documentId" DROP NOT NULL',
      'ALTER TABLE "stars" ALTER COLUMN "documentId" DROP DEFAULT',
      'ALTER TABLE "stars" ALTER COLUMN "documentId" TYPE UUID',
      'ALTER TABLE "stars" ADD FOREIGN KEY ("documentId") REFERENCES "documents" ("id") ON DELETE CASCADE',
    ]);
  });

  it('casts an array default to the column type, and names an index as inflection.underscore does', async () => {
    const { migration } = await lintCode(
      `module.exports = { up: async (qi, Sequelize) => {
  await qi.addColumn('revisions', 'collaboratorIds', { type: Sequelize.ARRAY(Sequelize.UUID), allowNull: false, defaultValue: [] });
  await qi.addIndex('documents', ['id', 'deletedAt']);
  await qi.removeIndex('documents', ['collaboratorIds']);
} };`,
      '20250530235814-collaborators.js',
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual([
      'ALTER TABLE "revisions" ADD COLUMN "collaboratorIds" UUID[] NOT NULL DEFAULT ARRAY[]::UUID[]',
      'CREATE INDEX "documents_id_deleted_at" ON "documents" ("id", "deletedAt")',
      'DROP INDEX IF EXISTS "documents_collaborator_ids"',
    ]);
  });
});
