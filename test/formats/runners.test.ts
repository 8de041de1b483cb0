/**
 * How each tool hands a migration to the server, as recorded in the format descriptors
 * (checked against each tool's source: golang-migrate's postgres driver Run, dbmate's
 * Migrate, Prisma's schema engine apply_migration_script, diesel's batch_execute, goose's
 * and Flyway's statement splitters), and the config that changes it.
 */
import { describe, expect, it } from 'vitest';
import { FORMATS, FORMAT_IDS, sendsSectionAsOneQuery } from '../../src/formats/index.js';
import { resolve } from '../../src/config/load.js';
import { validateShape } from '../../src/config/schema.js';

describe('format runners', () => {
  it('records which tools send a whole file (or section) as one query', () => {
    const oneQuery = FORMAT_IDS.filter((f) => sendsSectionAsOneQuery(f));
    expect(oneQuery).toEqual(['prisma', 'golang-migrate', 'diesel', 'dbmate']);
    for (const f of ['flyway', 'goose', 'drizzle'] as const) expect(FORMATS[f].sendsOneQuery).toBe(false);
  });

  it('golang-migrate with x-multi-statement=true sends statement by statement', () => {
    expect(sendsSectionAsOneQuery('golang-migrate', { golangMigrateMultiStatement: true })).toBe(false);
    expect(sendsSectionAsOneQuery('dbmate', { golangMigrateMultiStatement: true })).toBe(true);
  });

  it('says for every format how to run a statement outside a transaction', () => {
    for (const f of FORMAT_IDS) expect(FORMATS[f].outsideTransaction.length).toBeGreaterThan(20);
    expect(FORMATS.goose.outsideTransaction).toMatch(/-- \+goose NO TRANSACTION/);
    expect(FORMATS.dbmate.outsideTransaction).toMatch(/transaction:false/);
    expect(FORMATS['node-pg-migrate'].outsideTransaction).toMatch(/pgm\.noTransaction\(\)/);
    expect(FORMATS.alembic.outsideTransaction).toMatch(/autocommit_block/);
    expect(FORMATS.django.outsideTransaction).toMatch(/atomic = False.*AddIndexConcurrently/);
  });
});

describe('golangMigrate config', () => {
  it('loads multiStatement, and names a bad key', async () => {
    expect((await resolve(validateShape({ golangMigrate: { multiStatement: true } }, 'c.json'), 'c.json', '/tmp')).golangMigrate).toEqual({ multiStatement: true });
    expect(() => validateShape({ golangMigrate: { multistatement: true } }, 'c.json')).toThrow(/golangMigrate\.multistatement.*unknown key \(expected: multiStatement\)/);
    expect(() => validateShape({ golangMigrate: { multiStatement: 'yes' } }, 'c.json')).toThrow(/expected true or false/);
  });
});
