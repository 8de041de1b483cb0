import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const fingerprintsOf = (sarif: string) =>
  JSON.parse(sarif).runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => Object.values(r.partialFingerprints)[0]);

/** One line on stderr, exit 2. */
function expectUsageError(run: { code: number; stderr: string }, message: RegExp) {
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.code).toBe(2);
}

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);
const canMkfifo = process.platform !== 'win32';

describe('fingerprints do not depend on a BOM, line endings or the cache', () => {
  // The finding on line 1: a BOM there shifted the cached range by one character.
  const variants = {
    plain: 'DELETE FROM t;\nUPDATE u SET a = 1;\n',
    'BOM and CRLF': '\uFEFFDELETE FROM t;\r\nUPDATE u SET a = 1;\r\n',
    BOM: '\uFEFFDELETE FROM t;\nUPDATE u SET a = 1;\n',
  };

  it('cold and warm runs of each variant give the same fingerprints', async () => {
    const seen = new Set<string>();
    for (const text of Object.values(variants)) {
      const cwd = tempProject({ 'db/1_a.sql': text });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(fingerprintsOf((await runCli(['lint', 'db', '-f', 'sarif', '--cache-location', '.cache'], { cwd })).stdout));
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
      expect(runs[0]).toHaveLength(2);
      seen.add(JSON.stringify(runs[0]));
    }
    expect(seen.size).toBe(1);
  });

  it('baseline, then lint --cache twice: both runs pass (a BOM file flipped 0 then 1)', async () => {
    const cwd = tempProject({ 'db/1_a.sql': variants['BOM and CRLF'] });
    await runCli(['baseline', 'db'], { cwd });
    for (let i = 0; i < 2; i++) expect((await runCli(['lint', 'db', '--cache'], { cwd })).code).toBe(0);
  });
});

describe('a malformed baseline is one line naming the file', () => {
  it.each([
    ['{ "migratelintBaseline": 1, "findings": [null] }', /^migratelint: base\.json: findings\[0\] is not a baseline entry .*\(recreate it with: migratelint baseline\)\n$/],
    ['{ "migratelintBaseline": 1, "findings": {} }', /^migratelint: base\.json: "findings" is not a list/],
    ['[1, 2]', /^migratelint: base\.json: not a migratelint baseline/],
    ['{ nope', /^migratelint: base\.json: not valid JSON/],
  ])('%s', async (text, message) => {
    const cwd = tempProject({ 'db/1_a.sql': 'DELETE FROM t;', 'base.json': text });
    expectUsageError(await runCli(['lint', 'db', '--baseline', 'base.json'], { cwd }), message);
  });

  it('matches 40,000 entries that share one fingerprint in linear time', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'DELETE FROM t;' });
    await runCli(['baseline', 'db', '-o', 'base.json'], { cwd });
    const base = JSON.parse(fs.readFileSync(path.join(cwd, 'base.json'), 'utf8'));
    base.findings = Array.from({ length: 40_000 }, () => base.findings[0]);
    fs.writeFileSync(path.join(cwd, 'base.json'), JSON.stringify(base));
    const started = performance.now();
    const run = await runCli(['lint', 'db', '--baseline', 'base.json', '-f', 'json'], { cwd });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).baseline.suppressed).toBe(1);
  });
});

describe('a malformed cache is discarded with one line naming it, and rebuilt', () => {
  const cacheFile = (cwd: string) => {
    const dir = path.join(cwd, '.migratelint/cache');
    return path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.json'))!);
  };

  it.each([
    ['not JSON', () => '{ truncated', /not valid JSON/],
    ['not a cache', () => '[1, 2, 3]', /not a migratelint cache/],
    [
      'an entry of the wrong shape',
      (text: string) => {
        const data = JSON.parse(text);
        for (const entry of Object.values(data.entries) as { findings: unknown[] }[]) entry.findings = [null];
        return JSON.stringify(data);
      },
      /an entry of the wrong shape/,
    ],
  ])('%s', async (_, spoil, reason) => {
    const cwd = tempProject({ 'db/1_a.sql': 'DELETE FROM t;' });
    const first = await runCli(['lint', 'db', '--cache', '-f', 'json'], { cwd });
    const file = cacheFile(cwd);
    fs.writeFileSync(file, spoil(fs.readFileSync(file, 'utf8')));
    const run = await runCli(['lint', 'db', '--cache', '-f', 'json'], { cwd });
    expect(run.stderr).toMatch(new RegExp(`^migratelint: \\.migratelint/cache/lint-[0-9a-f]+\\.json: ${reason.source}; discarded, the cache is rebuilt\\n$`));
    expect([run.code, JSON.parse(run.stdout).findings]).toEqual([first.code, JSON.parse(first.stdout).findings]);
    // Rebuilt: the next run reads it without a word.
    const again = await runCli(['lint', 'db', '--cache'], { cwd });
    expect([again.code, again.stderr]).toEqual([1, '']);
  });
});

