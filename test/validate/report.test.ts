/**
 * Validate's output formats, rendered from one run over the broken fixture repository
 * (plus a lint error, and a --db that cannot be read so a finding has no file).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate, type ValidateResult } from '../../src/validate/index.js';
import { validateJsonReporter, validateMarkdownReporter, validateReporters, validateSarifReporter, validateTextReporter } from '../../src/validate/report.js';
import { VALIDATE_RULES } from '../../src/validate/rules.js';
import { fingerprints } from '../../src/report/fingerprint.js';
import type { ReportContext } from '../../src/report/context.js';
import { BROKEN, cleanup, copyOf } from './helpers.js';

const require = createRequire(import.meta.url);
const Ajv: typeof import('ajv-draft-04').default = require('ajv-draft-04');
const SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

let cwd: string;
let result: ValidateResult;
let ctx: ReportContext;

beforeAll(async () => {
  cwd = copyOf(BROKEN);
  fs.writeFileSync(path.join(cwd, 'migrations/000006_index_orders.up.sql'), 'CREATE INDEX orders_user_idx ON orders (user_id);\n');
  fs.writeFileSync(path.join(cwd, 'migrations/000006_index_orders.down.sql'), 'DROP INDEX CONCURRENTLY orders_user_idx;\n');
  result = await validate({ cwd, paths: ['migrations', 'alembic'], db: 'pglite:no-such-db' });
  ctx = { cwd, toolVersion: '9.9.9', color: false };
}, 120_000);
afterAll(cleanup);

describe('validate reports', () => {
  it('text: one line per check, findings under it, the verdict last', () => {
    const text = validateTextReporter(result, ctx);
    const lines = text.split('\n');
    expect(lines.filter((l) => /^[✔✖-] /.test(l)).slice(0, 5).map((l) => l.replace(/ {2,}.*/, ''))).toEqual(['✖ lint', '✖ sequence', '✔ reversibility', '✖ trial run', '✖ drift']);
    expect(text).toContain('    migrations/000006_index_orders.up.sql:1:1  error  ');
    expect(text).toContain('  require-concurrent-index\n');
    expect(text).toContain('    error  cannot read pglite:no-such-db: no database at pglite:no-such-db  validate/drift-unreachable\n');
    expect(text).toContain('        hint: alembic merge -m "merge heads" d4e5f6a7b8c9 e5f6a7b8c9d0\n');
    expect(text).toContain('        before the up:\n          table users (\n');
    // The second 000004 is left out of the plan: the trial says so under its line.
    expect(text).toContain(
      '    not tried (up: two migrations have the id 000004: migrations/000004_add_orders_status.up.sql and migrations/000004_add_users_phone.up.sql): 000004_add_users_phone\n',
    );
    expect(lines[lines.length - 2]).toMatch(/^✖ validate failed: 4 of 5 checks failed \(lint, sequence, trial, drift\); 7 errors, 0 warnings, [\d.]+ s$/);
    expect(text).not.toContain('\x1b[');
    expect(validateTextReporter(result, { ...ctx, color: true })).toContain('\x1b[');
  });

  it('json: the documented shape', () => {
    const out = JSON.parse(validateJsonReporter(result, ctx));
    expect(Object.keys(out)).toEqual(['tool', 'command', 'ok', 'summary', 'target', 'durationMs', 'checks', 'migrations']);
    expect(out.tool).toEqual({ name: 'migratelint', version: '9.9.9' });
    expect(out.summary).toEqual({ checks: 5, passed: 1, partial: 0, failed: 4, skipped: 0, errors: 7, warnings: 0, migrations: 10 });
    expect(out.target).toBe('pglite:no-such-db');
    const lint = out.checks[0];
    expect(lint).toMatchObject({ id: 'lint', status: 'failed' });
    expect(lint.findings[0]).toEqual({
      ruleId: 'require-concurrent-index',
      severity: 'error',
      message: expect.any(String),
      file: 'migrations/000006_index_orders.up.sql',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: expect.any(Number),
      details: [],
      hint: expect.stringMatching(/^fix: /),
    });
    const drift = out.checks[4].findings[0];
    expect(drift).toMatchObject({ ruleId: 'validate/drift-unreachable', file: null, line: null, column: null });
    expect(out.migrations[0]).toEqual({
      path: 'alembic/versions/c3d4e5f6a7b8_create_projects.py',
      files: ['alembic/versions/c3d4e5f6a7b8_create_projects.py'],
      format: 'alembic',
      version: 'c3d4e5f6a7b8',
      name: 'create_projects',
      up: 'present',
      down: 'present',
    });
  });

  it('markdown: a table of checks, then the findings of each with details folded', () => {
    const md = validateMarkdownReporter(result, ctx);
    expect(md.startsWith('<!-- migratelint-validate-report -->\n### migratelint validate: ❌ failed\n')).toBe(true);
    expect(md).toContain('| Check | Result | Summary |');
    expect(md).toContain('| reversibility | ✅ passed | 10 migrations with downs, all usable |');
    expect(md).toContain(
      '- 🔴 **error** [migrations/000003\\_add\\_users\\_tenant.down.sql:2](migrations/000003_add_users_tenant.down.sql#L2): down of 000003\\_add\\_users\\_tenant leaves column users.tenant\\_id behind `validate/trial-down-leaves-schema`',
    );
    expect(md).toContain('  <details><summary>details</summary>\n\n  ```text\n  before the up:\n    table users (\n');
    expect(md).toContain('- 🔴 **error**: cannot read pglite:no-such-db: no database at pglite:no-such-db `validate/drift-unreachable`');
    expect(md).toContain('- not tried (up: two migrations have the id 000004: migrations/000004\\_add\\_orders\\_status.up.sql and migrations/000004\\_add\\_users\\_phone.up.sql): `000004_add_users_phone`');
    expect(md.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('sarif: valid SARIF 2.1.0 with validate rule ids, lint rule metadata and each check’s status', () => {
    const log = JSON.parse(validateSarifReporter(result, ctx));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && URI_CHARS.test(s));
    ajv.addFormat('uri-reference', (s: string) => URI_CHARS.test(s));
    ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(s));
    const check = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
    expect(check(log), JSON.stringify(check.errors)).toBe(true);

    const run = log.runs[0];
    const rules = run.tool.driver.rules;
    expect(rules.slice(0, VALIDATE_RULES.length).map((r: { id: string }) => r.id)).toEqual(VALIDATE_RULES.map((r) => r.id));
    expect(rules[VALIDATE_RULES.length]).toMatchObject({ id: 'require-concurrent-index', helpUri: expect.stringContaining('require-concurrent-index') });
    for (const r of run.results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(
      [
        'require-concurrent-index',
        'validate/sequence-duplicate-version',
        'validate/sequence-multiple-heads',
        'validate/trial-down-leaves-schema',
        'validate/trial-reapply-failed',
        'validate/trial-up-failed',
      ].sort(),
    );
    const leaves = run.results.find((r: { ruleId: string }) => r.ruleId === 'validate/trial-down-leaves-schema');
    expect(leaves.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'migrations/000003_add_users_tenant.down.sql', uriBaseId: '%SRCROOT%', index: expect.any(Number) },
      region: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 35 },
    });
    expect(leaves.message.text).toContain('before the up:\n  table users (');
    expect(leaves.properties).toEqual({ check: 'trial' });
    // The same fingerprint function as lint's, over the same findings in the same order.
    const located = result.checks.flatMap((c) => c.findings).filter((f) => f.file);
    expect(run.results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints)).toEqual(
      fingerprints(located, result.migrations).map((p) => ({ 'migratelintFingerprint/v1': p })),
    );
    // Every file validated is an artifact, down files included.
    expect(run.artifacts.map((a: { location: { uri: string } }) => a.location.uri)).toContain('migrations/000001_create_users.down.sql');
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: expect.stringMatching(/^cannot read pglite:no-such-db/) },
        associatedRule: { id: 'validate/drift-unreachable', index: VALIDATE_RULES.findIndex((r) => r.id === 'validate/drift-unreachable') },
      },
    ]);
    expect(run.properties.ok).toBe(false);
    expect(run.properties.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual([
      'lint:failed',
      'sequence:failed',
      'reversibility:passed',
      'trial:failed',
      'drift:failed',
    ]);
  });

  it('never shows a tick over a partial trial: ⚠ with what was not tried, in text and markdown', () => {
    const partial: ValidateResult = {
      ok: true,
      migrations: [],
      durationMs: 1200,
      lintRules: [],
      checks: [
        { id: 'lint', status: 'passed', summary: '3 migrations: 0 errors, 0 warnings', findings: [] },
        {
          id: 'trial',
          status: 'partial',
          summary: 'PostgreSQL 18.1 (PGlite 0.5.0): 3 ups, 2 downs compared, 1 not tried: 000002_b down (no down migration)',
          findings: [],
          data: {
            groups: [
              { folder: 'migrations', migrations: 3, up: 3, down: 2, reup: 2, hasDowns: true, notes: [], notTried: [{ id: '000002', label: '000002_b', file: 'x', part: 'down', reason: 'no down migration' }] },
            ],
            notes: [],
          },
        },
      ],
    };
    const text = validateTextReporter(partial, ctx).split('\n');
    expect(text).toEqual([
      '✔ lint       3 migrations: 0 errors, 0 warnings',
      '⚠ trial run  PostgreSQL 18.1 (PGlite 0.5.0): 3 ups, 2 downs compared, 1 not tried: 000002_b down (no down migration)',
      '    not tried (down: no down migration): 000002_b',
      '',
      '⚠ validate passed what it tried: 1 check passed, 1 partial (trial), 0 migrations, 1.2 s',
      '',
    ]);
    const md = validateMarkdownReporter(partial, ctx);
    expect(md).toContain('### migratelint validate: ⚠️ passed what it tried\n');
    expect(md).toContain('| trial run | ⚠️ partial | ');
    expect(md).toContain('- not tried (down: no down migration): `000002_b`');
    expect(JSON.parse(validateJsonReporter(partial, ctx)).summary).toMatchObject({ passed: 1, partial: 1, failed: 0 });
  });

  it('github and gitlab: src/report’s formats over every check’s findings', () => {
    const github = validateReporters.github(result, ctx).trimEnd().split('\n');
    const findings = result.checks.flatMap((c) => c.findings);
    expect(github).toHaveLength(findings.length);
    expect(github).toContain(
      `::error file=${path.join(cwd, 'migrations/000003_add_users_tenant.down.sql')},line=2,endLine=2,col=1,endColumn=34,title=migratelint validate/trial-down-leaves-schema::down of 000003_add_users_tenant leaves column users.tenant_id behind`,
    );
    // A finding about the target database is an annotation on the run, with no file.
    expect(github).toContain('::error title=migratelint validate/drift-unreachable::cannot read pglite:no-such-db: no database at pglite:no-such-db');

    const issues = JSON.parse(validateReporters.gitlab(result, ctx));
    // Code Quality issues need a path: the one about the target database is left out.
    expect(issues.map((i: { check_name: string }) => i.check_name).sort()).toEqual(findings.filter((f) => f.file).map((f) => f.ruleId).sort());
    expect(issues.find((i: { check_name: string }) => i.check_name === 'validate/sequence-duplicate-version').location).toEqual({
      path: 'migrations/000004_add_users_phone.up.sql',
      lines: { begin: 1 },
    });
  });

  it('sarif: passes Microsoft’s SARIF validator with the GitHub Advanced Security rules', () => {
    const binary: string = require('@microsoft/sarif-multitool');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-validate-sarif-'));
    try {
      const input = path.join(dir, 'report.sarif');
      const output = path.join(dir, 'validation.sarif');
      const policy = path.join(dir, 'policy.xml');
      fs.writeFileSync(input, validateSarifReporter(result, ctx));
      // SARIF2006 fetches every URI over HTTP: off, the run must not need the network.
      fs.writeFileSync(
        policy,
        '<?xml version="1.0" encoding="utf-8"?>\n<Properties>\n  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">\n    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />\n  </Properties>\n</Properties>\n',
      );
      execFileSync(binary, ['validate', input, '--rule-kind', 'Sarif;Ghas', '--config', policy, '--output', output, '--log', 'ForceOverwrite'], {
        stdio: 'pipe',
        timeout: 60_000,
        env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      });
      const run = JSON.parse(fs.readFileSync(output, 'utf8')).runs[0];
      const found = (run.results ?? []).map((r: { ruleId: string; level?: string }) => `${r.level ?? 'warning'} ${r.ruleId}`);
      // SARIF2004 ("artifacts contains only locations"): kept, as in the lint reporter, to list every file validated.
      expect(found.filter((f: string) => f.startsWith('error') || (f.startsWith('warning') && !f.endsWith('SARIF2004')))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
