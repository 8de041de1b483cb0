import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Migration, Range } from '../ir/types.js';
import type { Rule } from '../../rules/kit/rule.js';
import { HOMEPAGE, ruleDocsUrl } from '../meta.js';
import type { Reporter, ReportContext } from './context.js';
import { fingerprints } from './fingerprint.js';
import { hasFile } from './finding.js';
import { coverageArtifactProperties, coverageNotifications, NOT_ANALYSED_DESCRIPTOR } from './sarif-coverage.js';

/**
 * SARIF 2.1.0 for GitHub code scanning and review bots, for `lint` and `validate` alike.
 * Paths are relative to `%SRCROOT%` (the working directory), columns count UTF-16 code units.
 */

const SRCROOT = '%SRCROOT%';
const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const level = (severity: string) => (severity === 'error' ? 'error' : 'warning');

/** A relative path as a URI reference, each segment percent-encoded. */
function relativeUri(file: string): string {
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

/** A region; a finding's region is at least one character wide so viewers can show it. */
function region(range: Range, allowEmpty = false) {
  const sameLine = range.end.line <= range.start.line;
  return {
    startLine: range.start.line,
    startColumn: range.start.column,
    endLine: Math.max(range.end.line, range.start.line),
    endColumn: allowEmpty || !sameLine ? range.end.column : Math.max(range.end.column, range.start.column + 1),
  };
}

/** `no-drop-cascade` → `NoDropCascade`, `validate/trial-x` → `ValidateTrialX`. */
const ruleName = (id: string) =>
  id
    .split(/[-/]/)
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
    .join('');

export type ReportingDescriptor = ReturnType<typeof reportingDescriptor>;

/** A rule's SARIF reportingDescriptor, from what a reader needs to know about it. */
export function reportingDescriptor(rule: {
  id: string;
  summary: string;
  description: string;
  help: { text: string; markdown: string };
  helpUri: string;
  severity: string;
  tags?: string[];
}) {
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.description },
    help: rule.help,
    helpUri: rule.helpUri,
    defaultConfiguration: { level: level(rule.severity) },
    properties: { tags: rule.tags ?? ['migrations', 'postgresql'], precision: 'high', 'problem.severity': level(rule.severity) },
  };
}

/** A lint rule's reportingDescriptor: its docs become the help text and markdown. */
export function describeRule(rule: Rule): ReportingDescriptor {
  const { why, safe, bad, good } = rule.docs;
  return reportingDescriptor({
    id: rule.id,
    summary: rule.summary,
    description: why,
    help: {
      text: `${why}\n\nInstead: ${safe}\n\nBad:\n${bad}\n\nGood:\n${good}`,
      markdown: `${why}\n\n**Instead:** ${safe}\n\n**Bad**\n\n\`\`\`sql\n${bad}\n\`\`\`\n\n**Good**\n\n\`\`\`sql\n${good}\n\`\`\`\n`,
    },
    helpUri: ruleDocsUrl(rule.id),
    severity: rule.severity,
  });
}

/** A finding's whole text: the message, then its details and hint (validate's findings have them). */
function messageText(f: Finding): string {
  const parts = [f.message];
  for (const d of f.details ?? []) parts.push(`${d.label}:\n${d.lines.map((l) => `  ${l}`).join('\n')}`);
  if (f.hint) parts.push(`hint: ${f.hint}`);
  return parts.join('\n\n');
}

export interface SarifRun {
  findings: readonly Finding[];
  /** Every file checked (artifacts); the findings' files are added. */
  files: readonly string[];
  /** Their sources give the fingerprints. */
  migrations: readonly Migration[];
  /** The rules described, in order; a finding's rule missing from them gets a bare descriptor. */
  rules: ReportingDescriptor[];
  /**
   * The command, for an `invocations` entry; findings about no file (the target database)
   * have no place in the code and become its tool execution notifications.
   */
  commandLine?: string;
  /** Extra facts per result (validate: its check). */
  resultProperties?: (f: Finding) => Record<string, unknown>;
  /** Extra facts about the run (validate: the verdict and each check's status). */
  properties?: Record<string, unknown>;
  /**
   * Report the code migrations' coverage: each call not analysed as a tool execution
   * notification at its place, each code migration's counts on its artifact.
   */
  coverage?: boolean;
}

