import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const BIN = path.resolve(__dirname, '../../bin/migratelint.js');

describe('migratelint lint', () => {
  it('exits 0 on a clean folder and says so', async () => {
    const cwd = tempProject({ 'db/001_a.up.sql': 'CREATE TABLE t (id bigint);', 'db/001_a.down.sql': 'DROP TABLE t;' });
    const run = await runCli(['lint', 'db'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/no problems in 2 files/);
  });

  it('exits 1 with file:line:col, severity, message, rule and a code frame', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;\n  CREATE INDEX i ON orders (a);\n' });
    const run = await runCli(['lint', 'db'], { cwd });
    expect(run.code).toBe(1);
    const [header, ...rest] = run.stdout.split('\n');
    expect(header).toBe(`${path.join('db', '1_a.sql')}:2:3  error  CREATE INDEX on orders without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built  require-concurrent-index`);
    expect(rest.join('\n')).toContain('> 2 |   CREATE INDEX i ON orders (a);\n      |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^');
    expect(run.stdout).toMatch(/1 problem \(1 error, 0 warnings\) in 1 file/);
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it('colours only when asked (FORCE_COLOR) and never with NO_COLOR', async () => {
    const cwd = tempProject({ 'a.sql': 'DELETE FROM t;' });
    expect((await runCli(['lint', 'a.sql'], { cwd, env: { FORCE_COLOR: '1' } })).stdout).toMatch(/\u001b\[/);
    expect((await runCli(['lint', 'a.sql'], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
  });

  it('reports a file that does not parse and still lints the rest', async () => {
    const cwd = tempProject({ 'm/1_bad.sql': 'CREATE TABL x (id int);\nDELETE FROM t;', 'm/2_ok.sql': 'TRUNCATE a CASCADE;' });
    const run = await runCli(['lint', 'm', '-f', 'json'], { cwd });
    expect(run.code).toBe(1);
    const rules = JSON.parse(run.stdout).findings.map((f: { ruleId: string; line: number; column: number }) => [f.ruleId, f.line, f.column]);
    expect(rules).toEqual([
      ['parse-error', 1, 8],
      ['no-delete-without-where', 2, 1],
      ['no-truncate-cascade', 1, 1],
    ]);
  });

  it('reads stdin with --stdin-filename deciding the format', async () => {
    const cwd = tempProject({});
    const run = await runCli(['lint', '-', '--stdin-filename', 'db/20240101_x.sql', '-f', 'json'], {
      cwd,
      stdin: '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\n',
    });
    const out = JSON.parse(run.stdout);
    expect(out.migrations[0].format).toBe('dbmate');
    expect(out.findings.map((f: { ruleId: string; file: string }) => [f.ruleId, f.file])).toEqual([['require-downgrade', 'db/20240101_x.sql']]);
    expect(run.code).toBe(1);
  });

  it('writes the report to --output and nothing to stdout', async () => {
    const cwd = tempProject({ 'a.sql': 'DELETE FROM t;' });
    const run = await runCli(['lint', 'a.sql', '-f', 'sarif', '-o', 'out/report.sarif'], { cwd });
    expect(run.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'out/report.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(run.code).toBe(1);
  });

  it.each(['compact', 'text', 'json'])('writes -f %s to --output as it lints, and says in one line when it cannot', async (format) => {
    const cwd = tempProject({ 'm/1_a.sql': 'DELETE FROM t;', 'm/2_b.sql': 'SELECT 1;', 'm/3_c.sql': 'TRUNCATE a CASCADE;', 'taken': 'a file' });
    const whole = await runCli(['lint', 'm', '-f', format], { cwd });
    const run = await runCli(['lint', 'm', '-f', format, '-o', 'out/report'], { cwd });
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(fs.readFileSync(path.join(cwd, 'out/report'), 'utf8')).toBe(whole.stdout);
    const blocked = await runCli(['lint', 'm', '-f', format, '-o', 'taken/report'], { cwd });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/^migratelint: cannot write taken\/report: E[A-Z]+\n$/);
  });

  it.each([
    [['lint'], /no paths given/],
    [['lint', 'nope/'], /^migratelint: nope\/: no such file or directory\n$/],
    [['lint', 'a.sql', '--format', 'xml'], /unknown format "xml"/],
    [['lint', 'a.sql', '--bogus'], /^migratelint: Unknown option '--bogus' \(see: migratelint lint --help\)\n$/],
    [['lint', 'a.sql', '--pg-version', 'fifteen'], /--pg-version expects a positive whole number/],
    [['lint', 'README.md'], /README\.md: not a migration file/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('usage errors exit 2 with one line: %j', async (args, message) => {
    const cwd = tempProject({ 'a.sql': 'SELECT 1;', 'README.md': '# hi' });
    const run = await runCli(args as string[], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails on warnings with --fail-on warn', async () => {
    const cwd = tempProject({ 'a.sql': '-- migratelint-disable-next-line no-drop-cascade -- not needed\nSELECT 1;' });
    expect((await runCli(['lint', 'a.sql'], { cwd })).code).toBe(0);
    expect((await runCli(['lint', 'a.sql', '--fail-on', 'warn'], { cwd })).code).toBe(1);
  });

  it('the installed bin runs, exits with the right code and never prints a stack trace', () => {
    const cwd = tempProject({ 'a.sql': 'DELETE FROM t;', '.migratelintrc.json': '{ "rules": { "no-delete-without-where": "sometimes" } }' });
    const bad = spawnSync(process.execPath, [BIN, 'lint', 'a.sql'], { cwd, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('migratelint: .migratelintrc.json:1: rules.no-delete-without-where: bad severity "sometimes" (expected "off", "warn", "error" or [severity, { options }])\n');
    fs.rmSync(path.join(cwd, '.migratelintrc.json'));
    const ok = spawnSync(process.execPath, [BIN, 'lint', 'a.sql', '-f', 'json'], { cwd, encoding: 'utf8' });
    expect(ok.status).toBe(1);
    expect(ok.stderr).toBe('');
  });
});

describe('--changed-since', () => {
  it('lints only migrations added or changed since the ref, pairing a changed down with its up', async () => {
    const cwd = tempProject({
      'db/001_old.up.sql': 'DELETE FROM a;',
      'db/001_old.down.sql': 'SELECT 1;',
      'db/002_mid.up.sql': 'DELETE FROM b;',
      'db/002_mid.down.sql': 'SELECT 1;',
    });
    const git = (...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.email=a@b', '-c', 'user.name=a', 'add', '.');
    git('-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-qm', 'base');
    fs.writeFileSync(path.join(cwd, 'db/002_mid.down.sql'), 'SELECT 2;');
    fs.writeFileSync(path.join(cwd, 'db/003_new.up.sql'), 'DELETE FROM c;');
    fs.writeFileSync(path.join(cwd, 'db/003_new.down.sql'), 'SELECT 1;');
    const run = await runCli(['lint', 'db', '--changed-since', 'HEAD', '-f', 'json'], { cwd });
    const out = JSON.parse(run.stdout);
    expect(out.migrations.map((m: { path: string }) => m.path).sort()).toEqual([path.join('db', '002_mid.up.sql'), path.join('db', '003_new.up.sql')]);
    expect(out.findings.map((f: { message: string }) => f.message)).toEqual([
      'DELETE FROM b has no WHERE clause: it removes every row',
      'DELETE FROM c has no WHERE clause: it removes every row',
    ]);
    const bad = await runCli(['lint', 'db', '--changed-since', 'no-such-ref'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^migratelint: --changed-since: /);
  });
});

describe('--fix', () => {
  it('applies mechanical fixes in place, re-lints, and prints the safe way for the rest', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'ALTER TABLE t ADD COLUMN payload json;\nDELETE FROM t;\n' });
    const run = await runCli(['lint', 'db', '--fix', '-f', 'json'], { cwd });
    expect(fs.readFileSync(path.join(cwd, 'db/1_a.sql'), 'utf8')).toBe('ALTER TABLE t ADD COLUMN payload jsonb;\nDELETE FROM t;\n');
    expect(run.stderr).toMatch(/applied 1 fix in 1 file/);
    expect(run.stderr).toMatch(/no-delete-without-where: Add the WHERE clause/);
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['no-delete-without-where']);
    expect(run.code).toBe(1);
  });
});