describe('config files and extends targets must be regular files of a config size', () => {
  it('a directory named like a config is named as one, not skipped', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;', '.migratelintrc.json/x': '' });
    expectUsageError(await runCli(['lint', 'db'], { cwd }), /^migratelint: \.migratelintrc\.json: a directory, not a config file\n$/);
  });

  it.runIf(canMkfifo)('a FIFO named like a config, or given with --config, is named as one (it would block)', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;' });
    mkfifo(path.join(cwd, '.migratelintrc.yaml'));
    expectUsageError(await runCli(['lint', 'db'], { cwd }), /^migratelint: \.migratelintrc\.yaml: a named pipe \(FIFO\), not a config file\n$/);
    fs.rmSync(path.join(cwd, '.migratelintrc.yaml'));
    mkfifo(path.join(cwd, 'pipe.json'));
    expectUsageError(await runCli(['lint', 'db', '--config', 'pipe.json'], { cwd }), /^migratelint: pipe\.json: a named pipe \(FIFO\), not a config file\n$/);
  });

  it.runIf(fs.existsSync('/dev/zero'))('--config /dev/zero and extends: "/dev/zero" end at once, naming a character device', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;', 'c.json': '{ "extends": "/dev/zero" }' });
    expectUsageError(await runCli(['lint', 'db', '--config', '/dev/zero'], { cwd }), /^migratelint: \/dev\/zero: a character device, not a config file\n$/);
    expectUsageError(await runCli(['lint', 'db', '--config', 'c.json'], { cwd }), /^migratelint: c\.json:1: extends: shareable config "\/dev\/zero" is a character device, not a config file\n$/);
  });

  it('a config or an extended file over 1 MB is refused unread', async () => {
    const big = JSON.stringify({ rules: {}, padding: 'x'.repeat(1024 * 1024) });
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;', '.migratelintrc.json': big, 'small.json': '{ "extends": "./big.json" }', 'big.json': big });
    expectUsageError(await runCli(['lint', 'db'], { cwd }), /^migratelint: \.migratelintrc\.json: 1,048,\d{3} bytes, more than a config file can be \(1 MB\)\n$/);
    expectUsageError(await runCli(['lint', 'db', '--config', 'small.json'], { cwd }), /small\.json:1: extends: shareable config "\.\/big\.json" is 1,048,\d{3} bytes, more than a config file can be \(1 MB\)/);
  });
});

describe('special files named on the command line say what they are', () => {
  it.runIf(canMkfifo)('a FIFO', async () => {
    const cwd = tempProject({});
    mkfifo(path.join(cwd, 'pipe.sql'));
    expectUsageError(await runCli(['lint', 'pipe.sql'], { cwd }), /^migratelint: pipe\.sql: a named pipe \(FIFO\), not a migration file or folder\n$/);
  });

  it('a symbolic link loop, and a link to nothing', async () => {
    const cwd = tempProject({});
    fs.symlinkSync('loop.sql', path.join(cwd, 'loop.sql'));
    fs.symlinkSync('gone.sql', path.join(cwd, 'dangling.sql'));
    expectUsageError(await runCli(['lint', 'loop.sql'], { cwd }), /^migratelint: loop\.sql: a symbolic link loop\n$/);
    expectUsageError(await runCli(['lint', 'dangling.sql'], { cwd }), /^migratelint: dangling\.sql: a symbolic link to nothing \(its target does not exist\)\n$/);
  });
});
