import { describe, expect, it } from 'vitest';
import { findingsIn, lintFixtures, migrationOf } from './helpers.js';

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
      'CREATE INDEX CONCURRENTLY "users_logincount" ON "Users" ("loginCount")',
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
