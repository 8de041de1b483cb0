/** `backups --prune`: asks before deleting, needs --yes without a terminal, and cleans up interrupted partial files. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, cli, tempDir } from './helpers/env.js';
import { PARTIAL_STALE_MS, planPrune } from '../../src/exec/backup/retention.js';

afterAll(cleanupTempDirs);

const DAY = 86_400_000;
const BACKUPS = '.migratelint/backups';

/** A project with backups taken `ages` days ago (newest first in the list), each with a sidecar. */
function project(ages: number[]): { dir: string; files: string[] } {
  const dir = tempDir('mlt-retention-');
  const backups = path.join(dir, BACKUPS);
  fs.mkdirSync(backups, { recursive: true });
  const files = ages.map((age, i) => {
    const createdAt = new Date(Date.now() - age * DAY).toISOString();
    const file = path.join(backups, `${createdAt.replace(/[:.]/g, '-')}-${i}-pglite.tgz`);
    fs.writeFileSync(file, `backup ${i}`);
    fs.writeFileSync(`${file}.json`, JSON.stringify({ file, kind: 'pglite', createdAt, bytes: 8, sha256: 'a'.repeat(64), db: 'pglite:x', reason: 'manual', toolVersion: '0' }));
    return file;
  });
  return { dir, files };
}

/** A `*.partial` file last written `ageMs` ago. */
function partial(dir: string, name: string, ageMs: number): string {
  const file = path.join(dir, BACKUPS, name);
  fs.writeFileSync(file, 'half a backup');
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
  return file;
}

const exists = (files: string[]) => files.map((f) => fs.existsSync(f));
const rel = (dir: string, f: string) => path.relative(dir, f);

describe('backups --prune', () => {
  it('refuses a bare --max-age (it used to mean milliseconds and delete everything)', async () => {
    const { dir, files } = project([1, 10, 40]);
    for (const age of ['30', '0', '0d']) {
      const r = await cli(['backups', '--prune', '--max-age', age, '--yes'], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`--max-age ${age}: give`);
    }
    expect((await cli(['backups', '--prune', '--max-age', '30', '--yes'], dir)).stderr).toBe(
      'migratelint: --max-age 30: give a unit (30d, 12h, 90m, 30s, 500ms)\n',
    );
    expect(exists(files)).toEqual([true, true, true]);
  });

  it('without a terminal, deletes only with --yes, and prints each file it deleted', async () => {
    const { dir, files } = project([1, 10, 40]);
    let r = await cli(['backups', '--prune', '--max-age', '30d'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--prune would delete 1 backup: pass --yes to confirm (there is no terminal to ask on)');
    expect(r.stderr).toContain(`to delete: ${rel(dir, files[2])}`);
    expect(exists(files)).toEqual([true, true, true]);

    r = await cli(['backups', '--prune', '--max-age', '30d', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`deleted ${rel(dir, files[2])}\n`);
    expect(exists(files)).toEqual([true, true, false]);
    expect(fs.existsSync(`${files[2]}.json`)).toBe(false);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);

    r = await cli(['backups', '--prune', '--keep', '1', '-y', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backups: [{ file: files[0] }], deleted: [files[1]] });
    expect(r.stderr).toContain(`deleted ${rel(dir, files[1])}`);

    // Nothing to delete: nothing to confirm.
    r = await cli(['backups', '--prune', '--keep', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('nothing to prune');
  });

  it('on a terminal, asks [y/N] and deletes only on yes', async () => {
    const { dir, files } = project([1, 2, 3]);
    let r = await cli(['backups', '--prune', '--keep', '1'], dir, {}, { answer: 'n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Delete 2 backups? 1 backup stays. [y/N]');
    expect(r.stderr).toContain('cancelled: nothing was deleted');
    expect(exists(files)).toEqual([true, true, true]);

    r = await cli(['backups', '--prune', '--keep', '1'], dir, {}, { answer: 'y' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`deleted ${rel(dir, files[1])}\ndeleted ${rel(dir, files[2])}\n`);
    expect(exists(files)).toEqual([true, false, false]);
  });

  it('deleting every backup needs --yes, even on a terminal', async () => {
    const { dir, files } = project([1, 2]);
    for (const args of [
      ['--keep', '0'],
      ['--max-age', '12h'],
    ]) {
      const r = await cli(['backups', '--prune', ...args], dir, {}, { answer: 'y' });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('--prune would delete every backup (2 backups), leaving none: pass --yes to confirm');
      expect(r.stdout).not.toContain('[y/N]');
      expect(exists(files)).toEqual([true, true]);
    }
    const r = await cli(['backups', '--prune', '--keep', '0', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(exists(files)).toEqual([false, false]);
    expect(r.stdout).toContain(`no backups in ${BACKUPS}`);
  });

  it('lists the partial files a killed backup leaves, and prunes them', async () => {
    const { dir, files } = project([1]);
    const old = partial(dir, 'killed-pglite.tgz.partial', PARTIAL_STALE_MS + 60_000);
    const fresh = partial(dir, 'running.dump.partial', 1000);

    let r = await cli(['backups'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes(rel(dir, old)))).toContain('partial (interrupted)');
    expect(lines.find((l) => l.includes(rel(dir, fresh)))).toContain('partial (being written');
    r = await cli(['backups', '--json'], dir);
    const json = JSON.parse(r.stdout);
    expect(json.backups.map((b: { file: string }) => b.file)).toEqual(files);
    expect(json.partials).toMatchObject([
      { file: fresh, interrupted: false },
      { file: old, interrupted: true },
    ]);

    // Any prune deletes interrupted partial files, whatever the retention setting; a young
    // one may be another run's backup in progress and stays.
    r = await cli(['backups', '--prune', '--keep', '5'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--prune would delete 1 interrupted partial file: pass --yes');
    r = await cli(['backups', '--prune', '--keep', '5', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`deleted ${rel(dir, old)}`);
    expect(exists([old, fresh, ...files])).toEqual([false, true, true]);
  });

  it('the plan apply --keep-backups follows deletes interrupted partial files too, and counts what stays', () => {
    const { dir, files } = project([1, 2]);
    const old = partial(dir, 'killed.copy.partial', PARTIAL_STALE_MS * 2);
    const plan = planPrune(path.join(dir, BACKUPS), { keep: 1 });
    expect(plan.backups.map((b) => b.file)).toEqual([files[1]]);
    expect(plan.partials.map((p) => p.file)).toEqual([old]);
    expect(plan.kept).toBe(1);
  });
});
