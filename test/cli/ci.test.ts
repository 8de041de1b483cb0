import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const BIN = path.resolve(__dirname, '../../bin/migratelint.js');
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

describe('a reader that leaves early (| head)', () => {
  it.each(['text', 'json'])('ends the output quietly, no stack trace, and the exit code is still the verdict (-f %s)', (format) => {
    // Enough findings, in enough files, that the output outlasts the pipe's buffer.
    const files: Record<string, string> = {};
    for (let i = 1; i <= 250; i++) files[`db/${i}_a.sql`] = 'DELETE FROM a;\nDELETE FROM b;\nDELETE FROM c;\n';
    const cwd = tempProject(files);
    const run = spawnSync('bash', ['-c', `node "${BIN}" lint db -f ${format} --workers 0 | head -c 10 > /dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`], { cwd, encoding: 'utf8' });
    expect(run.stderr).toBe('exit=1\n');
  });
});

describe('--changed-since says what is wrong with the ref and what to run', () => {
  it('outside a git repository', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;' });
    const run = await runCli(['lint', 'db', '--changed-since', 'origin/main'], { cwd: path.join(cwd, 'db') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^migratelint: --changed-since: not inside a git repository, so there is no origin\/main to compare with/);
  });

  it('an unknown ref in a full clone', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;' });
    git(cwd, 'init', '-q');
    git(cwd, 'add', '.');
    git(cwd, 'commit', '-qm', 'one');
    const run = await runCli(['lint', 'db', '--changed-since', 'mian'], { cwd });
    expect(run.stderr).toBe(
      'migratelint: --changed-since: unknown ref mian: no branch, tag or commit of that name in this clone (git branch -a lists them; a remote branch may need: git fetch --no-tags --depth=1 origin mian)\n',
    );
    expect(run.code).toBe(2);
  });

  it('a base branch a shallow clone (a CI checkout) does not hold: the fetch it suggests makes the run work', async () => {
    const origin = tempProject({ 'db/001_a.up.sql': 'DELETE FROM a;', 'db/001_a.down.sql': 'SELECT 1;' });
    git(origin, 'init', '-q');
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'main');
    git(origin, 'checkout', '-qb', 'feature');
    fs.writeFileSync(path.join(origin, 'db/002_b.up.sql'), 'DELETE FROM b;');
    fs.writeFileSync(path.join(origin, 'db/002_b.down.sql'), 'SELECT 1;');
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'feature');
    const parent = tempProject({});
    git(parent, 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin}`, 'clone');
    const cwd = path.join(parent, 'clone');

    const run = await runCli(['lint', 'db', '--changed-since', 'origin/main'], { cwd });
    expect(run.stderr).toBe(
      'migratelint: --changed-since: the ref origin/main is not in this clone, which is shallow (a CI checkout): ' +
        'fetch it with git fetch --no-tags --depth=1 origin main, or use actions/checkout with fetch-depth: 0\n',
    );
    expect(run.code).toBe(2);
    git(cwd, 'fetch', '--no-tags', '--depth=1', 'origin', 'main:refs/remotes/origin/main');
    const fetched = await runCli(['lint', 'db', '--changed-since', 'origin/main', '-f', 'json'], { cwd });
    expect(JSON.parse(fetched.stdout).findings.map((f: { file: string }) => f.file)).toEqual([path.join('db', '002_b.up.sql')]);
  });
});

describe('where --cache keeps its results', () => {
  it('outside a Node project: .migratelint/cache, kept out of git, and no node_modules/ of its making', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;', 'go.mod': 'module x\n' });
    expect((await runCli(['lint', 'db', '--cache'], { cwd })).code).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'node_modules'))).toBe(false);
    const dir = path.join(cwd, '.migratelint/cache');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('in a Node project: node_modules/.cache/migratelint, as other tools do', async () => {
    const cwd = tempProject({ 'db/1_a.sql': 'SELECT 1;', 'package.json': '{ "name": "x" }' });
    await runCli(['lint', 'db', '--cache'], { cwd });
    expect(fs.readdirSync(path.join(cwd, 'node_modules/.cache/migratelint')).some((f) => f.endsWith('.json'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, '.migratelint'))).toBe(false);
  });
});
