import { createColors } from 'picocolors';
import { createRequire } from 'node:module';
import type { Finding } from '../ir/types.js';
import { wholeReport, type Reporter, type StreamingReporter } from './context.js';
import { downMark, hasFile } from './finding.js';
import { uncheckedLines } from './summary-lines.js';

export type Colors = ReturnType<typeof createColors>;

// Control characters from a migration (an identifier with ESC or BEL in it) must not reach the terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Text safe for a terminal: control characters become U+FFFD (one for one, so columns stay). */
export const clean = (s: string) => s.replace(CONTROL, '\uFFFD');
/** Safe text on one line: line breaks (and the space around them) fold to one space. */
export const oneLine = (s: string) => clean(s.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' '));

/** `file:line:col  error  message  rule-id`, `rule-id (down)` in a down migration; a finding about no file has no location. */
export function findingHeadline(f: Finding, c: Colors): string {
  const where = hasFile(f) ? `${c.bold(`${oneLine(f.file)}:${f.range.start.line}:${f.range.start.column}`)}  ` : '';
  const severity = f.severity === 'error' ? c.red('error') : c.yellow('warn ');
  return `${where}${severity}  ${oneLine(f.message)}  ${c.dim(f.ruleId + downMark(f))}`;
}

/** The lines under a finding's headline (itself indented by `indent`) for its details and hint; none for a lint finding. */
export function findingNotes(f: Finding, c: Colors, indent = ''): string[] {
  const out: string[] = [];
  for (const d of f.details ?? []) {
    out.push(c.dim(`${indent}    ${oneLine(d.label)}:`));
    for (const l of d.lines) out.push(`${indent}      ${clean(l)}`);
  }
  if (f.hint) out.push(`${indent}    ${c.cyan('hint:')} ${oneLine(f.hint)}`);
  return out;
}

/** Human output: one header line per finding, a code frame, then a summary line. */
export const textStream: StreamingReporter = {
  findings(findings, sources, ctx) {
    const c = createColors(ctx.color);
    // Replacing one character by one keeps every column where it was.
    const shown = new Map<string, string | undefined>();
    const source = (file: string) => {
      if (!shown.has(file)) shown.set(file, sources.get(file)?.replace(CONTROL, '\uFFFD'));
      return shown.get(file);
    };
    return findings
      .map((f) => {
        const lines = [findingHeadline(f, c)];
        const frame = hasFile(f) ? codeFrame(source(f.file), f) : undefined;
        if (frame) lines.push(frame);
        if (f.fix) lines.push(`  ${c.green('fix:')} ${oneLine(f.fix.description)}`);
        lines.push(...findingNotes(f, c));
        return lines.join('\n') + '\n\n';
      })
      .join('');
  },
  end(result, ctx) {
    const c = createColors(ctx.color);
    const out = [summaryLine(result.errorCount + result.warningCount, result.errorCount, result.warningCount, result.counts.files, c)];
    for (const line of uncheckedLines(result)) out.push(c.yellow(oneLine(line)));
    if (result.baseline) {
      const { file, suppressed, stale } = result.baseline;
      if (suppressed) out.push(c.dim(`${suppressed} known finding${suppressed === 1 ? '' : 's'} hidden by ${file}`));
      if (stale.length) {
        out.push(c.yellow(`${stale.length} entr${stale.length === 1 ? 'y' : 'ies'} of ${file} no longer match (fixed or gone); run \`migratelint baseline\` to shrink it:`));
        for (const e of stale) out.push(c.dim(`  ${oneLine(e.file)}:${e.line}  ${e.ruleId}  ${oneLine(e.message)}`));
      }
    }
    return out.join('\n') + '\n';
  },
};

export const textReporter: Reporter = wholeReport(textStream);

// Loaded on the first finding: a clean run never pays for it.
let codeFrameColumns: typeof import('@babel/code-frame').codeFrameColumns | undefined;

/** A frame around the first line of the finding, so a long statement stays short. */
function codeFrame(source: string | undefined, f: Finding): string | undefined {
  if (source === undefined) return undefined;
  const { start, end } = f.range;
  const line = source.split(/\r\n|\r|\n/, start.line)[start.line - 1] ?? '';
  const endColumn = end.line === start.line ? Math.max(end.column, start.column + 1) : line.length + 1;
  codeFrameColumns ??= (createRequire(import.meta.url)('@babel/code-frame') as typeof import('@babel/code-frame')).codeFrameColumns;
  const frame = codeFrameColumns(
    source,
    { start, end: { line: start.line, column: Math.min(endColumn, line.length + 1) } },
    { highlightCode: false, linesAbove: 1, linesBelow: 1 },
  );
  return frame
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function summaryLine(
  total: number,
  errors: number,
  warnings: number,
  files: number,
  c: Colors,
): string {
  const fileWord = `${files} file${files === 1 ? '' : 's'}`;
  if (total === 0) return c.green(`✔ no problems in ${fileWord}`);
  const text = `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}) in ${fileWord}`;
  return errors ? c.red(c.bold(text)) : c.yellow(c.bold(text));
}
