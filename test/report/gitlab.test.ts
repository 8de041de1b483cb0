import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { gitlabReporter } from '../../src/report/gitlab.js';
import { fingerprints } from '../../src/report/fingerprint.js';
import { FILE_CAFE, FILE_INDEX, PROJECT, context, lintAwkward, lintProject, removeProject } from './fixtures.js';

const SEVERITIES = ['info', 'minor', 'major', 'critical', 'blocker'];

describe('gitlab reporter', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('writes a Code Quality array: one issue per finding with the fields GitLab reads', () => {
    const out = gitlabReporter(result, context(cwd));
    expect(out.charCodeAt(0)).not.toBe(0xfeff); // GitLab rejects a byte order mark
    const prints = fingerprints(result.findings, result.migrations);
    expect(JSON.parse(out)).toEqual([
      {
        type: 'issue',
        check_name: 'unused-disable',
        description: 'migratelint-disable-next-line for "no-truncate-cascade" suppresses nothing here; remove it',
        categories: ['Bug Risk'],
        fingerprint: prints[0],
        severity: 'minor',
        location: { path: FILE_INDEX, lines: { begin: 1 } },
      },
      {
        type: 'issue',
        check_name: 'require-concurrent-index',
        description: 'CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
        categories: ['Bug Risk'],
        fingerprint: prints[1],
        severity: 'critical',
        location: { path: FILE_INDEX, lines: { begin: 2 } },
      },
      {
        type: 'issue',
        check_name: 'no-delete-without-where',
        description: 'DELETE FROM users has no WHERE clause: it removes every row',
        categories: ['Bug Risk'],
        fingerprint: prints[2],
        severity: 'critical',
        location: { path: FILE_INDEX, lines: { begin: 3 } },
      },
      {
        type: 'issue',
        check_name: 'no-not-null-without-default',
        description: 'column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows',
        categories: ['Bug Risk'],
        fingerprint: prints[3],
        severity: 'critical',
        location: { path: FILE_CAFE, lines: { begin: 1 } },
      },
    ]);
  });

  it('gives unique fingerprints that survive lines moving', async () => {
    const issues = JSON.parse(gitlabReporter(result, context(cwd)));
    const prints = issues.map((i: { fingerprint: string }) => i.fingerprint);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(prints).size).toBe(prints.length);

    const shifted = { ...PROJECT, [FILE_INDEX]: '\n\n\n' + PROJECT[FILE_INDEX] };
    const moved = await lintProject(shifted);
    try {
      const again = JSON.parse(gitlabReporter(moved.result, context(moved.cwd)));
      expect(again.map((i: { location: { lines: { begin: number } } }) => i.location.lines.begin)).toEqual([4, 5, 6, 1]);
      expect(again.map((i: { fingerprint: string }) => i.fingerprint)).toEqual(prints);
    } finally {
      removeProject(moved.cwd);
    }
  });

  it('keeps messages and paths intact, and gives a multi-line finding its last line', async () => {
    const awkward = await lintAwkward();
    const issues = JSON.parse(gitlabReporter(awkward, context('/repo')));
    expect(issues.map((i: { description: string }) => i.description)).toEqual(awkward.findings.map((f) => f.message));
    for (const issue of issues) {
      expect(issue.location.path).toBe('migrations/20240104_odd, name: 100%.sql');
      expect(SEVERITIES).toContain(issue.severity);
      expect(Object.keys(issue).sort()).toEqual(['categories', 'check_name', 'description', 'fingerprint', 'location', 'severity', 'type']);
    }
    expect(issues[1].location.lines).toEqual({ begin: 2, end: 3 });
  });

  it('writes an empty array for a clean run', async () => {
    const clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    try {
      expect(gitlabReporter(clean.result, context(clean.cwd))).toBe('[]\n');
    } finally {
      removeProject(clean.cwd);
    }
  });
});
