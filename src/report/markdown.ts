import path from 'node:path';
import type { Finding } from '../ir/types.js';
import type { Reporter, ReportInput } from './context.js';
import { downMark, hasFile } from './finding.js';
import { fileLinker } from './links.js';
import { uncheckedLines } from './summary-lines.js';
import { largeLockLine } from './risk-line.js';

/** Above this many findings the table is folded into a `<details>` block. */
export const MARKDOWN_FOLD_AFTER = 20;

/** The most characters a GitHub pull-request comment (an issue comment) may hold. */
export const PR_COMMENT_LIMIT = 65_536;

/** The report's own bound: a comment's limit, less room for the line a bot adds to find its comment again. */
export const MARKDOWN_MAX_LENGTH = PR_COMMENT_LIMIT - 256;

/** A marker bots can look for to update their previous comment instead of adding one. */
export const MARKDOWN_MARKER = '<!-- migratelint-report -->';

/** Control characters other than tab and line breaks: never meant to be shown. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Text shown literally in GitHub-flavoured markdown, inside a table cell: every
 * character that could start markup is backslash-escaped (`|` would end the cell,
 * `<` start HTML, `$` start math, `&` an entity), and line breaks become `<br>`.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()<>#|~$&!]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>')
    .replace(CONTROL, '\uFFFD');
}

/** `[file:line](target#Lline)`, linking to the finding's lines; empty for a finding about no file. */
export function markdownLocation(f: Finding, link: (file: string) => string = fileLinker({ cwd: '' })): string {
  if (!hasFile(f)) return '';
  const { start, end } = f.range;
  const last = end.line > start.line && end.column === 1 ? end.line - 1 : Math.max(end.line, start.line);
  const anchor = last > start.line ? `#L${start.line}-L${last}` : `#L${start.line}`;
  const text = escapeMarkdown(`${f.file.split(path.sep).join('/')}:${start.line}`);
  return `[${text}](${link(f.file)}${anchor})`;
}

/** Inline code whatever backticks the text holds. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest || text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r\n|\r|\n/g, ' ')}${pad}${fence}`;
}

function ruleCell(id: string): string {
  return /^[\w@/.-]+$/.test(id) ? `\`${id}\`` : escapeMarkdown(id);
}

const TABLE_HEAD = ['| Severity | Location | Rule | Message |', '| --- | --- | --- | --- |'];

/** The per-rule counts: how many errors and warnings each rule found, the most frequent first. */
function ruleTable(findings: readonly Finding[]): string[] {
  const perRule = new Map<string, { error: number; warn: number }>();
  for (const f of findings) {
    const counts = perRule.get(f.ruleId) ?? { error: 0, warn: 0 };
    counts[f.severity]++;
    perRule.set(f.ruleId, counts);
  }
  const rows = [...perRule].sort(([a, x], [b, y]) => y.error + y.warn - (x.error + x.warn) || (a < b ? -1 : a > b ? 1 : 0));
  return ['| Rule | Errors | Warnings |', '| --- | ---: | ---: |', ...rows.map(([id, c]) => `| ${ruleCell(id)} | ${c.error} | ${c.warn} |`)];
}

interface Section {
  /** A heading, when the findings are split between changed files and the rest. */
  title?: string;
  findings: readonly Finding[];
}

/**
 * The findings in reading order: with the pull request's changed files known, theirs
 * first (what the author can fix in this change), then the rest; otherwise all at once.
 */
function sections(findings: readonly Finding[], changed: ReadonlySet<string> | undefined): Section[] {
  if (!changed) return [{ findings }];
  const posix = (f: Finding) => f.file.split(path.sep).join('/');
  const touched = (f: Finding) => changed.has(f.file) || changed.has(posix(f));
  const inChanged = findings.filter(touched);
  const elsewhere = findings.filter((f) => !touched(f));
  return [
    { title: `#### In the changed files (${inChanged.length})`, findings: inChanged },
    { title: `#### In other files (${elsewhere.length})`, findings: elsewhere },
  ].filter((s) => s.findings.length);
}

