/** Checksums: line endings are no drift, an edited down is, and older history rows still match. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, project } from './helpers/env.js';

const backend = pgliteBackend();
afterAll(async () => {
  await backend.cleanup();
  cleanupTempDirs();
});


const drift = async (ws: string, db: string) => JSON.parse((await cli(['status', '--db', db, '--json'], ws)).stdout).migrations.map((m: { drift?: string }) => m.drift ?? null);

describe('checksums of applied migrations', { timeout: 120_000 }, () => {
  it('cover the down file, and ignore line endings and a BOM', async () => {
    const ws = project({ 'migrations/1_a.up.sql': 'CREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\n', 'migrations/1_a.down.sql': 'DROP TABLE a;\n' });
    const db = await backend.fresh();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);

    // git autocrlf, an editor's BOM: the same migration.
    fs.writeFileSync(path.join(ws, 'migrations/1_a.up.sql'), '\uFEFFCREATE TABLE a (id int);\r\nCREATE INDEX a_id ON a (id);\r\n');
    fs.writeFileSync(path.join(ws, 'migrations/1_a.down.sql'), 'DROP TABLE a;\r\n');
    expect(await drift(ws, db.url)).toEqual([null]);

    // The down of an applied migration edited to do something else: drift, before rollback runs it.
    fs.writeFileSync(path.join(ws, 'migrations/1_a.down.sql'), 'DROP TABLE users;\n');
    expect(await drift(ws, db.url)).toEqual(['changed']);
    const back = await cli(['rollback', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(back.code).toBe(1);
    expect(back.stderr).toContain('changed since it was applied');
  });

  it('still match a history row written by an earlier version (sha256 of the main file as it was)', async () => {
    const up = 'CREATE TABLE a (id int);\n';
    const ws = project({ 'migrations/1_a.up.sql': up, 'migrations/1_a.down.sql': 'DROP TABLE a;\n' });
    const db = await backend.fresh();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);
    const legacy = crypto.createHash('sha256').update(up).digest('hex');
    await db.query("UPDATE migratelint_migrations SET checksum = $1 WHERE version = '1'", [legacy]);
    expect(await drift(ws, db.url)).toEqual([null]);
    fs.writeFileSync(path.join(ws, 'migrations/1_a.up.sql'), 'CREATE TABLE a (id bigint);\n');
    expect(await drift(ws, db.url)).toEqual(['changed']);
  });

  it('a migration resumed after its file was fixed records the fixed file', async () => {
    const ws = project({
      'migrations/1_a.up.sql': 'CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY b_id ON b (id);\n',
      'migrations/1_a.down.sql': 'DROP TABLE a;\n',
    });
    const db = await backend.fresh();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(1);
    // The failed part is fixed in the file; what already ran is unchanged, so apply resumes.
    fs.writeFileSync(path.join(ws, 'migrations/1_a.up.sql'), 'CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY a_id2 ON a (id);\n');
    const resumed = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await drift(ws, db.url)).toEqual([null]);
  });
});
