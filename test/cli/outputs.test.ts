import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseOutputs, rerunCommand } from '../../src/cli/report-outputs.js';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const PROJECT = {
  'db/001_a.sql': 'CREATE INDEX i ON orders (a);\nDELETE FROM t;\n',
  'db/002_b.sql': 'CREATE TABLE p (a json);\n',
};

describe('several reports from one lint run', () => {
  it('writes -f name:file reports and one to stdout, all from the same findings', async () => {
    const cwd = tempProject(PROJECT);
    const run = await runCli(['lint', 'db', '-f', 'sarif:out/report.sarif', '--format', 'github', '-f', 'markdown:out/comment.md', '-f', 'junit:out/junit.xml', '-f', 'json:out/all.json'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const json = JSON.parse(fs.readFileSync(path.join(cwd, 'out/all.json'), 'utf8'));
    const n = json.findings.length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(n);
    const sarif = JSON.parse(fs.readFileSync(path.join(cwd, 'out/report.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(n);
    expect(fs.readFileSync(path.join(cwd, 'out/comment.md'), 'utf8')).toContain(`**❌ ${n} problems**`);
    expect(fs.readFileSync(path.join(cwd, 'out/junit.xml'), 'utf8').match(/<failure /g)).toHaveLength(n);
  });

  it('streams when every report can (text to stdout, compact to a file) and keeps -o for the one without a file', async () => {
    const cwd = tempProject(PROJECT);
    const run = await runCli(['lint', 'db', '-f', 'compact:c.txt', '-f', 'text'], { cwd });
    expect(run.stdout).toMatch(/problems \(/);
    expect(fs.readFileSync(path.join(cwd, 'c.txt'), 'utf8')).toMatch(/^db\/001_a\.sql:1:1: error: /);
    const withOutput = await runCli(['lint', 'db', '-f', 'gitlab', '-o', 'gl.json', '-f', 'junit:j.xml'], { cwd });
    expect(withOutput.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'gl.json'), 'utf8')).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(cwd, 'j.xml'))).toBe(true);
  });

  it.each([
    [['-f', 'json', '-f', 'sarif'], /only one report can go to stdout, json and sarif were given without a file/],
    [['-f', 'sarif:r.out', '-f', 'json:r.out'], /r\.out: both sarif and json would be written to it/],
    [['-f', 'xml:r.xml'], /unknown format "xml"/],
    [['-f', 'sarif:'], /-f sarif: expects a file after ":"/],
    [['-f', 'json', '-f', 'text', '-o', 'x'], /--output names one file but several formats have none/],
    [['-f', 'json:a.json', '-o', 'x'], /--output has no report to write/],
  ])('refuses %j with exit 2 and one line', async (flags, message) => {
    const cwd = tempProject(PROJECT);
    const run = await runCli(['lint', 'db', ...flags], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('keeps a Windows path whole after the format name', () => {
    expect(parseOutputs(['sarif:C:\\reports\\out.sarif', 'github'], undefined)).toEqual([{ format: 'sarif', file: 'C:\\reports\\out.sarif' }, { format: 'github' }]);
  });

  it('names the command that shows every finding: the same paths and lint flags, no output flags', () => {
    expect(rerunCommand(['db/migrations', '-f', 'markdown:c.md', '--format=github', '-o', 'x', '--changed-since', 'origin/main', '--sarif-category', 'db', '--sarif-srcroot', 'my dir'])).toBe(
      "migratelint lint db/migrations --changed-since origin/main 'my dir'",
    );
  });
});

describe('validate writes the formats lint writes', () => {
  it('every format, several from one run, from the same findings; SARIF names files from the repository root', async () => {
    const cwd = tempProject({ '.git/HEAD': 'ref: refs/heads/main\n', ...Object.fromEntries(Object.entries(PROJECT).map(([f, t]) => [`svc/${f}`, t])) });
    const svc = path.join(cwd, 'svc');
    const formats = ['json', 'sarif', 'github', 'gitlab', 'markdown', 'junit', 'compact'];
    const run = await runCli(['validate', 'db', '--no-trial', '-f', 'text', ...formats.flatMap((f) => ['-f', `${f}:out/v.${f}`]), '--sarif-category', 'validate'], { cwd: svc });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ lint/);
    const read = (f: string) => fs.readFileSync(path.join(svc, `out/v.${f}`), 'utf8');
    const lintFindings = JSON.parse(read('json')).checks.find((c: { id: string }) => c.id === 'lint').findings.length;
    expect(lintFindings).toBeGreaterThanOrEqual(3);
    const sarif = JSON.parse(read('sarif')).runs[0];
    expect(sarif.automationDetails).toEqual({ id: 'validate/' });
    expect(sarif.results[0].locations[0].physicalLocation.artifactLocation).toMatchObject({ uri: 'svc/db/001_a.sql', uriBaseId: '%SRCROOT%' });
    const n = sarif.results.length;
    expect(n).toBeGreaterThanOrEqual(lintFindings);
    expect(read('github').split('\n').filter((l) => l.startsWith('::'))).toHaveLength(n);
    expect(JSON.parse(read('gitlab'))).toHaveLength(n);
    expect(read('junit').match(/<failure /g)).toHaveLength(n);
    expect(read('compact').split('\n').filter(Boolean)).toHaveLength(n);
    expect(read('compact')).toMatch(/^db\/001_a\.sql:1:1: error: .*\[require-concurrent-index\]$/m);
    expect(read('markdown')).toMatch(/^<!-- migratelint-validate-report -->/);
  });
});
