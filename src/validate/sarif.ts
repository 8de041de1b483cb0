import crypto from 'node:crypto';
import { SARIF_SCHEMA, SRCROOT, describeRule, level, originalUriBaseIds, region, relativeUri, ruleName, toolDriver } from '../report/sarif-parts.js';
import { HOMEPAGE, ruleDocsUrl } from '../meta.js';
import { VALIDATE_RULES } from './rules.js';
import type { ValidateFinding, ValidateResult } from './types.js';
import type { ValidateReportContext } from './report.js';

/**
 * SARIF 2.1.0 for validate, the same structure as the lint reporter's (src/report/sarif.ts):
 * paths relative to `%SRCROOT%`, UTF-16 columns. Findings with a file are results (rule
 * ids `validate/<check>-<what>`, or the lint rule's id); findings about the target
 * database alone (unreachable, no history table, an applied migration with no file) have
 * no place in the code and are tool execution notifications. `runs[0].properties.checks`
 * carries each check's status, skipped ones included, and `properties.ok` the verdict.
 */

function fullText(f: ValidateFinding): string {
  const parts = [f.message];
  for (const d of f.details ?? []) parts.push(`${d.label}:\n${d.lines.map((l) => `  ${l}`).join('\n')}`);
  if (f.hint) parts.push(`hint: ${f.hint}`);
  return parts.join('\n\n');
}

function fingerprint(f: ValidateFinding): string {
  const key = `${f.ruleId}\0${(f.file ?? '').split('\\').join('/')}\0${f.message.replace(/\s+/g, ' ').trim()}`;
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
}

export function validateSarif(result: ValidateResult, ctx: ValidateReportContext): string {
  const findings = result.checks.flatMap((c) => c.findings);
  const lintIds = new Set(findings.filter((f) => f.check === 'lint').map((f) => f.ruleId));
  const lintRules = (ctx.lintRules ?? []).filter((r) => lintIds.has(r.id));
  const rules = [
    ...VALIDATE_RULES.map((r) => ({
      id: r.id,
      name: ruleName(r.id),
      shortDescription: { text: r.summary },
      fullDescription: { text: r.help },
      help: { text: r.help, markdown: r.help },
      helpUri: `${HOMEPAGE}/blob/main/README.md#validate`,
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['migrations', 'postgresql', `validate-${r.check}`], precision: 'high', 'problem.severity': 'error' },
    })),
    ...lintRules.map(describeRule),
  ];
  // A finding from a rule the context did not describe still needs a rule to point at.
  for (const id of lintIds) {
    if (!rules.some((r) => r.id === id)) {
      rules.push({
        id,
        name: ruleName(id),
        shortDescription: { text: id },
        fullDescription: { text: id },
        help: { text: id, markdown: id },
        helpUri: ruleDocsUrl(id),
        defaultConfiguration: { level: 'error' },
        properties: { tags: ['migrations', 'postgresql'], precision: 'high', 'problem.severity': 'error' },
      });
    }
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const located = findings.filter((f) => f.file);
  const unlocated = findings.filter((f) => !f.file);
  const files = [...new Set([...result.migrations.flatMap((m) => [m.path]), ...located.map((f) => f.file!)])];
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  const artifactLocation = (file: string) => ({ uri: relativeUri(file), uriBaseId: SRCROOT, index: artifactIndex.get(file) });

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: toolDriver(ctx.toolVersion, rules),
        invocations: [
          {
            executionSuccessful: true,
            commandLine: 'migratelint validate',
            toolExecutionNotifications: unlocated.map((f) => ({
              level: level(f.severity),
              message: { text: fullText(f) },
              associatedRule: { id: f.ruleId, index: ruleIndex.get(f.ruleId) ?? -1 },
            })),
          },
        ],
        originalUriBaseIds: originalUriBaseIds(ctx.cwd),
        artifacts: files.map((f) => ({ location: { uri: relativeUri(f), uriBaseId: SRCROOT } })),
        columnKind: 'utf16CodeUnits',
        results: located.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
          level: level(f.severity),
          message: { text: fullText(f) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(f.file!),
                region: region(f.range ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }),
              },
            },
          ],
          partialFingerprints: { 'migratelintValidateFingerprint/v1': fingerprint(f) },
          properties: { check: f.check },
        })),
        properties: {
          ok: result.ok,
          checks: result.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary })),
        },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