/** One section's lines with its first `shown` rows, folded when long. */
function sectionLines(section: Section, rows: readonly string[], shown: number): string[] {
  const out = section.title ? [section.title, ''] : [];
  const table = [...TABLE_HEAD, ...rows.slice(0, shown)];
  const total = section.findings.length;
  if (total > MARKDOWN_FOLD_AFTER) {
    const summary = shown < total ? `Show ${shown} of ${total} findings` : `Show all ${total} findings`;
    out.push('<details>', `<summary>${summary}</summary>`, '', ...table, '', '</details>');
  } else out.push(...table);
  return out;
}

/** What follows the findings: what the run did not check, the baseline, the version. */
function tailLines(result: ReportInput, toolVersion: string): string[] {
  const out: string[] = [];
  const unchecked = uncheckedLines(result);
  // Counts and fixed words only, no text from a migration: written as is, so `--format json` shows as code.
  if (unchecked.length) out.push('', ...unchecked.map((line) => `${line}.`));
  if (result.baseline?.suppressed) {
    const n = result.baseline.suppressed;
    out.push('', `${plural(n, 'known finding')} hidden by the baseline ${escapeMarkdown(result.baseline.file)}.`);
  }
  out.push('', `<sub>migratelint ${escapeMarkdown(toolVersion)}</sub>`);
  return out;
}

const length = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

/**
 * A summary for a pull-request comment or a CI job summary: totals, counts per rule and
 * severity, then the findings linking each to its line (the changed files' first, folded
 * when long). It fits in one comment: when the findings do not, the last ones are left
 * out and it says how many, and the command that shows them all.
 */
export const markdownReporter: Reporter = (result, ctx) => {
  const { findings } = result;
  const out: string[] = [MARKDOWN_MARKER, '### migratelint', ''];
  const files = plural(result.counts.files, 'file');
  const tail = tailLines(result, ctx.toolVersion);
  if (findings.length === 0) {
    out.push(`**✅ No problems** in ${files}.`);
    return [...out, ...tail].join('\n') + '\n';
  }
  out.push(
    `**❌ ${plural(findings.length, 'problem')}** (${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')}) in ${files}.`,
    '',
  );
  const large = largeLockLine(findings);
  // Names a table from the snapshot: escaped like any text from outside.
  if (large) out.push(`⚠️ ${escapeMarkdown(large)}.`, '');
  out.push(...ruleTable(findings));

  const link = fileLinker(ctx);
  const parts = sections(findings, ctx.markdown?.changed);
  const rows = parts.map((p) =>
    p.findings.map((f) => {
      const severity = f.severity === 'error' ? '🔴 error' : '🟡 warning';
      return `| ${severity} | ${markdownLocation(f, link)} | ${ruleCell(f.ruleId)}${downMark(f)} | ${escapeMarkdown(f.message)} |`;
    }),
  );
  const rerun = ctx.markdown?.rerun ?? 'migratelint lint';
  const moreLine = (n: number) =>
    `**${plural(n, 'more finding')} not shown** (a pull-request comment holds ${PR_COMMENT_LIMIT.toLocaleString('en-US')} characters): run ${inlineCode(rerun)} to see them all.`;

  // Rows are added, changed files' first, while the whole report (scaffolding, the
  // "more" line at its longest, and the tail) stays within the bound.
  const scaffold = length(out) + length(tail) + parts.reduce((n, p, i) => n + length(sectionLines(p, [], 0)) + (i ? 1 : 0) + 40, 0);
  const room = (ctx.markdown?.maxLength ?? MARKDOWN_MAX_LENGTH) - scaffold - moreLine(findings.length).length - 2;
  let used = 0;
  const shown = rows.map((r) => {
    let n = 0;
    while (n < r.length && used + r[n].length + 1 <= room) used += r[n++].length + 1;
    // Once one row does not fit, none after it is shown: the order stays the reading order.
    used = n < r.length ? Infinity : used;
    return n;
  });
  // A section none of whose rows fit is left out whole: the "more" line counts its findings.
  for (const [i, p] of parts.entries()) if (shown[i]) out.push('', ...sectionLines(p, rows[i], shown[i]));
  const hidden = findings.length - shown.reduce((a, b) => a + b, 0);
  if (hidden) out.push('', moreLine(hidden));
  return [...out, ...tail].join('\n') + '\n';
};
