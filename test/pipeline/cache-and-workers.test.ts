import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { resolve } from '../../src/config/load.js';
import { BATCH, claimBatch, lintShared, type UnitResult } from '../../src/pipeline/parallel.js';
import { collectFiles, groupMigrations } from '../../src/discover/index.js';
import { UnitLinter } from '../../src/pipeline/unit-linter.js';
import { shareUnits, SharedUnitReader } from '../../src/pipeline/shared-units.js';
import type { MigrationUnit } from '../../src/ir/unit.js';
import { lintUnitResult } from '../../src/pipeline/unit-result.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-cache-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const shape = (r: Awaited<ReturnType<typeof lint>>) => ({
  files: r.files,
  formats: r.migrations.map((m) => [m.path, m.format, m.up.state, m.down.state]),
  findings: r.findings,
  // Text of the flagged files, for code frames: the cache stores none, and puts it back on a hit.
  sources: r.migrations.map((m) => [...m.sources]),
});

describe('worker threads', () => {
  it('give exactly the results of a single thread', async () => {
    const single = await lint(['sql', 'rules'], { cwd: FIXTURES, retainIR: false, workers: 0 });
    const threaded = await lint(['sql', 'rules'], { cwd: FIXTURES, retainIR: false, workers: 2 });
    expect(single.findings.length).toBeGreaterThan(20);
    expect(shape(threaded)).toEqual(shape(single));
  });
});

describe('what a result keeps', () => {
  it('counts every file and migration, and holds summaries only as the format needs them', async () => {
    const run = (keep: 'all' | 'flagged' | 'findings') => lint(['sql', 'rules'], { cwd: FIXTURES, retainIR: false, workers: 0, keep });
    const [all, flagged, findings] = await Promise.all([run('all'), run('flagged'), run('findings')]);
    expect(all.counts).toEqual({ files: all.files.length, migrations: all.migrations.length });
    for (const r of [flagged, findings]) {
      expect(r.counts).toEqual(all.counts);
      expect(r.findings).toEqual(all.findings);
    }
    const flaggedFiles = new Set(all.findings.map((f) => f.file));
    expect(flagged.migrations.length).toBeLessThan(all.migrations.length);
    expect(flagged.migrations.every((m) => m.files.some((f) => flaggedFiles.has(f)) || m.problems.length)).toBe(true);
    expect(flagged.migrations.flatMap((m) => [...m.sources.keys()]).sort()).toEqual(all.migrations.flatMap((m) => [...m.sources.keys()]).sort());
    expect(findings.migrations.every((m) => m.problems.length > 0)).toBe(true);
  });
});

describe('findings handed on as they come', () => {
  it.each([0, 2])('arrive in report order and are not held (%i workers)', async (workers) => {
    const whole = await lint(['sql', 'rules'], { cwd: FIXTURES, retainIR: false, workers: 0 });
    const seen: string[] = [];
    const handed: typeof whole.findings = [];
    const streamed = await lint(['sql', 'rules'], {
      cwd: FIXTURES,
      retainIR: false,
      workers,
      keep: 'findings',
      onMigration: (m, found) => {
        seen.push(m.path);
        handed.push(...found);
      },
    });
    expect(handed).toEqual(whole.findings);
    expect(seen).toEqual(whole.migrations.map((m) => m.path));
    expect(streamed.findings).toEqual([]);
    expect([streamed.errorCount, streamed.warningCount, streamed.counts]).toEqual([whole.errorCount, whole.warningCount, whole.counts]);
  });
});

