import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { FILE_CAFE, FILE_INDEX, PROJECT, PROJECT_FINDINGS, context, lintAwkward, lintProject, removeProject } from './fixtures.js';

const require = createRequire(import.meta.url);
// CommonJS: module.exports is the Ajv class for JSON Schema draft-04.
const Ajv: typeof import('ajv-draft-04').default = require('ajv-draft-04');
const SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// RFC 3986 characters: anything else (spaces, non-ASCII) must be percent-encoded.
const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

/** The official SARIF 2.1.0 schema (draft-04), with the formats it uses checked for real. */
function sarifValidator() {
  // unicodeRegExp off: the schema's language pattern has a stray `]` that only the u flag rejects.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && URI_CHARS.test(s));
  ajv.addFormat('uri-reference', (s: string) => URI_CHARS.test(s));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(s));
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
}

/**
 * Validator policy: SARIF2006 (a note-level rule) fetches every URI in the log over
 * HTTP to see that it answers; that makes a run slow and depends on the network,
 * and says nothing about the file's correctness.
 */
const OFFLINE_POLICY = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />
  </Properties>
</Properties>
`;

interface MultitoolResult {
  ruleId: string;
  level: string;
  text: string;
}

/**
 * Runs Microsoft's SARIF validator with its SARIF and GitHub Advanced Security rules
 * and returns what it reported. The native binary is called directly: the npm shim
 * in node_modules/.bin goes through a shell, which would cut "Sarif;Ghas" at the `;`
 * and silently drop the GitHub rules. It exits 0 even when it finds errors, so its
 * output log is read instead.
 */
function multitoolValidate(sarif: string): MultitoolResult[] {
  const binary: string = require('@microsoft/sarif-multitool');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-sarif-'));
  try {
    const input = path.join(dir, 'report.sarif');
    const output = path.join(dir, 'validation.sarif');
    const policy = path.join(dir, 'policy.xml');
    fs.writeFileSync(input, sarif);
    fs.writeFileSync(policy, OFFLINE_POLICY);
    execFileSync(binary, ['validate', input, '--rule-kind', 'Sarif;Ghas', '--config', policy, '--output', output, '--log', 'ForceOverwrite'], {
      stdio: 'pipe',
      timeout: 60_000,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    const log = JSON.parse(fs.readFileSync(output, 'utf8'));
    const run = log.runs[0];
    expect(run.invocations[0].executionSuccessful).toBe(true);
    const rules: { id: string; defaultConfiguration?: { level?: string }; messageStrings?: Record<string, { text: string }> }[] = run.tool.driver.rules ?? [];
    return (run.results ?? []).map((r: { ruleId: string; ruleIndex: number; level?: string; message: { id?: string; text?: string; arguments?: string[] } }) => {
      const rule = rules[r.ruleIndex] ?? rules.find((x) => x.id === r.ruleId);
      const template = r.message.text ?? rule?.messageStrings?.[r.message.id ?? '']?.text ?? r.message.id ?? '';
      return {
        ruleId: r.ruleId,
        level: r.level ?? rule?.defaultConfiguration?.level ?? 'warning',
        text: template.replace(/\{(\d+)\}/g, (_, n) => r.message.arguments?.[Number(n)] ?? ''),
      };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Warnings the validator gives today that we accept (see the report for each). */
const ACCEPTED_WARNINGS = new Set([
  // "artifacts contains only locations": kept so a run records every file it analysed.
  'SARIF2004',
]);

describe('sarif reporter', () => {
  let cwd: string;
  let result: LintResult;
  let log: any;
  const validate = sarifValidator();
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
    log = JSON.parse(sarifReporter(result, context(cwd)));
  });
  afterAll(() => removeProject(cwd));

  it('validates against the official SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('passes Microsoft’s SARIF validator with the GitHub Advanced Security rules', () => {
    const found = multitoolValidate(sarifReporter(result, context(cwd)));
    expect(found.filter((r) => r.level === 'error')).toEqual([]);
    expect(found.filter((r) => r.level === 'warning' && !ACCEPTED_WARNINGS.has(r.ruleId))).toEqual([]);
  });

  it('has a validator check that does catch a log GitHub would reject', () => {
    const broken = JSON.parse(sarifReporter(result, context(cwd)));
    delete broken.runs[0].results[0].locations;
    const errors = multitoolValidate(JSON.stringify(broken)).filter((r) => r.level === 'error');
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
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(pathToFileURL(cwd + path.sep).href);

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

  it('stays valid with awkward messages, file names and characters outside the BMP', async () => {
    const awkward = await lintAwkward();
    const text = sarifReporter(awkward, context('/repo'));
    const sarif = JSON.parse(text);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results;
    expect(results.map((r: any) => r.message.text)).toEqual(awkward.findings.map((f) => f.message));
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('migrations/20240104_odd%2C%20name%3A%20100%25.sql');
    // `TRUNCATE "😀" CASCADE`: the emoji is two UTF-16 code units, as columnKind says.
    expect(results[2].locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 1, endLine: 4, endColumn: 22 });
    const found = multitoolValidate(text);
    expect(found.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('writes fixes that validate, and a clean run with no results', async () => {
    const withFix = await lintProject({ 'migrations/20240108120000_events.sql': 'CREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL);\n' });
    const clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    try {
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
      expect(multitoolValidate(JSON.stringify(fixed)).filter((r) => r.level === 'error')).toEqual([]);

      const empty = JSON.parse(sarifReporter(clean.result, context(clean.cwd)));
      expect(validate(empty), JSON.stringify(validate.errors)).toBe(true);
      expect(empty.runs[0].results).toEqual([]);
    } finally {
      removeProject(withFix.cwd);
      removeProject(clean.cwd);
    }
  });
});
