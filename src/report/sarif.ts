import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Range } from '../ir/types.js';
import type { Rule } from '../engine/rule.js';
import type { Reporter } from './context.js';
import { fingerprints } from './fingerprint.js';
import { HOMEPAGE, ruleDocsUrl } from '../meta.js';

const SRCROOT = '%SRCROOT%';

const level = (severity: string) => (severity === 'error' ? 'error' : 'warning');

/** A relative path as a URI reference, each segment percent-encoded. */
function relativeUri(file: string): string {
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

/** A region; a finding's region is at least one character wide so viewers can show it. */
function region(range: Range, allowEmpty = false) {
  const sameLine = range.end.line === range.start.line;
  return {
    startLine: range.start.line,
    startColumn: range.start.column,
    endLine: range.end.line,
    endColumn: allowEmpty || !sameLine ? range.end.column : Math.max(range.end.column, range.start.column + 1),
  };
}

function describeRule(rule: Rule) {
  const { why, safe, bad, good } = rule.docs;
  const markdown =
    `${why}\n\n**Instead:** ${safe}\n\n**Bad**\n\n\`\`\`sql\n${bad}\n\`\`\`\n\n**Good**\n\n\`\`\`sql\n${good}\n\`\`\`\n`;
  return {
    id: rule.id,
    name: rule.id
      .split('-')
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: rule.summary },
    fullDescription: { text: why },
    help: { text: `${why}\n\nInstead: ${safe}\n\nBad:\n${bad}\n\nGood:\n${good}`, markdown },
    helpUri: ruleDocsUrl(rule.id),
    defaultConfiguration: { level: level(rule.severity) },
    properties: { tags: ['migrations', 'postgresql'], precision: 'high', 'problem.severity': level(rule.severity) === 'error' ? 'error' : 'warning' },
  };
}

/**
 * SARIF 2.1.0 for GitHub code scanning and review bots. Paths are relative to
 * `%SRCROOT%` (the working directory), columns count UTF-16 code units.
 */
export const sarifReporter: Reporter = (result, ctx) => {
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  const files = [...new Set([...result.files, ...result.findings.map((f) => f.file)])];
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  const prints = fingerprints(result.findings, result.migrations);
  const artifactLocation = (file: string) => ({ uri: relativeUri(file), uriBaseId: SRCROOT, index: artifactIndex.get(file) });

  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'migratelint',
            version: ctx.toolVersion,
            semanticVersion: ctx.toolVersion,
            informationUri: HOMEPAGE,
            rules: result.rules.map(describeRule),
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { uri: pathToFileURL(ctx.cwd.endsWith(path.sep) ? ctx.cwd : ctx.cwd + path.sep).href },
        },
        artifacts: files.map((f) => ({ location: { uri: relativeUri(f), uriBaseId: SRCROOT } })),
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((f, i) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
          level: level(f.severity),
          message: { text: f.message },
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
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};

function groupEdits<E extends { file: string }>(edits: E[]): [string, E[]][] {
  const byFile = new Map<string, E[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return [...byFile];
}