describe('the shared queue', () => {
  it('hands out every unit exactly once, in batches that shrink to single units at the end, then empty ranges', () => {
    const cursor = new Int32Array(new SharedArrayBuffer(4));
    const total = BATCH * 10 + 3;
    const claimed: number[] = [];
    const sizes: number[] = [];
    for (let [start, end] = claimBatch(cursor, total, 2); start < end; [start, end] = claimBatch(cursor, total, 2)) {
      sizes.push(end - start);
      for (let i = start; i < end; i++) claimed.push(i);
    }
    expect(claimed).toEqual([...Array(total).keys()]);
    expect(sizes[0]).toBe(BATCH);
    expect(Math.max(...sizes)).toBe(BATCH);
    expect(sizes.slice(-3)).toEqual([1, 1, 1]);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(claimBatch(cursor, total, 2)).toEqual([total, total]);
  });

  it('reads back in a worker exactly the units this thread encoded, non-ASCII names and absent fields included', () => {
    const units: MigrationUnit[] = [
      { key: 'db/1_init', frontend: 'sql', format: 'golang-migrate', path: 'db/1_init.up.sql', up: 'db/1_init.up.sql', down: 'db/1_init.down.sql', version: '1', name: 'init', expectsDown: true },
      { key: 'db/2_données_€.sql', frontend: 'sql', format: 'sql', path: 'db/2_données_€.sql', version: '2', name: 'données_€', expectsDown: false },
      { key: 'diesel/3', frontend: 'sql', format: 'diesel', path: 'diesel/3/up.sql', up: 'diesel/3/up.sql', expectsDown: true, expectedDown: 'diesel/3/down.sql', transaction: false },
      { key: 'app/4.ts', frontend: 'typescript', format: 'sql', path: 'app/4.ts', name: '4', expectsDown: false },
    ];
    const shared = shareUnits(units);
    expect(shared.bytes).toBeInstanceOf(SharedArrayBuffer);
    const reader = new SharedUnitReader(shared);
    expect(units.map((_, i) => reader.at(i))).toEqual(units);
    expect(shared.count).toBe(units.length);
  });

  it('is drained by this thread and a worker together, each unit linted and reported once', async () => {
    const files = await collectFiles(['sql', 'rules'], { cwd: FIXTURES });
    const units = groupMigrations(files, FIXTURES);
    const linter = new UnitLinter({});
    const read = (f: string) => fs.readFileSync(path.join(FIXTURES, f), 'utf8');
    const here: string[] = [];
    const lintHere = (unit: (typeof units)[number]): UnitResult => {
      here.push(unit.key);
      return lintUnitResult(linter, unit, read);
    };
    const results: UnitResult[] = [];
    await lintShared(units, { cwd: FIXTURES, settings: {} }, 1, { prepare: () => linter.prepare(units), lint: lintHere }, (i, r) => {
      expect(results[i]).toBeUndefined();
      results[i] = r;
    });
    expect(here.length).toBeGreaterThan(0);
    expect(new Set(here).size).toBe(here.length);
    expect(results.map((r) => r.migration?.path)).toEqual(units.map((u) => lintUnitResult(linter, u, read).migration?.path));
    expect(results.flatMap((r) => r.findings)).toEqual(units.flatMap((u) => lintUnitResult(linter, u, read).findings));
  });
});

