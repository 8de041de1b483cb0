/** `migratelint repair`: recording what a human did about a partly applied migration. */
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


describe('repair', { timeout: 120_000 }, () => {
  it('records a partly applied migration as applied after a manual fix, with who and why, and apply goes on', async () => {
    const ws = project({
      'migrations/1_a.up.sql': 'CREATE TABLE a (id int);\n',
      'migrations/1_a.down.sql': 'DROP TABLE a;\n',
      // The second index fails (no such table) after the first one was committed outside any transaction.
      'migrations/2_idx.up.sql': 'CREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY b_id ON b (id);\n',
      'migrations/2_idx.down.sql': 'DROP INDEX CONCURRENTLY a_id;\n',
      'migrations/3_c.up.sql': 'CREATE TABLE c (id int);\n',
      'migrations/3_c.down.sql': 'DROP TABLE c;\n',
    });
    const db = await backend.fresh();
    const first = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(first.code).toBe(1);
    let st = JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout);
    expect(st.migrations.map((m: { state: string }) => m.state)).toEqual(['applied', 'partial', 'pending']);

    // The human creates the missing index by hand in the end, then records it.
    await db.query('CREATE TABLE b (id int)');
    await db.query('CREATE INDEX b_id ON b (id)');
    const noReason = await cli(['repair', '2', '--applied', '--db', db.url, '--yes'], ws);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('repair needs --reason');

    const r = await cli(['repair', '2', '--applied', '--reason', 'created b_id by hand (INC-42)', '--db', db.url, '--yes'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('recorded 2 idx as applied (was partial), in schema_migrations too: created b_id by hand (INC-42)');
    // golang-migrate's own table now says version 2, clean, as `migrate force 2` would leave it.
    expect(await db.query('SELECT version::int AS version, dirty FROM schema_migrations')).toEqual([{ version: 2, dirty: false }]);
    const [row] = await db.query("SELECT result, note, applied_by FROM migratelint_migrations WHERE version = '2' ORDER BY id DESC LIMIT 1");
    expect(row).toMatchObject({ result: 'applied', note: 'repair: created b_id by hand (INC-42)', applied_by: expect.stringMatching(/.+@.+/) });

    st = JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout);
    expect(st.migrations.map((m: { state: string }) => m.state)).toEqual(['applied', 'applied', 'pending']);
    const rest = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toContain('1 migration applied');
  });

  it('refuses an id nobody knows, and one gone from disk as applied', async () => {
    const ws = project({ 'migrations/1_a.up.sql': 'CREATE TABLE a (id int);\n', 'migrations/1_a.down.sql': 'DROP TABLE a;\n' });
    const db = await backend.fresh();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);
    const unknown = await cli(['repair', '9', '--applied', '--reason', 'x', '--db', db.url, '--yes'], ws);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no migration on disk or in the history has the id 9');
    fs.rmSync(path.join(ws, 'migrations/1_a.up.sql'));
    fs.rmSync(path.join(ws, 'migrations/1_a.down.sql'));
    fs.writeFileSync(path.join(ws, 'migrations/2_b.up.sql'), 'SELECT 1;\n');
    const gone = await cli(['repair', '1', '--applied', '--reason', 'x', '--db', db.url, '--yes'], ws);
    expect(gone.stderr).toContain('1 is not on disk in migrations: it can only be recorded as rolled back');
    const back = await cli(['repair', '1', '--rolled-back', '--reason', 'table dropped by hand', '--db', db.url, '--yes'], ws);
    expect(back.code, back.stderr).toBe(0);
  });
});
