import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
// CommonJS: module.exports is the Ajv class for JSON Schema draft-04.
const Ajv: typeof import('ajv-draft-04').default = require('ajv-draft-04');
const SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// RFC 3986 characters: anything else (spaces, non-ASCII) must be percent-encoded.
const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

/** The official SARIF 2.1.0 schema (draft-04), with the formats it uses checked for real. */
export function sarifValidator() {
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
export function multitoolValidate(sarif: string, options: { timeoutMs?: number } = {}): MultitoolResult[] {
  return multitoolValidateAll({ report: sarif }, options).report;
}

/**
 * Several logs in one run of the validator, each one's findings under its name: the
 * validator takes a few seconds to start, whatever it is given.
 */
export function multitoolValidateAll<K extends string>(logs: Record<K, string>, options: { timeoutMs?: number } = {}): Record<K, MultitoolResult[]> {
  const binary: string = require('@microsoft/sarif-multitool');
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-sarif-')));
  try {
    const names = Object.keys(logs) as K[];
    const inputs = names.map((name, i) => path.join(dir, `${i}.sarif`));
    const output = path.join(dir, 'validation.sarif');
    const policy = path.join(dir, 'policy.xml');
    names.forEach((name, i) => fs.writeFileSync(inputs[i], logs[name]));
    fs.writeFileSync(policy, OFFLINE_POLICY);
    // Its default skips (and so passes) a file over 10 MB: a capped run of 25,000 results is larger.
    const largest = Math.max(...names.map((name) => Buffer.byteLength(logs[name])));
    const maxKb = String(Math.ceil(largest / 1024) + 1024);
    execFileSync(binary, ['validate', ...inputs, '--rule-kind', 'Sarif;Ghas', '--config', policy, '--output', output, '--log', 'ForceOverwrite', '--max-file-size-in-kb', maxKb], {
      stdio: 'pipe',
      timeout: options.timeoutMs ?? 60_000,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    const log = JSON.parse(fs.readFileSync(output, 'utf8'));
    const run = log.runs[0];
    expect(run.invocations[0].executionSuccessful).toBe(true);
    // A skipped file is reported only as a configuration notification: it must not pass for a valid one.
    const skipped = (run.invocations[0].toolConfigurationNotifications ?? []).filter((n: { descriptor?: { id?: string } }) => n.descriptor?.id?.startsWith('WRN997'));
    expect(skipped).toEqual([]);
    const rules: { id: string; defaultConfiguration?: { level?: string }; messageStrings?: Record<string, { text: string }> }[] = run.tool.driver.rules ?? [];
    const found = Object.fromEntries(names.map((name) => [name, [] as MultitoolResult[]])) as Record<K, MultitoolResult[]>;
    // Each result names the file it is about: the input it was found in.
    const byUri = new Map(names.map((name, i) => [pathToFileURL(inputs[i]).href, name]));
    type Raw = { ruleId: string; ruleIndex: number; level?: string; message: { id?: string; text?: string; arguments?: string[] }; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] };
    for (const r of (run.results ?? []) as Raw[]) {
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      const name = byUri.get(uri);
      expect(name, `a validator result about ${uri}`).toBeDefined();
      const rule = rules[r.ruleIndex] ?? rules.find((x) => x.id === r.ruleId);
      const template = r.message.text ?? rule?.messageStrings?.[r.message.id ?? '']?.text ?? r.message.id ?? '';
      found[name!].push({
        ruleId: r.ruleId,
        level: r.level ?? rule?.defaultConfiguration?.level ?? 'warning',
        text: template.replace(/\{(\d+)\}/g, (_, n) => r.message.arguments?.[Number(n)] ?? ''),
      });
    }
    return found;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Warnings the validator gives today that we accept (see the report for each). None:
 * SARIF2004 ("artifacts contains only locations") went away when artifacts got roles.
 */
export const ACCEPTED_WARNINGS = new Set<string>([]);