describe('cache', () => {
  function project() {
    const dir = fs.mkdtempSync(path.join(tmp, 'p-'));
    for (let i = 1; i <= 5; i++) fs.writeFileSync(path.join(dir, `${i}_m.sql`), `CREATE INDEX i${i} ON t (a);\nSELECT ${i};\n`);
    return dir;
  }

  it('re-lints only the file that changed, with the same results as no cache', async () => {
    const cwd = project();
    const cacheDir = path.join(cwd, '.cache');
    const first = await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(first.cache).toEqual({ hits: 0, misses: 5 });
    const second = await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(second.cache).toEqual({ hits: 5, misses: 0 });
    expect(shape(second)).toEqual(shape(first));
    expect(first.migrations.some((m) => m.sources.size > 0)).toBe(true);
    // A run that changed nothing leaves the cache file as it was.
    const [cacheFile] = fs.readdirSync(cacheDir);
    const written = fs.statSync(path.join(cacheDir, cacheFile)).mtimeMs;
    await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(fs.statSync(path.join(cacheDir, cacheFile)).mtimeMs).toBe(written);

    // What 3 leaves in the schema model is the same (index i3): the later results hold.
    fs.writeFileSync(path.join(cwd, '3_m.sql'), 'CREATE INDEX i3 ON t (a);\nDELETE FROM t;\n');
    const third = await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(third.cache).toEqual({ hits: 4, misses: 1 });
    const uncached = await lint(['.'], { cwd, retainIR: false });
    expect(shape(third)).toEqual(shape(uncached));
    expect(third.findings.find((f) => f.file === '3_m.sql' && f.range.start.line === 2)?.ruleId).toBe('no-delete-without-where');
  });

  it('re-lints the migrations after one whose schema changes changed', async () => {
    const cwd = project();
    const cacheDir = path.join(cwd, '.cache');
    await lint(['.'], { cwd, retainIR: false, cacheDir });
    // 3 now creates table t: the rules of 4 and 5 may see it differently.
    fs.writeFileSync(path.join(cwd, '3_m.sql'), 'CREATE TABLE t (a int);\n');
    const changed = await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(changed.cache).toEqual({ hits: 2, misses: 3 });
    expect(shape(changed)).toEqual(shape(await lint(['.'], { cwd, retainIR: false })));
  });

  it('starts afresh when the config changes', async () => {
    const cwd = project();
    const cacheDir = path.join(cwd, '.cache');
    await lint(['.'], { cwd, retainIR: false, cacheDir });
    const config = await resolve({ rules: { 'require-concurrent-index': 'warn' } }, undefined, cwd);
    const changed = await lint(['.'], { cwd, retainIR: false, cacheDir, config });
    expect(changed.cache).toEqual({ hits: 0, misses: 5 });
    expect(changed.findings.every((f) => f.severity === 'warn')).toBe(true);
  });

  it('keeps directions and coverage, and the down setting applies the same to cached, threaded and fresh results', async () => {
    const cwd = project();
    fs.writeFileSync(path.join(cwd, '8_d.up.sql'), 'CREATE TABLE d (id bigint);\n');
    fs.writeFileSync(path.join(cwd, '8_d.down.sql'), 'DELETE FROM d;\nDROP TABLE d;\n');
    fs.writeFileSync(path.join(cwd, '9_k.js'), "exports.up = async (knex) => { await knex.raw(build()); };\nexports.down = async (knex) => { await knex.raw('DELETE FROM k'); };\n");
    const cacheDir = path.join(cwd, '.cache');
    const run = (workers: number, down: 'lint' | 'off') => lint(['.'], { cwd, retainIR: false, cacheDir, workers, down });
    const fresh = await run(0, 'off');
    const cached = await run(0, 'off');
    expect(cached.cache?.hits).toBe(7);
    const threaded = await lint(['.'], { cwd, retainIR: false, workers: 2, down: 'off' });
    for (const r of [fresh, cached, threaded]) {
      expect(r.down).toEqual({ setting: 'off', hidden: 2 });
      expect(r.coverage).toEqual({ analysed: 1, notAnalysed: 1, migrations: 1 });
      expect(r.findings.every((f) => f.direction === 'up')).toBe(true);
    }
    // The same cache serves another setting: what the cache holds is every finding.
    const all = await run(0, 'lint');
    expect(all.cache?.hits).toBe(7);
    expect(all.findings.filter((f) => f.direction === 'down').map((f) => f.file).sort()).toEqual(['8_d.down.sql', '9_k.js']);
    expect(all.migrations.find((m) => m.path === '9_k.js')?.coverage?.unanalysed[0].call).toBe('knex.raw(build())');
  });

  it('notices a down file appearing next to an up file', async () => {
    const cwd = project();
    fs.writeFileSync(path.join(cwd, '9_x.up.sql'), 'SELECT 1;');
    const cacheDir = path.join(cwd, '.cache');
    const before = await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(before.findings.some((f) => f.ruleId === 'require-downgrade')).toBe(true);
    fs.writeFileSync(path.join(cwd, '9_x.down.sql'), 'SELECT 2;');
    const after = await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(after.findings.some((f) => f.ruleId === 'require-downgrade')).toBe(false);
  });
});

describe('cache and files a result depends on', () => {
  it('re-lints a Django migration when an earlier one it replays changes', async () => {
    const cwd = fs.mkdtempSync(path.join(tmp, 'dj-'));
    const app = path.join(cwd, 'shop', 'migrations');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, '__init__.py'), '');
    const initial = (nullable: boolean) => `from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name='Order', fields=[('id', models.BigAutoField(primary_key=True)), ('note', models.TextField(null=${nullable ? 'True' : 'False'}))]),
    ]
`;
    fs.writeFileSync(path.join(app, '0001_initial.py'), initial(false));
    fs.writeFileSync(
      path.join(app, '0002_note_not_null.py'),
      `from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [('shop', '0001_initial')]
    operations = [
        migrations.AlterField(model_name='order', name='note', field=models.TextField(null=False)),
    ]
`,
    );
    const cacheDir = path.join(cwd, '.cache');
    const run = () => lint(['shop'], { cwd, retainIR: false, cacheDir });
    const before = await run();
    fs.writeFileSync(path.join(app, '0001_initial.py'), initial(true));
    const after = await run();
    const uncached = await lint(['shop'], { cwd, retainIR: false });
    expect(shape(after)).toEqual(shape(uncached));
    // 0002 now turns a nullable column NOT NULL: its findings change with 0001.
    expect(shape(after).findings).not.toEqual(shape(before).findings);
  });
});
