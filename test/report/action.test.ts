/**
 * The GitHub Action (action.yml) run the way a runner runs a composite action: each
 * `run:` step under `bash -e` in the workspace, its `env:` and `if:` expressions filled
 * in from the inputs, GitHub's environment variables set, outputs read back from
 * $GITHUB_OUTPUT. `uses:` steps (setup-node, the npm cache) are the runner's business and
 * are skipped. The pull request is a real git history checked out as actions/checkout
 * does: a shallow clone of the merge commit.
 *
 * Here, not under test/cli/: the steps run the CLI in child processes with the
 * environment a runner gives them, so `npm run test:modes` (which reruns test/cli with
 * the cache and worker threads forced on in-process) would only repeat the same runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHost } from '../helpers/fake-code-host.js';

const ROOT = path.resolve(__dirname, '../..');
const ACTION = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { steps: Step[] };
};
interface Step {
  id?: string;
  name: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

const temp: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-action-'));
  temp.push(d);
  return d;
};
afterAll(() => {
  for (const d of temp) fs.rmSync(d, { recursive: true, force: true });
});

interface ActionRun {
  /** Exit code of the first step that failed, or 0. */
  code: number;
  failedStep?: string;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  ran: string[];
}

interface Event {
  name: string;
  baseRef?: string;
  /** The pull request's number, written to the event file as GitHub does. */
  pr?: number;
  /** Extra variables of the runner (GITHUB_API_URL of a local server, GITHUB_REPOSITORY...). */
  env?: Record<string, string>;
}

/** A step's script under bash; asynchronously, since a test's fake API answers from this process. */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number; output: string }> {
  // What GitHub runs for `shell: bash`.
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

/**
 * Runs the action's steps in `workspace` with these inputs and event, as a runner would:
 * a step whose `if` has no status function runs only while every earlier step passed;
 * `!cancelled()` and `always()` run it after a failure too.
 */
async function runAction(workspace: string, inputs: Record<string, string>, event: Event): Promise<ActionRun> {
  const stepOutputs: Record<string, Record<string, string>> = {};
  const ctx = tempDir();
  const summaryFile = path.join(ctx, 'summary.md');
  const eventFile = path.join(ctx, 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify(event.pr ? { pull_request: { number: event.pr } } : {}));
  let failed: { code: number; step: string } | undefined;
  const github: Record<string, string> = { action_path: ROOT, token: 'ghs_runner_token' };
  const value = (e: string): string => {
    let m: RegExpExecArray | null;
    if ((m = /^inputs\.([\w-]+)$/.exec(e))) return given[m[1]];
    if ((m = /^github\.(\w+)$/.exec(e)) && m[1] in github) return github[m[1]];
    if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return stepOutputs[m[1]]?.[m[2]] ?? '';
    if ((m = /^'([^']*)'$/.exec(e))) return m[1];
    throw new Error(`the test cannot evaluate \${{ ${e} }}: teach it, or keep the action's expressions simple`);
  };
  /** The expressions the action uses: status functions, ==, != and && of them. */
  const evaluate = (expr: string): string => {
    const terms = expr.trim().split(/\s*&&\s*/);
    if (terms.length === 1 && !/==|!=|\(\)/.test(terms[0])) return value(terms[0]);
    const truth = terms.map((t) => {
      if (t === '!cancelled()' || t === 'always()') return true;
      if (t === 'success()') return !failed;
      if (t === 'failure()') return !!failed;
      const m = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(t);
      if (!m) throw new Error(`the test cannot evaluate ${t}`);
      return (value(m[1]) === value(m[3])) === (m[2] === '==');
    });
    return String(truth.every(Boolean));
  };
  const fill = (text: string) => text.replace(/\$\{\{(.*?)\}\}/g, (_, e) => evaluate(e));
  // Defaults may be expressions themselves (`${{ github.token }}`).
  const given: Record<string, string> = Object.fromEntries(Object.entries(ACTION.inputs).map(([k, v]) => [k, inputs[k] ?? fill(String(v.default ?? ''))]));
  let stdout = '';
  const ran: string[] = [];
  for (const step of ACTION.runs.steps) {
    if (step.uses) continue;
    const condition = step.if ? step.if.replace(/^\$\{\{(.*)\}\}$/, '$1') : 'success()';
    const statusChecked = /\b(success|failure|always|cancelled)\(\)/.test(condition);
    if (evaluate(statusChecked ? condition : `success() && ${condition}`) !== 'true') continue;
    ran.push(step.id ?? step.name);
    const outputFile = path.join(ctx, `output-${ran.length}`);
    fs.writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_BASE_REF: event.baseRef ?? '',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: ctx,
      ...event.env,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(String(v))])),
    };
    const cwd = step['working-directory'] ? fill(step['working-directory']) : workspace;
    const run = await bash(step.run!, cwd, env);
    stdout += run.output;
    stepOutputs[step.id ?? ''] = Object.fromEntries(
      fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (run.status !== 0 && !failed) failed = { code: run.status, step: step.name };
  }
  const outputs = Object.fromEntries(Object.entries(ACTION.outputs).map(([k, v]) => [k, fill(v.value)]));
  const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '';
  return { code: failed?.code ?? 0, failedStep: failed?.step, stdout, outputs, summary, ran };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

