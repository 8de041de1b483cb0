/**
 * The 25,000-result cap GitHub code scanning sets per run. The cap itself (how many, which,
 * in what order, the notification, GitHub's other limits) is checked on a real capped log
 * of 26,010 findings written by the CLI. Microsoft's validator spends some milliseconds on
 * each result (over a minute on that log), so it checks a small log capped the same way by
 * the same writer at 50 results: what it judges is the shape of a capped run, not its size.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { context, lintOptions, pinnedConfig } from './fixtures.js';
import { multitoolValidate, sarifValidator } from './sarif-validators.js';

const ERRORS = 26_000;
const WARNINGS = 10;

/**
 * GitHub code scanning's documented hard limits (a SARIF file over any is rejected whole),
 * and the 10 MB its upload accepts gzip-compressed.
 */
const GITHUB = { runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, extensionsPerRun: 100, locationsPerResult: 1_000, tagsPerRule: 20, gzipBytes: 10 * 1024 * 1024 };

/** Warnings in the first file, errors in the second: the errors must win the places. */
function project(errors: number, warnings: number): Record<string, string> {
  return {
    'migrations/001_payloads.sql': Array.from({ length: warnings }, (_, i) => `CREATE TABLE p${i} (a json);\n`).join(''),
    'migrations/002_purge.sql': Array.from({ length: errors }, (_, i) => `DELETE FROM t${i};\n`).join(''),
  };
}

afterAll(cleanupProjects);

describe('SARIF capped for GitHub code scanning (26,010 findings, through the CLI)', () => {
  let sarif: string;
  let log: any;
  let code: number;
  beforeAll(async () => {
    const cwd = tempProject({ ...pinnedConfig(), ...project(ERRORS, WARNINGS) });
    const run = await runCli(['lint', 'migrations', '-f', 'sarif:out/report.sarif', '-f', 'compact:out/all.txt'], { cwd });
    code = run.code;
    sarif = fs.readFileSync(path.join(cwd, 'out/report.sarif'), 'utf8');
    log = JSON.parse(sarif);
    // The other report of the same run has them all.
    expect(fs.readFileSync(path.join(cwd, 'out/all.txt'), 'utf8').split('\n').filter(Boolean)).toHaveLength(ERRORS + WARNINGS);
  }, 60_000);

  it('keeps 25,000 results, the errors first, and says how many it left out and how to see them', () => {
    expect(code).toBe(1);
    const run = log.runs[0];
    expect(run.results).toHaveLength(25_000);
    expect(run.results.every((r: any) => r.level === 'error')).toBe(true);
    // File order within the severity: the first 25,000 DELETEs, in order.
    const lines = run.results.map((r: any) => r.locations[0].physicalLocation.region.startLine);
    expect(lines.every((line: number, i: number) => line === i + 1)).toBe(true);

    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes).toHaveLength(1);
    expect(notes[0].level).toBe('warning');
    expect(notes[0].message.text).toBe(
      '1,010 of 26,010 findings are not in this report: GitHub code scanning accepts at most 25,000 results per run, ' +
        'so the most severe were kept. Run `migratelint lint --format json` to see every finding.',
    );
    expect(run.tool.driver.notifications[notes[0].descriptor.index].id).toBe(notes[0].descriptor.id);
  });

  it("stays within GitHub's documented limits and the SARIF 2.1.0 schema", () => {
    expect(log.runs.length).toBeLessThanOrEqual(GITHUB.runs);
    for (const run of log.runs) {
      expect(run.results.length).toBeLessThanOrEqual(GITHUB.resultsPerRun);
      expect(run.tool.driver.rules.length).toBeLessThanOrEqual(GITHUB.rulesPerRun);
      expect((run.tool.extensions ?? []).length).toBeLessThanOrEqual(GITHUB.extensionsPerRun);
      for (const rule of run.tool.driver.rules) expect((rule.properties?.tags ?? []).length).toBeLessThanOrEqual(GITHUB.tagsPerRule);
      expect(Math.max(...run.results.map((r: any) => r.locations.length))).toBeLessThanOrEqual(GITHUB.locationsPerResult);
    }
    expect(zlib.gzipSync(sarif).length).toBeLessThan(GITHUB.gzipBytes);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});

describe('a capped run passes Microsoft’s validator with the GitHub rules', () => {
  it('capped at 50 by the same writer: the errors kept, the notification declared, no error or warning', async () => {
    const cwd = tempProject(project(60, 5));
    const result = await lint(['migrations'], lintOptions(cwd));
    expect(result.findings).toHaveLength(65);
    const sarif = sarifReporter(result, { ...context(cwd), sarif: { maxResults: 50 } });
    const run = JSON.parse(sarif).runs[0];
    expect(run.results).toHaveLength(50);
    expect(run.results.every((r: any) => r.level === 'error')).toBe(true);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(
      /^15 of 65 findings are not in this report: this report keeps at most 50 results per run, so the most severe were kept\./,
    );
    const found = multitoolValidate(sarif);
    expect(found.filter((r) => r.level === 'error' || r.level === 'warning')).toEqual([]);
  }, 60_000);

  it('keeps exactly the cap, and writes no notification when everything fits', async () => {
    const cwd = tempProject(project(3, 0));
    const result = await lint(['migrations'], lintOptions(cwd));
    const run = JSON.parse(sarifReporter(result, { ...context(cwd), sarif: { maxResults: 1 } })).runs[0];
    expect(run.results).toHaveLength(1);
    const uncapped = JSON.parse(sarifReporter(result, { ...context(cwd), sarif: { maxResults: 1e9 } })).runs[0];
    expect([uncapped.results.length, uncapped.invocations]).toEqual([3, undefined]);
  });
});
