/**
 * The snippets of docs/ci.md (lint on pull requests, validate before deploy), run as CI
 * would run their shell steps: plain bash, the platform's environment variables set,
 * `npx migratelint` being this checkout's CLI, and the code host's API a local server
 * that records what it is sent.
 *
 * Here, not under test/cli/: the steps run the CLI in child processes with the
 * environment a runner gives them, so `npm run test:modes` (which reruns test/cli with
 * the cache and worker threads forced on in-process) would only repeat the same runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupProjects, tempProject } from '../helpers/cli.js';
import { FakeHost } from '../helpers/fake-code-host.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = fs.readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');

/** The YAML block right after `<!-- ci-snippet: name -->`. */
function snippet(name: string): any {
  const at = DOC.indexOf(`<!-- ci-snippet: ${name} -->`);
  expect(at, name).toBeGreaterThan(-1);
  const block = /```yaml\n([\s\S]*?)```/.exec(DOC.slice(at))!;
  return parseYaml(block[1]);
}

const host = new FakeHost();
let api: string;
let shims: string;
beforeAll(async () => {
  api = await host.start();
  // `npx migratelint ...` runs this checkout's CLI, as `npm ci` would have installed it.
  shims = tempProject({ 'npx': `#!/usr/bin/env bash\n[ "$1" = migratelint ] && shift\nexec "${process.execPath}" "${path.join(ROOT, 'bin/migratelint.js')}" "$@"\n` });
  fs.chmodSync(path.join(shims, 'npx'), 0o755);
});
afterAll(async () => {
  await host.stop();
  cleanupProjects();
});