function write(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

/**
 * A repository on "GitHub": main with a migration that has a finding, a pull request that
 * adds one with another, main moving on after the pull request branched, and the merge
 * commit GitHub makes for the pull request. Returns a shallow checkout of that merge
 * commit, as actions/checkout makes it, and the commit the pull request is compared with.
 */
function pullRequestCheckout(): { workspace: string; base: string } {
  const work = tempDir();
  git(work, 'init', '-q');
  write(work, { 'db/001_a.up.sql': 'DELETE FROM a;\n', 'db/001_a.down.sql': 'SELECT 1;\n' });
  git(work, 'add', '.');
  git(work, 'commit', '-qm', 'main');
  git(work, 'checkout', '-qb', 'feature');
  write(work, { 'db/002_b.up.sql': 'CREATE INDEX i ON b (x);\n', 'db/002_b.down.sql': 'SELECT 1;\n' });
  git(work, 'add', '.');
  git(work, 'commit', '-qm', 'feature');
  git(work, 'checkout', '-q', 'main');
  write(work, { 'db/003_c.up.sql': 'DELETE FROM c;\n', 'db/003_c.down.sql': 'SELECT 1;\n' });
  git(work, 'add', '.');
  git(work, 'commit', '-qm', 'main moves on');
  const base = git(work, 'rev-parse', 'HEAD');
  git(work, 'merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature into main');
  const merge = git(work, 'rev-parse', 'HEAD');
  git(work, 'update-ref', 'refs/pull/1/merge', merge);
  git(work, 'reset', '-q', '--hard', base);

  const origin = tempDir();
  git(origin, 'clone', '-q', '--bare', work, '.');
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  const workspace = tempDir();
  git(workspace, 'init', '-q');
  git(workspace, 'remote', 'add', 'origin', `file://${origin}`);
  git(workspace, 'fetch', '-q', '--no-tags', '--depth=1', 'origin', `+${merge}:refs/remotes/pull/1/merge`);
  git(workspace, 'checkout', '-q', '--detach', merge);
  return { workspace, base };
}

describe('the GitHub Action, its shell steps under bash with GitHub environment variables', () => {
  // The action runs bin/migratelint.js of its checkout: `npm test` builds dist/ first (pretest).
  const host = new FakeHost();
  let api: string;
  const hostEnv = () => ({ GITHUB_API_URL: api, GITHUB_REPOSITORY: 'acme/shop', GITHUB_SERVER_URL: 'https://github.com', GITHUB_SHA: 'abc123' });
  beforeAll(async () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/src/cli/main.js')), 'dist/ is not built: run npm run build').toBe(true);
    api = await host.start();
  });
  afterAll(() => host.stop());

  it('on a pull request in a shallow checkout: fetches the base, lints only the changed migrations, one run writes SARIF, annotations and the summary', async () => {
    const { workspace, base } = pullRequestCheckout();
    expect(git(workspace, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const run = await runAction(workspace, { paths: 'db' }, { name: 'pull_request', baseRef: 'main' });
    expect(run.failedStep).toBe('Lint migrations');
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ base, 'exit-code': '1', errors: '1', warnings: '0', findings: '1' });
    const sarif = JSON.parse(fs.readFileSync(run.outputs['sarif-file'], 'utf8'));
    expect(sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['db/002_b.up.sql']);
    expect(run.stdout).toMatch(/^::error file=.*002_b\.up\.sql,line=1/m);
    expect(run.stdout).not.toMatch(/001_a|003_c/);
    expect(run.summary).toMatch(/require-concurrent-index/);
  });

  it('on a push it lints every migration; fail-on never reports without failing; no comment, for there is no pull request', async () => {
    const { workspace } = pullRequestCheckout();
    host.reset();
    const run = await runAction(workspace, { paths: 'db', 'fail-on': 'never', comment: 'true' }, { name: 'push', env: hostEnv() });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ base: '', 'exit-code': '1', errors: '3' });
    expect(run.stdout).toContain('migratelint: not a pull request (push): no comment');
    expect(host.requests).toEqual([]);
  });

  it('validate: true runs validate over every migration after the lint', async () => {
    const { workspace } = pullRequestCheckout();
    // The trial run is validate's own test's business: off here, to keep this fast.
    write(workspace, { '.migratelintrc.json': '{ "validate": { "trial": false } }' });
    const run = await runAction(workspace, { paths: 'db', 'fail-on': 'never', validate: 'true', annotations: 'false' }, { name: 'pull_request', baseRef: 'main' });
    expect(run.ran).toContain('validate');
    expect(run.stdout).toMatch(/lint .*3 migrations/);
    expect([run.failedStep, run.code]).toEqual(['Validate migrations', 1]);
    const without = await runAction(workspace, { paths: 'db', 'fail-on': 'never' }, { name: 'pull_request', baseRef: 'main' });
    expect([without.ran.includes('validate'), without.code]).toEqual([false, 0]);
  });

  it('comment: true posts the report as one comment on the pull request, edits it on the next push, and the lint verdict still fails the run', async () => {
    host.reset();
    const { workspace } = pullRequestCheckout();
    const pr = { name: 'pull_request', baseRef: 'main', pr: 7, env: hostEnv() };
    for (let push = 0; push < 2; push++) {
      const run = await runAction(workspace, { paths: 'db', comment: 'true', annotations: 'false' }, pr);
      expect(run.ran).toEqual(['npm-key', 'Install migratelint', 'lint', 'comment']);
      expect([run.failedStep, run.code]).toEqual(['Lint migrations', 1]);
      expect(run.stdout).toMatch(/^migratelint: (created|updated) comment 1000 on acme\/shop#7/m);
      // The same report as the job summary, from the same run.
      expect(run.summary).toContain(fs.readFileSync(run.outputs['markdown-file'], 'utf8'));
    }
    expect(host.calls.filter((c) => !c.startsWith('GET'))).toEqual(['POST /repos/acme/shop/issues/7/comments', 'PATCH /repos/acme/shop/issues/comments/1000']);
    expect(host.requests.at(-1)!.headers.authorization).toMatch(/ghs_runner_token$/);
    expect(host.comments).toHaveLength(1);
    expect(host.comments[0].body).toContain('](https://github.com/acme/shop/blob/abc123/db/002_b.up.sql#L1)');
    expect(host.comments[0].body).not.toMatch(/001_a|003_c/);

    // A fork's read-only token: a warning annotation, not a failed step.
    host.reset();
    host.failWith = { status: 403, message: 'Resource not accessible by integration' };
    const refused = await runAction(workspace, { paths: 'db', comment: 'true', 'fail-on': 'never' }, pr);
    expect([refused.code, refused.failedStep]).toEqual([0, undefined]);
    expect(refused.stdout).toMatch(/^::warning title=migratelint::no pull-request comment: .*403/m);
  });

  it('a base that cannot be fetched, and a bad input, fail the step with one annotation', async () => {
    const { workspace } = pullRequestCheckout();
    const missing = await runAction(workspace, { 'base-ref': 'origin/no-such-branch' }, { name: 'pull_request', baseRef: 'main' });
    expect([missing.code, missing.failedStep]).toEqual([2, 'Lint migrations']);
    expect(missing.stdout).toMatch(/^::error title=migratelint::cannot fetch origin\/no-such-branch.*fetch-depth: 0$/m);
    const bad = await runAction(workspace, { 'changed-only': 'sometimes' }, { name: 'pull_request' });
    expect(bad.stdout).toMatch(/^::error title=migratelint::the changed-only input must be auto, true or false/m);
    expect(bad.code).toBe(2);
  });

  it('documents every input and output it declares', async () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
    const undocumented = [...Object.keys(ACTION.inputs), ...Object.keys(ACTION.outputs)].filter((name) => !doc.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});

describe('the snippets in docs/ci.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
  const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

  it('every workflow that uses the action passes only inputs it declares', async () => {
    const uses = yamlBlocks
      .map((text) => YAML.parse(text))
      .flatMap((doc) => Object.values((doc?.jobs ?? {}) as Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>))
      .flatMap((job) => job.steps)
      .filter((step) => step.uses?.startsWith('migratelint/migratelint@'));
    expect(uses.length).toBeGreaterThan(0);
    for (const step of uses) expect(Object.keys(step.with ?? {}).filter((k) => !(k in ACTION.inputs))).toEqual([]);
  });

  it('the pre-commit config names the hook the manifest defines', async () => {
    const [manifest] = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
    const config = yamlBlocks.map((text) => YAML.parse(text)).find((d) => d?.repos);
    expect(config.repos[0].hooks.map((h: { id: string }) => h.id)).toEqual([manifest.id]);
  });
});
