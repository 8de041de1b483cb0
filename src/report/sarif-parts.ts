import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Range } from '../ir/types.js';
import type { Rule } from '../../rules/kit/rule.js';
import { HOMEPAGE, ruleDocsUrl } from '../meta.js';

/** The pieces of a SARIF 2.1.0 log that `lint` and `validate` write alike. */

export const SRCROOT = '%SRCROOT%';
export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export const level = (severity: string) => (severity === 'error' ? 'error' : 'warning');

/** A relative path as a URI reference, each segment percent-encoded. */
export function relativeUri(file: string): string {
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

/** A region; a finding's region is at least one character wide so viewers can show it. */
export function region(range: Range, allowEmpty = false) {
  const sameLine = range.end.line <= range.start.line;
  return {
    startLine: range.start.line,
    startColumn: range.start.column,
    endLine: Math.max(range.end.line, range.start.line),
    endColumn: allowEmpty || !sameLine ? range.end.column : Math.max(range.end.column, range.start.column + 1),
  };
}

/** `no-drop-cascade` → `NoDropCascade`, `validate/trial-x` → `ValidateTrialX`. */
export const ruleName = (id: string) =>
  id
    .split(/[-/]/)
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
    .join('');

/** A rule's reportingDescriptor: its docs become the help text and markdown. */
export function describeRule(rule: Rule) {
  const { why, safe, bad, good } = rule.docs;
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.summary },
    fullDescription: { text: why },
    help: {
      text: `${why}\n\nInstead: ${safe}\n\nBad:\n${bad}\n\nGood:\n${good}`,
      markdown: `${why}\n\n**Instead:** ${safe}\n\n**Bad**\n\n\`\`\`sql\n${bad}\n\`\`\`\n\n**Good**\n\n\`\`\`sql\n${good}\n\`\`\`\n`,
    },
    helpUri: ruleDocsUrl(rule.id),
    defaultConfiguration: { level: level(rule.severity) },
    properties: { tags: ['migrations', 'postgresql'], precision: 'high', 'problem.severity': level(rule.severity) },
  };
}

export function toolDriver(toolVersion: string, rules: unknown[]) {
  return { driver: { name: 'migratelint', version: toolVersion, semanticVersion: toolVersion, informationUri: HOMEPAGE, rules } };
}

/** `%SRCROOT%` is the working directory: artifact URIs are relative to it. */
export function originalUriBaseIds(cwd: string) {
  return { [SRCROOT]: { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } };
}
