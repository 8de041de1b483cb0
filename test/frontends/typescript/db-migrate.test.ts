import { describe, expect, it } from 'vitest';
import { findingsIn, lintFixtures, migrationOf } from './helpers.js';

const RULES = ['require-concurrent-index', 'no-delete-without-where', 'require-downgrade'];

describe('db-migrate fixtures', async () => {
  const result = await lintFixtures('db-migrate');

  it('reads exports.up = function (db, callback) with its nested callbacks', () => {
    const m = migrationOf(result, '20150605120000-add-pets.js');
    expect(m.format).toBe('db-migrate');
    expect(m.up.statements.map((s) => s.text)).toEqual([
      'CREATE TABLE "pets" ("id" SERIAL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, "owner_id" INTEGER NOT NULL)',
      'CREATE UNIQUE INDEX "owners_email_idx" ON "owners" ("email")',
    ]);
    expect(findingsIn(result, '20150605120000-add-pets.js', RULES)).toEqual(['require-concurrent-index@24:5', 'require-downgrade@28:1']);
  });

  it('reads db.runSql and a down that only returns null', () => {
    expect(findingsIn(result, '20150606120000-cleanup.js', RULES)).toEqual(['no-delete-without-where@4:21', 'require-downgrade@7:1']);
  });
});

describe('a file that does not parse', async () => {
  const result = await lintFixtures('broken');
  it('is one parse-error finding at the parser position', () => {
    expect(findingsIn(result, '20220101000000_unfinished.js')).toEqual(['parse-error@5:3']);
  });
});
