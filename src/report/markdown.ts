import path from 'node:path';
import type { Finding } from '../ir/types.js';
import type { Reporter } from './context.js';
import { downMark, hasFile } from './finding.js';
import { uncheckedLines } from './summary-lines.js';

/** Above this many findings the table is folded into a `<details>` block. */
export const MARKDOWN_FOLD_AFTER = 20;

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

/** A relative link target: each path segment percent-encoded, `/` between them. */
function linkTarget(file: string): string {
  return file
    .split(path.sep)
    .join('/')
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[()!'*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** `[file:line](file#Lline)`, linking to the finding's lines; empty for a finding about no file. */
export function markdownLocation(f: Finding): string {
  if (!hasFile(f)) return '';
  const { start, end } = f.range;
  const last = end.line > start.line && end.column === 1 ? end.line - 1 : Math.max(end.line, start.line);
  const anchor = last > start.line ? `#L${start.line}-L${last}` : `#L${start.line}`;
  const text = escapeMarkdown(`${f.file.split(path.sep).join('/')}:${start.line}`);
  return `[${text}](${linkTarget(f.file)}${anchor})`;
}

function ruleCell(id: string): string {
  return /^[\w@/.-]+$/.test(id) ? `\`${id}\`` : escapeMarkdown(id);
}

/**
 * A summary for a pull-request comment or a CI job summary: totals, counts per rule,
 * then a table of findings linking each to its line (folded when long).
 */
export const markdownReporter: Reporter = (result, ctx) => {
  const { findings } = result;
  const out: string[] = [MARKDOWN_MARKER, '### migratelint', ''];
  const files = plural(result.counts.files, 'file');
  if (findings.length === 0) {
    out.push(`**✅ No problems** in ${files}.`);
  } else {
    out.push(
      `**❌ ${plural(findings.length, 'problem')}** (${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')}) in ${files}.`,
      '',
    );

    const perRule = new Map<string, { error: number; warn: number }>();
    for (const f of findings) {
      const counts = perRule.get(f.ruleId) ?? { error: 0, warn: 0 };
      counts[f.severity]++;
      perRule.set(f.ruleId, counts);
    }
    const rows = [...perRule].sort(
      ([a, x], [b, y]) => y.error + y.warn - (x.error + x.warn) || (a < b ? -1 : a > b ? 1 : 0),
    );
    out.push('| Rule | Errors | Warnings |', '| --- | ---: | ---: |');
    for (const [id, c] of rows) out.push(`| ${ruleCell(id)} | ${c.error} | ${c.warn} |`);
    out.push('');

    const table = ['| Severity | Location | Rule | Message |', '| --- | --- | --- | --- |'];
    for (const f of findings) {
      const severity = f.severity === 'error' ? '🔴 error' : '🟡 warning';
      table.push(`| ${severity} | ${markdownLocation(f)} | ${ruleCell(f.ruleId)}${downMark(f)} | ${escapeMarkdown(f.message)} |`);
    }
    if (findings.length > MARKDOWN_FOLD_AFTER) {
      out.push('<details>', `<summary>Show all ${findings.length} findings</summary>`, '', ...table, '', '</details>');
    } else {
      out.push(...table);
    }
  }
  const unchecked = uncheckedLines(result);
  // Counts and fixed words only, no text from a migration: written as is, so `--format json` shows as code.
  if (unchecked.length) out.push('', ...unchecked.map((line) => `${line}.`));
  if (result.baseline?.suppressed) {
    const n = result.baseline.suppressed;
    out.push('', `${plural(n, 'known finding')} hidden by the baseline ${escapeMarkdown(result.baseline.file)}.`);
  }
  out.push('', `<sub>migratelint ${escapeMarkdown(ctx.toolVersion)}</sub>`);
  return out.join('\n') + '\n';
};
