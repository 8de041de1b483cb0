import { describe, expect, it } from 'vitest';
import { findingsIn, lintFixtures, migrationOf } from './helpers.js';

const RULES = ['no-not-null-without-default', 'require-concurrent-index', 'no-delete-without-where', 'no-update-without-where', 'require-downgrade'];

describe('Kysely fixtures', async () => {
  const result = await lintFixtures('kysely');

  it('lowers createTable with column callbacks and an index on the new table', () => {
    const m = migrationOf(result, '2024-01-10T120000_create_pet.ts');
    expect(m.format).toBe('kysely');
    expect(m.up.statements.map((s) => s.text)).toEqual([
      'CREATE TABLE "pet" ("id" serial PRIMARY KEY, "name" varchar(50) NOT NULL UNIQUE, "owner_id" integer REFERENCES "person" ("id") ON DELETE CASCADE NOT NULL, "created_at" timestamptz DEFAULT now() NOT NULL)',
      'CREATE INDEX "pet_owner_id_index" ON "pet" ("owner_id")',
    ]);
    expect(m.up.transaction).toBe(true);
    expect(findingsIn(result, '2024-01-10T120000_create_pet.ts', RULES)).toEqual([]);
  });

  it('alterTable().addColumn(..., col => col.notNull()), sql`` with bind parameters, builders never executed', () => {
    expect(findingsIn(result, '2024-02-20T090000_person_tier.ts', RULES)).toEqual([
      'require-downgrade@1:1',
      'no-not-null-without-default@6:6',
      'require-concurrent-index@10:9',
      'no-update-without-where@14:13',
    ]);
    const m = migrationOf(result, '2024-02-20T090000_person_tier.ts');
    expect(m.up.statements.map((s) => s.text)).toEqual([
      'ALTER TABLE "person" ADD COLUMN "tier" integer NOT NULL, ADD COLUMN "nickname" text',
      'CREATE INDEX "person_tier_index" ON "person" ("tier")',
      'DELETE FROM person_session WHERE created_at < $1',
      'UPDATE person SET tier = $1',
    ]);
    expect(m.coverage!.unanalysed.map((u) => `${u.range.start.line}:${u.range.start.column} ${u.reason}`)).toEqual([
      '17:3 db.schema.dropTable() builder is not executed here (no .execute())',
    ]);
  });
});
