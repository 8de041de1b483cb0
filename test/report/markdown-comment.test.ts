import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { MARKDOWN_MAX_LENGTH, PR_COMMENT_LIMIT, markdownReporter } from '../../src/report/markdown.js';
import { githubBlobUrl } from '../../src/report/links.js';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { FILE_CAFE, PROJECT, context, lintProject, manyDeletes, pinnedConfig, removeProject } from './fixtures.js';

const GITHUB_ENV = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: '0123abcd' };

describe('markdown for a pull-request comment', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => {
    removeProject(cwd);
    cleanupProjects();
  });

  it('fits one comment however many findings, and says how many it left out and how to see them', async () => {
    const many = await lintProject(manyDeletes(3_000));
    try {
      const out = markdownReporter(many.result, { ...context(many.cwd), markdown: { rerun: 'migratelint lint db/migrations' } });
      expect(out.length).toBeLessThanOrEqual(MARKDOWN_MAX_LENGTH);
      expect(MARKDOWN_MAX_LENGTH).toBeLessThan(PR_COMMENT_LIMIT);
      // The counts cover every finding, shown or not.
      expect(out).toContain('**❌ 3000 problems** (3000 errors, 0 warnings) in 1 file.');
      expect(out).toContain('| `no-delete-without-where` | 3000 | 0 |');
      const shown = out.split('\n').filter((l) => l.startsWith('| 🔴')).length;
      expect(shown).toBeGreaterThan(100);
      expect(out).toContain(`<summary>Show ${shown} of 3000 findings</summary>`);
      expect(out).toContain(
        `**${3000 - shown} more findings not shown** (a pull-request comment holds 65,536 characters): run \`migratelint lint db/migrations\` to see them all.`,
      );
      // Nearly full: rows are added while they fit.
      expect(out.length).toBeGreaterThan(MARKDOWN_MAX_LENGTH - 500);
    } finally {
      removeProject(many.cwd);
    }
  });

  it('lists the changed files’ findings first when it knows them', () => {
    const out = markdownReporter(result, { ...context(cwd), markdown: { changed: new Set([FILE_CAFE]) } });
    const lines = out.split('\n');
    const changed = lines.indexOf('#### In the changed files (1)');
    const other = lines.indexOf('#### In other files (3)');
    expect(changed).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(changed);
    const rows = lines.filter((l) => l.startsWith('| 🔴') || l.startsWith('| 🟡'));
    expect(rows[0]).toContain('ajout\\_café.sql:1');
    expect(rows).toHaveLength(4);
  });

  it('links to lines on GitHub when the Actions variables say where, relative links otherwise', () => {
    expect(githubBlobUrl(GITHUB_ENV)).toBe('https://github.com/acme/shop/blob/0123abcd/');
    expect(githubBlobUrl({ ...GITHUB_ENV, GITHUB_SHA: '' })).toBeUndefined();
    const absolute = markdownReporter(result, { ...context(cwd), markdown: { blobUrl: githubBlobUrl(GITHUB_ENV) } });
    expect(absolute).toContain('](https://github.com/acme/shop/blob/0123abcd/migrations/20240101120000_add_users_index.sql#L2)');
    expect(absolute).toContain('](https://github.com/acme/shop/blob/0123abcd/migrations/20240102120000_ajout_caf%C3%A9.sql#L1)');
    // From a sub-folder of the repository, the link names the file from the root.
    const sub = markdownReporter(result, { ...context(cwd), root: path.dirname(cwd), markdown: { blobUrl: githubBlobUrl(GITHUB_ENV) } });
    expect(sub).toContain(`](https://github.com/acme/shop/blob/0123abcd/${path.basename(cwd)}/migrations/20240101120000_add_users_index.sql#L2)`);
    expect(markdownReporter(result, context(cwd))).toContain('](migrations/20240101120000_add_users_index.sql#L2)');
  });

  it('through the CLI: absolute links from the environment, changed files first with --changed-since, the rerun command', async () => {
    const dir = tempProject({ ...pinnedConfig(), ...PROJECT });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'init');
    fs.appendFileSync(path.join(dir, FILE_CAFE), 'DELETE FROM café;\n');
    const run = await runCli(['lint', 'migrations', '--changed-since', 'HEAD', '-f', 'markdown'], { cwd: dir, env: GITHUB_ENV });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('#### In the changed files (2)');
    expect(run.stdout).toContain('](https://github.com/acme/shop/blob/0123abcd/migrations/20240102120000_ajout_caf%C3%A9.sql#L2)');
  });
});