/** A SARIF 2.1.0 log of one run. */
export function sarifLog(run: SarifRun, ctx: ReportContext): string {
  const rules = [...run.rules];
  const described = new Set(rules.map((r) => r.id));
  for (const f of run.findings) {
    if (described.has(f.ruleId)) continue;
    described.add(f.ruleId);
    rules.push(
      reportingDescriptor({ id: f.ruleId, summary: f.ruleId, description: f.ruleId, help: { text: f.ruleId, markdown: f.ruleId }, helpUri: ruleDocsUrl(f.ruleId), severity: 'error' }),
    );
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const located = run.findings.filter(hasFile);
  const uncovered = run.coverage ? run.migrations.flatMap((m) => m.coverage?.unanalysed ?? []) : [];
  const files = [...new Set([...run.files, ...located.map((f) => f.file), ...uncovered.map((c) => c.file)])];
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  const prints = fingerprints(located, run.migrations);
  const artifactLocation = (file: string) => ({ uri: relativeUri(file), uriBaseId: SRCROOT, index: artifactIndex.get(file) });
  const notifications = [
    ...run.findings
      .filter((f) => !hasFile(f))
      .map((f) => ({ level: level(f.severity), message: { text: messageText(f) }, associatedRule: { id: f.ruleId, index: ruleIndex.get(f.ruleId)! } })),
    ...coverageNotifications(uncovered, (file, range) => ({ physicalLocation: { artifactLocation: artifactLocation(file), region: region(range) } })),
  ];
  const artifactProperties = run.coverage ? coverageArtifactProperties(run.migrations) : new Map<string, Record<string, unknown>>();
  // An invocation is written for validate (its command) and for a run that could not read some code.
  const invocation =
    run.commandLine !== undefined || notifications.length
      ? [{ executionSuccessful: true, ...(run.commandLine !== undefined ? { commandLine: run.commandLine } : {}), toolExecutionNotifications: notifications }]
      : undefined;

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'migratelint',
            version: ctx.toolVersion,
            semanticVersion: ctx.toolVersion,
            informationUri: HOMEPAGE,
            rules,
            ...(uncovered.length ? { notifications: [NOT_ANALYSED_DESCRIPTOR] } : {}),
          },
        },
        ...(invocation ? { invocations: invocation } : {}),
        // `%SRCROOT%` is the working directory: artifact URIs are relative to it.
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(ctx.cwd.endsWith(path.sep) ? ctx.cwd : ctx.cwd + path.sep).href } },
        artifacts: files.map((f) => {
          const properties = artifactProperties.get(f);
          return { location: { uri: relativeUri(f), uriBaseId: SRCROOT }, ...(properties ? { properties } : {}) };
        }),
        columnKind: 'utf16CodeUnits',
        results: located.map((f, i) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId)!,
          level: level(f.severity),
          message: { text: messageText(f) },
          locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.file), region: region(f.range) } }],
          partialFingerprints: { 'migratelintFingerprint/v1': prints[i] },
          ...(f.fix
            ? {
                fixes: [
                  {
                    description: { text: f.fix.description },
                    artifactChanges: groupEdits(f.fix.edits).map(([file, edits]) => ({
                      artifactLocation: artifactLocation(file),
                      replacements: edits.map((e) => ({ deletedRegion: region(e.range, true), insertedContent: { text: e.text } })),
                    })),
                  },
                ],
              }
            : {}),
          ...resultProperties(f, run.resultProperties),
        })),
        ...(run.properties ? { properties: run.properties } : {}),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/**
 * A result's properties: its direction (which half of the migration; not part of the
 * fingerprint, so an up finding keeps the identity it had before directions existed),
 * then whatever the caller adds.
 */
function resultProperties(f: Finding, extra: SarifRun['resultProperties']): { properties?: Record<string, unknown> } {
  const properties = { ...(f.direction ? { direction: f.direction } : {}), ...extra?.(f) };
  return Object.keys(properties).length ? { properties } : {};
}

/** The lint report: every available rule described, and what was not checked. */
export const sarifReporter: Reporter = (result, ctx) =>
  sarifLog(
    {
      findings: result.findings,
      files: result.files,
      migrations: result.migrations,
      rules: result.rules.map(describeRule),
      coverage: true,
      ...(result.down ? { properties: { down: result.down } } : {}),
    },
    ctx,
  );

function groupEdits<E extends { file: string }>(edits: E[]): [string, E[]][] {
  const byFile = new Map<string, E[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return [...byFile];
}
