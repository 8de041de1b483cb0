/** A backup folder that cannot be written is one clear line, not an internal error. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, workspace } from './helpers/env.js';

const backend = pgliteBackend();
afterAll(async () => {
  await backend.cleanup();
  cleanupTempDirs();
});

describe('backup folder', { timeout: 60_000 }, () => {
  it('that cannot be created stops apply before anything runs, in one line', async () => {
    const ws = workspace();
    fs.writeFileSync(path.join(ws, 'not-a-folder'), 'x');
    const db = await backend.fresh();
    const r = await cli(['apply', '--db', db.url, '--yes', '--backup-dir', 'not-a-folder/backups'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^migratelint: cannot write backups to .*not-a-folder\/backups \(ENOTDIR\): choose a folder with --backup-dir, or pass --no-backup/m);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout).applied).toBe(0);
  });
});
