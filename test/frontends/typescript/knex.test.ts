import { describe, expect, it } from 'vitest';
import { findingsIn, lintFixtures, migrationOf } from './helpers.js';

const RULES = ['no-not-null-without-default', 'require-concurrent-index', 'require-concurrent-index-drop', 'no-delete-without-where', 'no-update-without-where', 'require-downgrade', 'parse-error', 'no-concurrently-in-transaction'];

describe('knex fixtures', async () => {
  const result = await lintFixtures('knex');

  it('reads every migration and skips the knexfile', () => {
    expect(result.migrations.map((m) => m.path.split('/').pop())).toEqual([
      '20210101120000_create_users.js',
      '20210215093000_add_user_age.js',
      '20210302110000_backfill_plans.ts',
    ]);
    expect(result.migrations.every((m) => m.format === 'knex')).toBe(true);
  });

  it('lowers createTable with its column builders to CREATE TABLE plus the statements knex runs after it', () => {
    const m = migrationOf(result, '20210101120000_create_users.js');
    expect(m.up.statements.map((s) => `${s.range.start.line}:${s.range.start.column} ${s.text}`)).toEqual([
      '6:10 CREATE TABLE "organizations" ("id" serial PRIMARY KEY, "name" varchar(120) NOT NULL, "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)',
      `12:6 CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" varchar(255) NOT NULL, "organization_id" integer NOT NULL, "role" text NOT NULL DEFAULT 'member' CHECK ("role" IN ('admin', 'member')), "settings" jsonb DEFAULT '{}', "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
      '14:7 ALTER TABLE "users" ADD CONSTRAINT "users_email_unique" UNIQUE ("email")',
      '15:7 ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_foreign" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE',
      '19:7 CREATE INDEX "users_organization_id_email_index" ON "users" ("organization_id", "email")',
    ]);
    expect(m.down.statements.map((s) => `${s.range.start.line}:${s.range.start.column} ${s.text}`)).toEqual(['28:10 DROP TABLE "users"', '28:41 DROP TABLE "organizations"']);
    // Indexes and constraints on tables the migration creates are not hazards.
    expect(findingsIn(result, '20210101120000_create_users.js', RULES)).toEqual([]);
    expect(m.up.transaction).toBe(true);
  });

  it('flags a NOT NULL column without default and a plain index on an existing table, at the column builder', () => {
    expect(findingsIn(result, '20210215093000_add_user_age.js', RULES)).toEqual([
      'no-not-null-without-default@3:5',
      'require-concurrent-index@5:5',
      'require-concurrent-index-drop@11:5',
    ]);
  });

  it('reads raw SQL, variables, loops, query builders and local helpers; never a log string', () => {
    expect(findingsIn(result, '20210302110000_backfill_plans.ts', RULES)).toEqual([
      'no-update-without-where@11:23',
      'no-delete-without-where@25:9',
      'require-downgrade@31:23',
    ]);
    // Nothing at all on the log message that mentions DELETE FROM users.
    expect(findingsIn(result, '20210302110000_backfill_plans.ts').filter((f) => f.endsWith('@8:9') || /@8:/.test(f))).toEqual([]);
    const m = migrationOf(result, '20210302110000_backfill_plans.ts');
    expect(m.up.transaction).toBe(false);
    expect(m.down.state).toBe('irreversible');
    expect(m.up.statements.map((s) => s.text)).toEqual([
      'UPDATE plans SET price_cents = 0',
      `DELETE FROM "\${table}" WHERE created_at < now() - interval '7 years'`,
      'CREATE INDEX plans_name_idx ON plans (name)',
      'CREATE INDEX CONCURRENTLY users_email_lower_idx\n  ON users (lower(email))',
      'DELETE FROM "sessions"',
      `DELETE FROM "audit_log" WHERE "created_at" < now() - interval '90 days'`,
      'ANALYZE plans',
    ]);
    expect(m.coverage).toEqual({
      analysed: 7,
      unanalysed: [
        { file: m.path, range: { start: { line: 27, column: 9 }, end: { line: 27, column: 40 } }, call: 'knex.raw(buildCleanupSql(knex))', reason: 'SQL built at run time by buildCleanupSql(knex)' },
      ],
    });
  });
});
