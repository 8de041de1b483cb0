import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Migration, Range } from '../ir/types.js';
import type { Rule } from '../../rules/kit/rule.js';
import { HOMEPAGE, ruleDocsUrl } from '../meta.js';
import type { Reporter, ReportContext } from './context.js';
import { fingerprints } from './fingerprint.js';
import { hasFile } from './finding.js';
import { coverageArtifactProperties, coverageNotifications, NOT_ANALYSED_DESCRIPTOR } from './sarif-coverage.js';
import { capResults, cappedNotification, RESULTS_CAPPED_DESCRIPTOR, SARIF_MAX_RESULTS } from './sarif-cap.js';
import { repoPath } from './repo-path.js';

/**
 * SARIF 2.1.0 for GitHub code scanning and review bots, for `lint` and `validate` alike.
 * Paths are relative to `%SRCROOT%` (the repository root, `ctx.root`), columns count
 * UTF-16 code units. Within GitHub's limits: at most 25,000 results per run (or the
 * lower `ctx.sarif.maxResults`), one
 * location per result, two tags per rule, one run.
 */

const SRCROOT = '%SRCROOT%';
const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const level = (severity: string) => (severity === 'error' ? 'error' : 'warning');

/**
 * Where a file is: a URI reference under `%SRCROOT%`, each segment percent-encoded; a
 * file outside the root (no repository path names it) keeps its absolute `file:` URI.
 */
function fileLocation(file: string, ctx: ReportContext): { uri: string; uriBaseId?: string } {
  const rel = repoPath(file, ctx);
  if (rel === undefined) return { uri: pathToFileURL(path.resolve(ctx.cwd, file)).href };
  return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
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
  const maxResults = Math.min(ctx.sarif?.maxResults ?? SARIF_MAX_RESULTS, SARIF_MAX_RESULTS);
  const { kept, leftOut } = capResults(located, maxResults);
  const uncovered = run.coverage ? run.migrations.flatMap((m) => m.coverage?.unanalysed ?? []) : [];
  const files = [...new Set([...run.files, ...kept.map((f) => f.file), ...uncovered.map((c) => c.file)])];
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  // Over every finding, kept or not, and by repository path: a finding's print is the
  // same whether the run was capped and whichever folder it ran from.
  const allPrints = fingerprints(located, run.migrations, (file) => repoPath(file, ctx) ?? file.split(path.sep).join('/'));
  const printOf = new Map(located.map((f, i) => [f, allPrints[i]]));
  const artifactLocation = (file: string) => ({ ...fileLocation(file, ctx), index: artifactIndex.get(file) });

  const notificationKinds = [...(uncovered.length ? [NOT_ANALYSED_DESCRIPTOR] : []), ...(leftOut ? [RESULTS_CAPPED_DESCRIPTOR] : [])];
  const notifications = [
    ...(leftOut ? [cappedNotification(leftOut, located.length, maxResults, notificationKinds.indexOf(RESULTS_CAPPED_DESCRIPTOR))] : []),
    ...run.findings
      .filter((f) => !hasFile(f))
      .map((f) => ({ level: level(f.severity), message: { text: messageText(f) }, associatedRule: { id: f.ruleId, index: ruleIndex.get(f.ruleId)! } })),
    ...coverageNotifications(uncovered, (file, range) => ({ physicalLocation: { artifactLocation: artifactLocation(file), region: region(range) } })),
  ];
  const artifactProperties = run.coverage ? coverageArtifactProperties(run.migrations) : new Map<string, Record<string, unknown>>();
  // An invocation is written for validate (its command) and for a run with something to say about itself.
  const invocation =
    run.commandLine !== undefined || notifications.length
      ? [{ executionSuccessful: true, ...(run.commandLine !== undefined ? { commandLine: run.commandLine } : {}), toolExecutionNotifications: notifications }]
      : undefined;
  const root = ctx.root ?? ctx.cwd;
  const category = ctx.sarif?.category;

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
            ...(notificationKinds.length ? { notifications: notificationKinds } : {}),
          },
        },
        ...(invocation ? { invocations: invocation } : {}),
        // Code scanning reads the part before the last `/` as the category, as upload-sarif's `category` input does.
        ...(category ? { automationDetails: { id: category.endsWith('/') ? category : `${category}/` } } : {}),
        // Only when asked: the machine's absolute path says nothing to GitHub and leaks the runner's layout.
        ...(ctx.sarif?.srcroot ? { originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(root.endsWith(path.sep) ? root : root + path.sep).href } } } : {}),
        artifacts: files.map((f) => {
          const properties = artifactProperties.get(f);
          return { location: fileLocation(f, ctx), roles: ['analysisTarget'], ...(properties ? { properties } : {}) };
        }),
        columnKind: 'utf16CodeUnits',
        results: kept.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId)!,
          level: level(f.severity),
          message: { text: messageText(f) },
          locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.file), region: region(f.range) } }],
          partialFingerprints: { 'migratelintFingerprint/v1': printOf.get(f)! },
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
 * its lock risk, then whatever the caller adds.
 */
function resultProperties(f: Finding, extra: SarifRun['resultProperties']): { properties?: Record<string, unknown> } {
  // `risk`: the lock weighed with table statistics (lint --stats), when the snapshot knew the table.
  const properties = { ...(f.direction ? { direction: f.direction } : {}), ...(f.risk ? { risk: f.risk } : {}), ...extra?.(f) };
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
