import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteDriver } from '../../src/exec/drivers/pglite.js';
import { ensureHistory, historyExists, insertRow, type NewRow } from '../../src/exec/history.js';
import { sha256 } from '../../src/exec/migrations.js';
import { parseDbTarget, type PgliteTarget } from '../../src/exec/url.js';
import { appliedView, driftCheck, readTarget } from '../../src/validate/drift.js';
import { sequenceCheck } from '../../src/validate/sequence.js';
import { cleanup, migrationsOf, pgliteDataDir } from './helpers.js';

afterAll(cleanup);

async function withDb<T>(dir: string, fn: (d: PgliteDriver) => Promise<T>): Promise<T> {
  const d = await PgliteDriver.open(parseDbTarget(`pglite:${dir}`, '/') as PgliteTarget, { command: 'test', lockWaitMs: 5000 });
  try {
    return await fn(d);
  } finally {
    await d.close();
  }
}

const UP1 = 'CREATE TABLE a (id bigint);\n';
const files = {
  'migrations/000001_a.up.sql': UP1 + '-- edited after it was applied\n',
  'migrations/000001_a.down.sql': 'DROP TABLE a;\n',
  'migrations/000002_b.up.sql': 'CREATE TABLE b (id bigint);\n',
  'migrations/000002_b.down.sql': 'DROP TABLE b;\n',
  'migrations/000003_c.up.sql': 'CREATE INDEX CONCURRENTLY c_idx ON b (id);\n',
  'migrations/000003_c.down.sql': 'DROP INDEX CONCURRENTLY c_idx;\n',
  'migrations/000004_d.up.sql': 'CREATE TABLE d (id bigint);\n',
  'migrations/000004_d.down.sql': 'DROP TABLE d;\n',
  'migrations/000005_e.up.sql': 'CREATE TABLE e (id bigint);\n',
  'migrations/000005_e.down.sql': 'DROP TABLE e;\n',
};

describe('drift against the target', () => {
  it('names changed, missing and partly applied migrations and lists what a deploy would apply', async () => {
    const { cwd, migrations } = await migrationsOf(files);
    const dir = await pgliteDataDir();
    const row = (version: string, name: string, extra: Partial<NewRow> = {}): NewRow => ({
      version,
      name,
      direction: 'up',
      result: 'applied',
      checksum: sha256(fs.readFileSync(path.join(cwd, `migrations/${version}_${name}.up.sql`), 'utf8')),
      file: `migrations/${version}_${name}.up.sql`,
      ...extra,
    });
    await withDb(dir, async (d) => {
      await ensureHistory(d, 'public');
      await insertRow(d, 'public', row('000001', 'a', { checksum: sha256(UP1) }));
      await insertRow(d, 'public', row('000002', 'b'));
      await insertRow(d, 'public', row('000003', 'c', { result: 'partial', progress: 1 }));
      await insertRow(d, 'public', row('000005', 'e', { result: 'failed', error: 'relation "x" does not exist\n  detail' }));
      await insertRow(d, 'public', { version: '000000', name: 'legacy', direction: 'up', result: 'applied', checksum: 'f'.repeat(64), file: 'migrations/000000_legacy.up.sql' });
    });

    const state = await readTarget(`pglite:${dir}`, { cwd });
    expect(state.error).toBeUndefined();
    const r = driftCheck(migrations, state);
    expect(r.status).toBe('failed');
    const display = state.target;
    expect(display).toMatch(/^pglite:/);
    // A finding about the target database alone has no file.
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.file || null])).toEqual([
      ['validate/drift-changed', 'error', 'migrations/000001_a.up.sql'],
      ['validate/drift-partial', 'error', 'migrations/000003_c.up.sql'],
      ['validate/drift-last-failed', 'warn', 'migrations/000005_e.up.sql'],
      ['validate/drift-missing-file', 'error', null],
    ]);
    const [changed, partial, failed, missing] = r.findings;
    expect(changed.message).toMatch(new RegExp(`^000001_a was applied on ${display} \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ by .+\\) and its file changed since$`));
    // On disk: the migration's content, up and down (line endings normalised).
    const onDisk = sha256(`${files['migrations/000001_a.up.sql']}\0${files['migrations/000001_a.down.sql']}`);
    expect(changed.details).toEqual([{ label: 'checksum', lines: [`applied: ${sha256(UP1).slice(0, 12)}`, `on disk: ${onDisk.slice(0, 12)}`] }]);
    expect(partial.message).toMatch(/^000003_c is partly applied on .* \(partial since .*, 1 statement done\)$/);
    expect(failed.message).toMatch(/failed \(.*\): relation "x" does not exist detail$/);
    expect(missing.message).toBe(`000000 (legacy) is applied on ${display} but has no migration file on disk (it was migrations/000000_legacy.up.sql)`);
    expect(r.data?.pending).toEqual([
      { id: '000004', file: 'migrations/000004_d.up.sql' },
      { id: '000005', file: 'migrations/000005_e.up.sql' },
    ]);
    expect(r.summary).toBe(`${display} (${state.server}): 2 applied, 2 pending, 3 errors`);

    // The same reading feeds the sequence check: the pending 000004 and 000005 are newer than
    // everything applied (000003 counts, partly applied), so nothing is out of order.
    const seq = sequenceCheck(migrations, appliedView(state));
    expect(seq.findings).toEqual([]);
  });

  it('never creates the history table, and names another tool\'s history table when there is one', async () => {
    const { cwd, migrations } = await migrationsOf(files);
    const dir = await pgliteDataDir();
    await withDb(dir, (d) => d.execute('CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)'));
    const state = await readTarget(`pglite:${dir}`, { cwd });
    const r = driftCheck(migrations, state);
    expect(r.status).toBe('passed');
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      [
        'validate/drift-no-history',
        'warn',
        `${state.target} has no public.migratelint_migrations table: nothing is recorded as applied, so all 5 migrations would be applied; it has schema_migrations (golang-migrate, dbmate), which migratelint does not read`,
      ],
    ]);
    expect(await withDb(dir, (d) => historyExists(d, 'public'))).toBe(false);
  });

  it('fails the check, without throwing, when the target cannot be read', async () => {
    const { cwd, migrations } = await migrationsOf(files);
    const gone = await readTarget('pglite:does-not-exist', { cwd });
    expect(driftCheck(migrations, gone).findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['validate/drift-unreachable', 'cannot read pglite:does-not-exist: no database at pglite:does-not-exist'],
    ]);
    expect(fs.existsSync(path.join(cwd, 'does-not-exist'))).toBe(false);
    const refused = await readTarget('postgres://me:s3cret@127.0.0.1:1/prod', { cwd });
    const r = driftCheck(migrations, refused);
    expect(r.status).toBe('failed');
    expect(r.findings[0].message).toMatch(/^cannot read postgres:\/\/me:\*\*\*\*@127\.0\.0\.1:1\/prod: cannot connect/);
    expect(r.findings[0].message).not.toContain('s3cret');
    expect(appliedView(refused)).toBeUndefined();
  });
});
