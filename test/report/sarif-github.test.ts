import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { capResults } from '../../src/report/sarif-cap.js';
import { repoPath } from '../../src/report/repo-path.js';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { PROJECT, context, lintOptions, pinnedConfig } from './fixtures.js';
import { multitoolValidate } from './sarif-validators.js';

afterEach(cleanupProjects);

/** PROJECT one folder down, in a git repository: lint runs from `svc/`, the repository root is above it. */
function repoWithService(): { root: string; svc: string } {
  const files: Record<string, string> = { '.git/HEAD': 'ref: refs/heads/main\n', ...pinnedConfig() };
  for (const [file, text] of Object.entries(PROJECT)) files[`svc/${file}`] = text;
  const root = fs.realpathSync(tempProject(files));
  fs.copyFileSync(path.join(root, '.migratelintrc.json'), path.join(root, 'svc/.migratelintrc.json'));
  return { root, svc: path.join(root, 'svc') };
}

const uris = (log: any): string[] => log.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri);

describe('SARIF for GitHub code scanning', () => {
  it('names files from the repository root when run from a sub-folder: no ../, no absolute path', async () => {
    const { root, svc } = repoWithService();
    const run = await runCli(['lint', 'migrations', '-f', 'sarif'], { cwd: svc });
    expect(run.stderr).toBe('');
    const log = JSON.parse(run.stdout);
    expect(uris(log)).toEqual([
      'svc/migrations/20240101120000_add_users_index.sql',
      'svc/migrations/20240101120000_add_users_index.sql',
      'svc/migrations/20240101120000_add_users_index.sql',
      'svc/migrations/20240102120000_ajout_caf%C3%A9.sql',
    ]);
    expect(run.stdout).not.toContain('../');
    expect(run.stdout).not.toContain('file://');
    expect(run.stdout).not.toContain(root);
    const artifacts = log.runs[0].artifacts;
    expect(artifacts.map((a: any) => a.location.uri)).toContain('svc/migrations/20240103120000_create_teams.sql');
    for (const a of artifacts) expect(a).toMatchObject({ location: { uriBaseId: '%SRCROOT%' }, roles: ['analysisTarget'] });

    // Fingerprints name the file from the root too: the same finding from either folder is one alert.
    const fromRoot = JSON.parse(sarifReporter(await lint(['svc/migrations'], lintOptions(root)), { ...context(root), root }));
    expect(uris(fromRoot)).toEqual(uris(log));
    const prints = (l: any) => l.runs[0].results.map((r: any) => r.partialFingerprints);
    expect(prints(log)).toEqual(prints(fromRoot));
  });

  it('writes the root as %SRCROOT% only with --sarif-srcroot, and the category with --sarif-category', async () => {
    const { root, svc } = repoWithService();
    const plain = JSON.parse((await runCli(['lint', 'migrations', '-f', 'sarif'], { cwd: svc })).stdout).runs[0];
    expect(plain.originalUriBaseIds).toBeUndefined();
    expect(plain.automationDetails).toBeUndefined();

    const run = await runCli(['lint', 'migrations', '-f', 'sarif', '--sarif-srcroot', '--sarif-category', 'migrations/api'], { cwd: svc });
    const asked = JSON.parse(run.stdout).runs[0];
    expect(asked.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(root + path.sep).href } });
    // As upload-sarif's `category` input: code scanning takes the part before the last `/`.
    expect(asked.automationDetails).toEqual({ id: 'migrations/api/' });
    const found = multitoolValidate(run.stdout);
    expect(found.filter((r) => r.level === 'error' || r.level === 'warning')).toEqual([]);

    const empty = await runCli(['lint', 'migrations', '-f', 'sarif', '--sarif-category', ' '], { cwd: svc });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--sarif-category expects a name/);
  });

  it('outside a git repository names files from the working directory', async () => {
    const cwd = tempProject({ ...pinnedConfig(), ...PROJECT });
    const log = JSON.parse((await runCli(['lint', 'migrations', '-f', 'sarif'], { cwd })).stdout);
    expect(uris(log)[0]).toBe('migrations/20240101120000_add_users_index.sql');
  });

  it('gives a file outside the root no repository path', () => {
    expect(repoPath('../elsewhere/a.sql', { cwd: '/r/svc', root: '/r/svc' })).toBeUndefined();
    expect(repoPath('../elsewhere/a.sql', { cwd: '/r/svc', root: '/r' })).toBe('elsewhere/a.sql');
    expect(repoPath('m/a.sql', { cwd: '/r/svc', root: '/r' })).toBe('svc/m/a.sql');
  });

  it('keeps the most severe results when capping, in file order, and the run order', () => {
    const f = (severity: 'error' | 'warn', n: number) => ({ severity, n });
    const findings = [f('warn', 1), f('error', 2), f('warn', 3), f('error', 4), f('error', 5), f('warn', 6)];
    expect(capResults(findings, 4)).toEqual({ kept: [f('warn', 1), f('error', 2), f('error', 4), f('error', 5)], leftOut: 2 });
    expect(capResults(findings, 2)).toEqual({ kept: [f('error', 2), f('error', 4)], leftOut: 4 });
    expect(capResults(findings, 6).leftOut).toBe(0);
  });
});
