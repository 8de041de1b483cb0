import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { pinnedConfig } from './fixtures.js';
import { multitoolValidate, sarifValidator } from './sarif-validators.js';

const ERRORS = 26_000;
const WARNINGS = 10;

/**
 * GitHub code scanning's documented hard limits (a SARIF file over any is rejected whole),
 * and the 10 MB its upload accepts gzip-compressed.
 */
const GITHUB = { runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, extensionsPerRun: 100, locationsPerResult: 1_000, tagsPerRule: 20, gzipBytes: 10 * 1024 * 1024 };

describe('SARIF capped for GitHub code scanning', () => {
  let sarif: string;
  let log: any;
  let code: number;
  beforeAll(async () => {
    // Warnings in the first file, errors in the second: the errors must win the places.
    const cwd = tempProject({
      ...pinnedConfig(),
      'migrations/001_payloads.sql': Array.from({ length: WARNINGS }, (_, i) => `CREATE TABLE p${i} (a json);\n`).join(''),
      'migrations/002_purge.sql': Array.from({ length: ERRORS }, (_, i) => `DELETE FROM t${i};\n`).join(''),
    });
    const run = await runCli(['lint', 'migrations', '-f', 'sarif:out/report.sarif', '-f', 'compact:out/all.txt'], { cwd });
    code = run.code;
    sarif = fs.readFileSync(path.join(cwd, 'out/report.sarif'), 'utf8');
    log = JSON.parse(sarif);
    // The other report of the same run has them all.
    expect(fs.readFileSync(path.join(cwd, 'out/all.txt'), 'utf8').split('\n').filter(Boolean)).toHaveLength(ERRORS + WARNINGS);
  }, 120_000);
  afterAll(cleanupProjects);

  it('keeps 25,000 results, the errors first, and says how many it left out and how to see them', () => {
    expect(code).toBe(1);
    const run = log.runs[0];
    expect(run.results).toHaveLength(25_000);
    expect(run.results.every((r: any) => r.level === 'error')).toBe(true);
    // File order within the severity: the first 25,000 DELETEs, in order.
    expect(run.results[0].locations[0].physicalLocation.region.startLine).toBe(1);
    expect(run.results[24_999].locations[0].physicalLocation.region.startLine).toBe(25_000);

    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes).toHaveLength(1);
    expect(notes[0].level).toBe('warning');
    expect(notes[0].message.text).toBe(
      '1,010 of 26,010 findings are not in this report: GitHub code scanning accepts at most 25,000 results per run, ' +
        'so the most severe were kept. Run `migratelint lint --format json` to see every finding.',
    );
    expect(run.tool.driver.notifications[notes[0].descriptor.index].id).toBe(notes[0].descriptor.id);
  });

  it("stays within GitHub's documented limits", () => {
    expect(log.runs.length).toBeLessThanOrEqual(GITHUB.runs);
    for (const run of log.runs) {
      expect(run.results.length).toBeLessThanOrEqual(GITHUB.resultsPerRun);
      expect(run.tool.driver.rules.length).toBeLessThanOrEqual(GITHUB.rulesPerRun);
      expect((run.tool.extensions ?? []).length).toBeLessThanOrEqual(GITHUB.extensionsPerRun);
      for (const rule of run.tool.driver.rules) expect((rule.properties?.tags ?? []).length).toBeLessThanOrEqual(GITHUB.tagsPerRule);
      expect(Math.max(...run.results.map((r: any) => r.locations.length))).toBeLessThanOrEqual(GITHUB.locationsPerResult);
    }
    expect(zlib.gzipSync(sarif).length).toBeLessThan(GITHUB.gzipBytes);
  });

  it('is valid SARIF 2.1.0 and passes Microsoft’s validator with the GitHub rules', () => {
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // The validator spends some milliseconds on each of the 25,000 results.
    const found = multitoolValidate(sarif, { timeoutMs: 280_000 });
    expect(found.filter((r) => r.level === 'error' || r.level === 'warning')).toEqual([]);
  }, 300_000);
});
