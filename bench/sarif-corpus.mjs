#!/usr/bin/env node
// The SARIF of whole real repositories, as GitHub code scanning would receive it: lints each
// folder once (from inside it, as a workflow does from the checkout) writing SARIF and a
// compact report of every finding, then checks the SARIF against GitHub's documented
// limits and Microsoft's validator with the GitHub rules (Sarif;Ghas). The validator takes
// a minute or more on a capped 25,000-result log; this is why it is a bench, not a test.
//
//   npm run build && node bench/sarif-corpus.mjs [--bin path/to/migratelint.js] [--no-validate] folder...
//
// Prints one line per folder and a JSON summary; exits 1 when a log breaks a limit or the
// validator reports an error or a warning.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const take = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const bin = path.resolve(take('--bin') ?? path.join(root, 'bin/migratelint.js'));
const validate = !args.includes('--no-validate');
const folders = args.filter((a) => a !== '--no-validate');
if (!folders.length) {
  console.error('usage: node bench/sarif-corpus.mjs [--bin file] [--no-validate] folder...');
  process.exit(2);
}

/** GitHub code scanning's documented limits for one upload (a file over any is rejected). */
const GITHUB = { runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, locationsPerResult: 1_000, tagsPerRule: 20, gzipBytes: 10 * 1024 * 1024 };

// SARIF2006 fetches every URI in the log over HTTP: off, as in the test suite.
const POLICY = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />
  </Properties>
</Properties>
`;

/** Microsoft's validator, its binary called directly (the npm shim's shell would cut "Sarif;Ghas" at the `;`). */
function multitool(file, scratch) {
  const binary = require('@microsoft/sarif-multitool');
  const policy = path.join(scratch, 'policy.xml');
  const output = path.join(scratch, 'validation.sarif');
  fs.writeFileSync(policy, POLICY);
  const maxKb = String(Math.ceil(fs.statSync(file).size / 1024) + 1024);
  const start = Date.now();
  const run = spawnSync(binary, ['validate', file, '--rule-kind', 'Sarif;Ghas', '--config', policy, '--output', output, '--log', 'ForceOverwrite', '--max-file-size-in-kb', maxKb], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  const seconds = (Date.now() - start) / 1000;
  if (!fs.existsSync(output)) return { seconds, failed: `the validator wrote no log (exit ${run.status}): ${run.stderr || run.stdout}` };
  const log = JSON.parse(fs.readFileSync(output, 'utf8')).runs[0];
  const skipped = (log.invocations?.[0]?.toolConfigurationNotifications ?? []).filter((n) => n.descriptor?.id?.startsWith('WRN997'));
  if (skipped.length) return { seconds, failed: 'the validator skipped the file' };
  const rules = log.tool.driver.rules ?? [];
  const byLevel = { error: [], warning: [], note: [] };
  for (const r of log.results ?? []) {
    const level = r.level ?? rules[r.ruleIndex]?.defaultConfiguration?.level ?? 'warning';
    (byLevel[level] ??= []).push(r.ruleId);
  }
  return { seconds, errors: byLevel.error, warnings: byLevel.warning, notes: byLevel.note.length };
}

const rows = [];
let failed = false;
for (const folder of folders) {
  const cwd = path.resolve(folder);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-sarif-bench-'));
  const sarifFile = path.join(scratch, 'report.sarif');
  const compactFile = path.join(scratch, 'all.txt');
  const start = Date.now();
  const lint = spawnSync(process.execPath, [bin, 'lint', '.', '-f', `sarif:${sarifFile}`, '-f', `compact:${compactFile}`], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const lintSeconds = (Date.now() - start) / 1000;
  if (lint.status !== 0 && lint.status !== 1) {
    console.log(`${folder}: lint exited ${lint.status}: ${lint.stderr.trim()}`);
    failed = true;
    continue;
  }
  const text = fs.readFileSync(sarifFile, 'utf8');
  const log = JSON.parse(text);
  const run = log.runs[0];
  const findings = fs.readFileSync(compactFile, 'utf8').split('\n').filter(Boolean).length;
  const limits = [];
  if (log.runs.length > GITHUB.runs) limits.push(`${log.runs.length} runs`);
  if (run.results.length > GITHUB.resultsPerRun) limits.push(`${run.results.length} results`);
  if (run.tool.driver.rules.length > GITHUB.rulesPerRun) limits.push(`${run.tool.driver.rules.length} rules`);
  if (run.results.some((r) => r.locations.length > GITHUB.locationsPerResult)) limits.push('a result with too many locations');
  if (run.tool.driver.rules.some((r) => (r.properties?.tags ?? []).length > GITHUB.tagsPerRule)) limits.push('a rule with too many tags');
  const gzipBytes = zlib.gzipSync(text).length;
  if (gzipBytes > GITHUB.gzipBytes) limits.push(`${gzipBytes} bytes gzipped`);
  if (text.includes('file://')) limits.push('an absolute file: URI');
  if (/"uri": "\.\.\//.test(text)) limits.push('a ../ URI');
  const capped = run.invocations?.[0]?.toolExecutionNotifications?.find((n) => n.descriptor?.id === 'results-capped');
  const verdict = validate ? multitool(sarifFile, scratch) : undefined;
  const row = {
    folder,
    lintSeconds,
    findings,
    results: run.results.length,
    errors: run.results.filter((r) => r.level === 'error').length,
    artifacts: run.artifacts.length,
    bytes: Buffer.byteLength(text),
    gzipBytes,
    capped: capped?.message.text ?? null,
    limits,
    validator: verdict,
  };
  rows.push(row);
  const bad = limits.length > 0 || (verdict && (verdict.failed || verdict.errors.length || verdict.warnings.length));
  if (bad) failed = true;
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const said = !verdict
    ? 'not validated'
    : verdict.failed
      ? `validator failed: ${verdict.failed}`
      : `validator (${verdict.seconds.toFixed(0)} s): ${verdict.errors.length} errors, ${verdict.warnings.length} warnings, ${verdict.notes} notes` +
        (verdict.errors.length + verdict.warnings.length ? ` [${[...new Set([...verdict.errors, ...verdict.warnings])].join(', ')}]` : '');
  console.log(
    `${folder}: ${findings} findings in ${lintSeconds.toFixed(1)} s -> ${row.results} results (${row.errors} errors), ${row.artifacts} artifacts, ` +
      `${mb(row.bytes)} (${mb(gzipBytes)} gzipped); limits: ${limits.length ? limits.join(', ') : 'ok'}; ${said}`,
  );
  fs.rmSync(scratch, { recursive: true, force: true });
}
console.log(JSON.stringify(rows, null, 2));
process.exit(failed ? 1 : 0);
