import { describe, expect, it } from 'vitest';
import { findingsIn, lintFixtures, migrationOf } from './helpers.js';

const RULES = ['no-not-null-without-default', 'require-concurrent-index', 'require-concurrent-index-drop', 'no-update-without-where', 'no-drop-cascade', 'require-downgrade', 'no-concurrently-in-transaction'];

describe('node-pg-migrate fixtures', async () => {
  const result = await lintFixtures('node-pg-migrate');

  it('infers the down of reversible operations, and applies exports.shorthands', () => {
    const m = migrationOf(result, '1600000000000_create-posts.js');
    expect(m.format).toBe('node-pg-migrate');
    expect(m.down.state).toBe('present');
    expect(m.down.reason).toMatch(/inferred by node-pg-migrate/);
    expect(m.up.statements[0].text).toBe(
      'CREATE TABLE "posts" ("id" uuid DEFAULT gen_random_uuid() PRIMARY KEY, "author_id" uuid NOT NULL REFERENCES "users" ON DELETE CASCADE, "title" varchar(200) NOT NULL, "body" text NOT NULL, "created_at" timestamptz DEFAULT current_timestamp NOT NULL)',
    );
    expect(findingsIn(result, '1600000000000_create-posts.js', RULES)).toEqual([]);
  });

  it('cannot infer the down of pgm.sql', () => {
    expect(findingsIn(result, '1600000000001_backfill-slugs.js', RULES)).toEqual(['require-downgrade@1:1', 'no-update-without-where@3:12']);
    const f = result.findings.find((x) => x.ruleId === 'require-downgrade' && x.file.endsWith('1600000000001_backfill-slugs.js'))!;
    expect(f.message).toBe('migration has no down migration (node-pg-migrate cannot infer it: pgm.sql() on line 3 is not reversible)');
  });

  it('pgm.noTransaction() lets CONCURRENTLY run; exports.down = false is irreversible', () => {
    const m = migrationOf(result, '1600000000002_posts-title-index.js');
    expect(m.up.transaction).toBe(false);
    expect(m.down.state).toBe('irreversible');
    expect(findingsIn(result, '1600000000002_posts-title-index.js', RULES)).toEqual(['require-concurrent-index-drop@4:3', 'require-downgrade@7:1']);
  });

  it('locates a column of addColumns at its property, and an empty down', () => {
    expect(findingsIn(result, '1600000000003_user-score.ts', RULES)).toEqual([
      'no-not-null-without-default@7:5',
      'no-drop-cascade@10:3',
      'require-downgrade@13:23',
    ]);
    const m = migrationOf(result, '1600000000003_user-score.ts');
    expect(m.up.statements.map((s) => s.text)).toEqual([
      'ALTER TABLE "users" ADD "score" integer NOT NULL',
      'ALTER TABLE "users" ALTER "email" SET DATA TYPE citext, ALTER "email" SET NOT NULL',
      'DROP TABLE IF EXISTS "legacy_scores" CASCADE',
    ]);
  });
});