/** A repository whose pull request adds a hazardous migration on top of a clean base. */
function pullRequestRepo(): { dir: string; base: string } {
  const dir = tempProject({ 'db/migrations/001_init.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  git('update-ref', 'refs/remotes/origin/main', base);
  fs.writeFileSync(path.join(dir, 'db/migrations/002_index.sql'), 'CREATE INDEX users_email ON users (email);\n');
  git('add', '.');
  git('commit', '-qm', 'pr');
  return { dir, base };
}

/** Runs a step's script; asynchronously, since the fake host answers from this process. */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-e', '-c', script], { cwd, env: { PATH: `${shims}:${process.env.PATH}`, HOME: process.env.HOME, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('docs/ci.md snippets', () => {
  it('GitHub Actions: one lint run writes annotations, SARIF with its category and the markdown; the comment step posts it once', async () => {
    const workflow = snippet('github-pr');
    expect(workflow.permissions).toMatchObject({ 'security-events': 'write', 'pull-requests': 'write' });
    const steps: any[] = workflow.jobs.migratelint.steps;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    const shell = steps.filter((s) => s.run && !s.run.startsWith('npm ci'));
    expect(shell).toHaveLength(2);

    const { dir } = pullRequestRepo();
    const event = path.join(tempProject({ 'event.json': JSON.stringify({ pull_request: { number: 7 } }) }), 'event.json');
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_BASE_REF: 'main',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'abc123',
      GITHUB_EVENT_PATH: event,
      GITHUB_API_URL: api,
    };
    const lint = await bash(shell[0].run, dir, env);
    expect(lint.stderr).toBe('');
    expect(lint.status).toBe(1);
    // Only the pull request's migration: the base's is not linted.
    expect(lint.stdout).toMatch(/^::error file=.*002_index\.sql,line=1/);
    expect(lint.stdout).not.toContain('001_init.sql');
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, upload.with.sarif_file), 'utf8'));
    expect(sarif.runs[0].automationDetails.id).toBe(`${upload.with.category}/`);
    expect(sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['db/migrations/002_index.sql']);

    const comment = shell[1];
    expect(comment.env.GITHUB_TOKEN).toBe('${{ github.token }}');
    for (let push = 0; push < 2; push++) {
      const run = await bash(comment.run, dir, { ...env, GITHUB_TOKEN: 'ghs_token' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
    expect(host.calls.filter((c) => !c.startsWith('GET'))).toEqual(['POST /repos/acme/shop/issues/7/comments', 'PATCH /repos/acme/shop/issues/comments/1000']);
    expect(host.comments).toHaveLength(1);
    expect(host.comments[0].body).toContain('](https://github.com/acme/shop/blob/abc123/db/migrations/002_index.sql#L1)');
  });

  it('GitLab CI: the reports, a merge-request note, and the lint verdict as the job’s exit code', async () => {
    host.reset();
    const job = snippet('gitlab-mr').migratelint;
    expect(job.artifacts.reports).toEqual({ codequality: 'gl-code-quality-report.json', junit: 'migratelint-junit.xml' });
    const script = (job.script as string[]).filter((line) => !line.startsWith('npm ci')).join('\n');
    const { dir } = pullRequestRepo();
    const env = { GITLAB_CI: 'true', CI_API_V4_URL: `${api}/api/v4`, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '5', GITLAB_TOKEN: 'glpat-token' };
    const run = await bash(script, dir, env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'gl-code-quality-report.json'), 'utf8'))).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, 'migratelint-junit.xml'), 'utf8')).toContain('<failure ');
    expect(host.calls.filter((c) => !c.startsWith('GET'))).toEqual(['POST /api/v4/projects/42/merge_requests/5/notes']);
    expect(host.requests.at(-1)!.headers['private-token']).toBe('glpat-token');

    // A branch pipeline (no merge request) reports without commenting.
    host.reset();
    const branch = await bash(script, dir, { ...env, CI_MERGE_REQUEST_IID: '' });
    expect(branch.status).toBe(1);
    expect(host.requests).toEqual([]);
  });

  it('GitHub Actions, validate before deploy: the deploy needs it; a hazard fails it with an annotation and the report on the summary page', async () => {
    const workflow = snippet('github-deploy');
    expect(workflow.jobs.deploy.needs).toBe('validate');
    const steps: any[] = workflow.jobs.validate.steps;
    const shell = steps.filter((s) => s.run && !s.run.startsWith('npm ci'));
    expect(shell).toHaveLength(1);
    expect(shell[0].env.MIGRATELINT_DB).toBe('${{ secrets.MIGRATELINT_DB }}');

    const { dir } = pullRequestRepo();
    fs.writeFileSync(path.join(dir, 'db/migrations/003_purge.sql'), 'DELETE FROM users;\n');
    const summary = path.join(tempProject({}), 'summary.md');
    // A secret that is not set reaches the step as an empty string (a fork's run, say):
    // drift is skipped and said to be; the target itself is validate's own tests' business
    // (test/validate/drift.test.ts), a PGlite database costing seconds to create.
    const run = await bash(shell[0].run, dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, MIGRATELINT_DB: '' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^::error file=.*003_purge\.sql,line=1,.*no-delete-without-where/m);
    const report = fs.readFileSync(summary, 'utf8');
    expect(report).toMatch(/^### migratelint validate: ❌ failed/m);
    expect(report).toMatch(/\| drift \| .*skipped/);
  });

  it('GitLab CI, validate before deploy: the deploy needs it; a clean push passes with its JUnit report', async () => {
    const pipeline = snippet('gitlab-deploy');
    expect(pipeline.stages.indexOf('validate')).toBeLessThan(pipeline.stages.indexOf('deploy'));
    expect(pipeline.deploy.needs).toEqual(['validate-migrations']);
    const job = pipeline['validate-migrations'];
    expect(job.artifacts.reports).toEqual({ junit: 'migratelint-validate.xml' });
    const script = (job.script as string[]).filter((line) => !line.startsWith('npm ci')).join('\n');
    const { dir } = pullRequestRepo();
    fs.writeFileSync(path.join(dir, 'db/migrations/002_index.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n');
    // No MIGRATELINT_DB: drift is skipped, and the report says so.
    const run = await bash(script, dir, { GITLAB_CI: 'true' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^- drift .*skipped/m);
    const junit = fs.readFileSync(path.join(dir, 'migratelint-validate.xml'), 'utf8');
    expect(junit).toContain('<testsuites');
    expect(junit).not.toContain('<failure');
  });
});
