import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { FILE_CAFE, FILE_INDEX, PROJECT, PROJECT_FINDINGS, context, lintAwkward, lintProject, removeProject } from './fixtures.js';
import { ACCEPTED_WARNINGS, multitoolValidateAll, sarifValidator } from './sarif-validators.js';

describe('sarif reporter', () => {
  let cwd: string;
  let result: LintResult;
  let log: any;
  let awkward: LintResult;
  let withFix: { cwd: string; result: LintResult };
  let clean: { cwd: string; result: LintResult };
  /** What Microsoft's validator said of each log: one run of it for them all (it takes seconds to start). */
  let multitool: Record<'project' | 'broken' | 'awkward' | 'fixed', { ruleId: string; level: string; text: string }[]>;
  const validate = sarifValidator();
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
    log = JSON.parse(sarifReporter(result, context(cwd)));
    awkward = await lintAwkward();
    withFix = await lintProject({ 'migrations/20240108120000_events.sql': 'CREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL);\n' });
    clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    // A log GitHub would reject, to show the check can fail.
    const broken = JSON.parse(sarifReporter(result, context(cwd)));
    delete broken.runs[0].results[0].locations;
    multitool = multitoolValidateAll({
      project: sarifReporter(result, context(cwd)),
      broken: JSON.stringify(broken),
      awkward: sarifReporter(awkward, context('/repo')),
      fixed: sarifReporter(withFix.result, context(withFix.cwd)),
    });
  }, 60_000);
  afterAll(() => {
    for (const dir of [cwd, withFix?.cwd, clean?.cwd]) if (dir) removeProject(dir);
  });

  it('validates against the official SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('passes Microsoft’s SARIF validator with the GitHub Advanced Security rules', () => {
    const found = multitool.project;
    expect(found.filter((r) => r.level === 'error')).toEqual([]);
    expect(found.filter((r) => r.level === 'warning' && !ACCEPTED_WARNINGS.has(r.ruleId))).toEqual([]);
  });

  it('has a validator check that does catch a log GitHub would reject', () => {
    const errors = multitool.broken.filter((r) => r.level === 'error');
    // GH1015 is one of the GitHub Advanced Security rules: proof that "Ghas" was applied.
    expect(errors.map((r) => r.ruleId)).toContain('GH1015');
    expect(errors.every((r) => r.text.includes('runs[0].results[0]'))).toBe(true);
  });

  it('describes one run of migratelint with every rule, and one result per finding', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'migratelint', version: '1.2.3', semanticVersion: '1.2.3' });
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(result.rules.map((r) => r.id));
    expect(run.columnKind).toBe('utf16CodeUnits');
    // No absolute path of this machine unless asked (--sarif-srcroot): GitHub reads URIs from the repository root.
    expect(run.originalUriBaseIds).toBeUndefined();
    expect(JSON.stringify(log)).not.toContain('file://');

    expect(run.results).toHaveLength(PROJECT_FINDINGS.length);
    for (const [i, r] of run.results.entries()) {
      const f = PROJECT_FINDINGS[i];
      expect(r.ruleId).toBe(f.ruleId);
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(f.ruleId);
      expect(r.level).toBe(f.severity === 'error' ? 'error' : 'warning');
      expect(r.message.text).toBe(f.message);
      const { artifactLocation, region } = r.locations[0].physicalLocation;
      expect(artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(artifactLocation.uri.split('/').map(decodeURIComponent).join('/')).toBe(f.file);
      expect(run.artifacts[artifactLocation.index].location.uri).toBe(artifactLocation.uri);
      // SARIF's endColumn is exclusive, like the finding's.
      expect(region).toEqual({ startLine: f.range.start.line, startColumn: f.range.start.column, endLine: f.range.end.line, endColumn: f.range.end.column });
    }
    // Non-ASCII file names are percent-encoded URI references.
    expect(run.results[3].locations[0].physicalLocation.artifactLocation.uri).toBe('migrations/20240102120000_ajout_caf%C3%A9.sql');
  });

  it('lists every linted file as an artifact, clean ones too', () => {
    expect(log.runs[0].artifacts.map((a: { location: { uri: string } }) => decodeURIComponent(a.location.uri))).toEqual(result.files);
  });

  it('keeps partialFingerprints when blank lines are inserted above a finding', async () => {
    const shifted = {
      ...PROJECT,
      [FILE_INDEX]: '\n\n' + PROJECT[FILE_INDEX].replace('DELETE FROM users;', '\n\n\nDELETE FROM users;'),
      [FILE_CAFE]: '\n' + PROJECT[FILE_CAFE],
    };
    const moved = await lintProject(shifted);
    try {
      const again = JSON.parse(sarifReporter(moved.result, context(moved.cwd)));
      const lines = (l: any) => l.runs[0].results.map((r: any) => r.locations[0].physicalLocation.region.startLine);
      expect(lines(log)).toEqual([1, 2, 3, 1]);
      expect(lines(again)).toEqual([3, 4, 8, 2]);
      const prints = (l: any) => l.runs[0].results.map((r: any) => r.partialFingerprints);
      expect(prints(again)).toEqual(prints(log));
      for (const p of prints(log)) expect(Object.values(p)[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set(prints(log).map((p: object) => Object.values(p)[0])).size).toBe(PROJECT_FINDINGS.length);
    } finally {
      removeProject(moved.cwd);
    }
  });

  it('stays valid with awkward messages, file names and characters outside the BMP', () => {
    const text = sarifReporter(awkward, context('/repo'));
    const sarif = JSON.parse(text);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results;
    expect(results.map((r: any) => r.message.text)).toEqual(awkward.findings.map((f) => f.message));
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('migrations/20240104_odd%2C%20name%3A%20100%25.sql');
    // `TRUNCATE "😀" CASCADE`: the emoji is two UTF-16 code units, as columnKind says.
    expect(results[2].locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 1, endLine: 4, endColumn: 22 });
    expect(multitool.awkward.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('writes fixes that validate, and a clean run with no results', () => {
    {
      const fixed = JSON.parse(sarifReporter(withFix.result, context(withFix.cwd)));
      expect(validate(fixed), JSON.stringify(validate.errors)).toBe(true);
      expect(fixed.runs[0].results[0].fixes).toEqual([
        {
          description: { text: 'change json to jsonb' },
          artifactChanges: [
            {
              artifactLocation: { uri: 'migrations/20240108120000_events.sql', uriBaseId: '%SRCROOT%', index: 0 },
              replacements: [{ deletedRegion: { startLine: 1, startColumn: 53, endLine: 1, endColumn: 57 }, insertedContent: { text: 'jsonb' } }],
            },
          ],
        },
      ]);
      expect(multitool.fixed.filter((r) => r.level === 'error')).toEqual([]);

      const empty = JSON.parse(sarifReporter(clean.result, context(clean.cwd)));
      expect(validate(empty), JSON.stringify(validate.errors)).toBe(true);
      expect(empty.runs[0].results).toEqual([]);
    }
  });
});
