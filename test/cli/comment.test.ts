import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { FakeHost } from '../helpers/fake-code-host.js';

const TOKEN = 'ghs_secret_token_value_123';

const host = new FakeHost();
let api: string;
beforeAll(async () => {
  api = await host.start();
});
afterAll(() => host.stop());
beforeEach(() => host.reset());
afterEach(cleanupProjects);

const PROJECT = { 'db/001_a.sql': 'DELETE FROM t;\n', 'db/002_b.sql': 'CREATE TABLE ok (id bigint);\n' };

function githubEnv(cwd: string, pr = 7): NodeJS.ProcessEnv {
  const event = path.join(cwd, 'event.json');
  fs.writeFileSync(event, JSON.stringify({ action: 'synchronize', pull_request: { number: pr } }));
  return { GITHUB_ACTIONS: 'true', GITHUB_API_URL: api, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_PATH: event, GITHUB_TOKEN: TOKEN };
}

describe('migratelint comment on GitHub', () => {
  it('creates one comment with the marker and the lint report, then updates that same comment', async () => {
    const cwd = tempProject(PROJECT);
    const env = githubEnv(cwd);
    const first = await runCli(['comment', 'db'], { cwd, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('migratelint: created comment 1000 on acme/shop#7 (https://github.com/acme/shop/pull/7#issuecomment-1000)\n');
    expect(host.calls).toEqual(['GET /repos/acme/shop/issues/7/comments?per_page=100', 'POST /repos/acme/shop/issues/7/comments']);
    const post = host.requests[1];
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers.accept).toBe('application/vnd.github+json');
    expect(post.body!.body.startsWith('<!-- migratelint -->\n<!-- migratelint-report -->\n### migratelint')).toBe(true);
    expect(post.body!.body).toContain('DELETE FROM t has no WHERE clause');

    // Someone else's comments stay; a fix is pushed; the same comment is edited.
    host.comments.unshift({ id: 5, body: 'LGTM' }, { id: 6, body: '> <!-- migratelint -->\nquoted' });
    fs.writeFileSync(path.join(cwd, 'db/001_a.sql'), 'DELETE FROM t WHERE id = 1;\n');
    host.requests = [];
    const second = await runCli(['comment', 'db'], { cwd, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^migratelint: updated comment 1000 on acme\/shop#7/);
    expect(host.calls).toEqual(['GET /repos/acme/shop/issues/7/comments?per_page=100', 'PATCH /repos/acme/shop/issues/comments/1000']);
    expect(host.comments).toHaveLength(3);
    expect(host.comments[2].body).toContain('No problems');
  });

  it('reads every page of comments to find its own', async () => {
    const cwd = tempProject(PROJECT);
    host.pageSize = 2;
    host.comments = [
      { id: 1, body: 'a' },
      { id: 2, body: 'b' },
      { id: 3, body: 'c' },
      { id: 4, body: '<!-- migratelint -->\nold report' },
      { id: 5, body: 'e' },
    ];
    const run = await runCli(['comment', '--body', 'report.md'], { cwd: writeFile(cwd, 'report.md', 'hello\n'), env: githubEnv(cwd) });
    expect(run.stderr).toBe('');
    expect(host.calls).toEqual([
      'GET /repos/acme/shop/issues/7/comments?per_page=100',
      'GET /repos/acme/shop/issues/7/comments?per_page=2&page=2',
      'PATCH /repos/acme/shop/issues/comments/4',
    ]);
    expect(host.comments[3].body).toBe('<!-- migratelint -->\nhello\n');
  });

  it('keeps comments with different markers apart, and takes the number from --pr', async () => {
    const cwd = writeFile(tempProject(PROJECT), 'v.md', 'validate says\n');
    host.comments = [{ id: 1, body: '<!-- migratelint -->\nlint report' }];
    const run = await runCli(['comment', '--body', 'v.md', '--marker', 'validate', '--pr', '9'], { cwd, env: githubEnv(cwd) });
    expect(run.code).toBe(0);
    expect(host.calls).toEqual(['GET /repos/acme/shop/issues/9/comments?per_page=100', 'POST /repos/acme/shop/issues/9/comments']);
    expect(host.comments[1].body).toBe('<!-- migratelint:validate -->\nvalidate says\n');
  });

  it('cuts a body longer than a comment holds, at a line, and says so', async () => {
    const cwd = writeFile(tempProject(PROJECT), 'big.md', 'x'.repeat(99) + '\n'.repeat(1) + ('y'.repeat(99) + '\n').repeat(1000));
    const run = await runCli(['comment', '--body', 'big.md'], { cwd, env: githubEnv(cwd) });
    expect(run.code).toBe(0);
    const body = host.requests[1].body!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/cut here: the report is longer than a comment can hold/);
  });

  it.each([
    [401, 'Bad credentials', /^migratelint: GitHub acme\/shop#7: listing comments: 401 Unauthorized: the token was refused/],
    [403, 'Resource not accessible by integration', /^migratelint: GitHub acme\/shop#7: listing comments: 403 Forbidden: the token may not do this .*\(server: Resource not accessible by integration \(\*\*\*\)\)$/],
    [404, 'Not Found', /^migratelint: GitHub acme\/shop#7: listing comments: 404 Not Found: not found/],
  ])('answers %i with one line and exit 2, never the token', async (status, message, line) => {
    const cwd = tempProject(PROJECT);
    host.failWith = { status, message: `${message} (${TOKEN})` };
    const run = await runCli(['comment', 'db'], { cwd, env: githubEnv(cwd) });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(line);
    expect(run.stderr + run.stdout).not.toContain(TOKEN);
  });

  it('says what is missing before linting: token, pull request, environment', async () => {
    const cwd = tempProject(PROJECT);
    const env = githubEnv(cwd);
    const noToken = await runCli(['comment', 'db'], { cwd, env: { ...env, GITHUB_TOKEN: '' } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/^migratelint: GITHUB_TOKEN is not set/);
    const push = path.join(cwd, 'push.json');
    fs.writeFileSync(push, JSON.stringify({ ref: 'refs/heads/main' }));
    const notPr = await runCli(['comment', 'db'], { cwd, env: { ...env, GITHUB_EVENT_PATH: push } });
    expect(notPr.stderr).toMatch(/no pull request: .*pass --pr N/);
    const nowhere = await runCli(['comment', 'db'], { cwd, env: {} });
    expect(nowhere.stderr).toMatch(/no GitHub Actions or GitLab CI environment found/);
    const format = await runCli(['comment', 'db', '-f', 'json'], { cwd, env });
    expect(format.stderr).toMatch(/comment writes the markdown report itself: -f is for `migratelint lint`/);
    expect(host.requests).toEqual([]);
  });

  it('prints its help', async () => {
    const run = await runCli(['comment', '--help'], { cwd: tempProject({}) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: migratelint comment/);
  });
});

describe('migratelint comment on GitLab', () => {
  const gitlabEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    GITLAB_CI: 'true',
    CI_API_V4_URL: `${api}/api/v4`,
    CI_PROJECT_ID: '42',
    CI_MERGE_REQUEST_IID: '5',
    ...extra,
  });

  it('adds a note with a project token, then edits it, reading every page', async () => {
    const cwd = tempProject(PROJECT);
    const env = gitlabEnv({ GITLAB_TOKEN: TOKEN, CI_JOB_TOKEN: 'job' });
    const first = await runCli(['comment', 'db'], { cwd, env });
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('migratelint: created comment 1000 on 42!5\n');
    expect(host.calls).toEqual([
      'GET /api/v4/projects/42/merge_requests/5/notes?per_page=100&sort=asc&order_by=created_at&page=1',
      'POST /api/v4/projects/42/merge_requests/5/notes',
    ]);
    expect(host.requests[1].headers['private-token']).toBe(TOKEN);
    expect(host.requests[1].body!.body).toMatch(/^<!-- migratelint -->\n<!-- migratelint-report -->/);

    host.pageSize = 1;
    host.comments.unshift({ id: 1, body: '<!-- migratelint -->\nadded 1 commit', system: true }, { id: 2, body: 'review' });
    host.requests = [];
    const second = await runCli(['comment', 'db'], { cwd, env });
    expect(second.stdout).toBe('migratelint: updated comment 1000 on 42!5\n');
    expect(host.calls.map((c) => c.replace(/\?.*page=(\d+)$/, '?page=$1'))).toEqual([
      'GET /api/v4/projects/42/merge_requests/5/notes?page=1',
      'GET /api/v4/projects/42/merge_requests/5/notes?page=2',
      'GET /api/v4/projects/42/merge_requests/5/notes?page=3',
      'PUT /api/v4/projects/42/merge_requests/5/notes/1000',
    ]);
  });

  it('uses the job token when no other is given, and explains a refusal in one line', async () => {
    const cwd = tempProject(PROJECT);
    const run = await runCli(['comment', 'db'], { cwd, env: gitlabEnv({ CI_JOB_TOKEN: TOKEN }) });
    expect(run.code).toBe(0);
    expect(host.requests[0].headers['job-token']).toBe(TOKEN);

    host.failWith = { status: 403, message: '403 Forbidden' };
    const refused = await runCli(['comment', 'db'], { cwd, env: gitlabEnv({ CI_JOB_TOKEN: TOKEN }) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^migratelint: GitLab 42!5: listing notes: 403 Forbidden: the token may not do this/);
    expect(refused.stderr).not.toContain(TOKEN);
    const noMr = await runCli(['comment', 'db'], { cwd, env: gitlabEnv({ CI_JOB_TOKEN: TOKEN, CI_MERGE_REQUEST_IID: '' }) });
    expect(noMr.stderr).toMatch(/no merge request: CI_MERGE_REQUEST_IID is not set/);
  });
});

function writeFile(dir: string, name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
