import { createColors } from 'picocolors';
import { codeFrameColumns } from '@babel/code-frame';
import type { Finding } from '../ir/types.js';
import type { Reporter } from './context.js';

/** Human output: one header line per finding, a code frame, then a summary line. */
export const textReporter: Reporter = (result, ctx) => {
  const c = createColors(ctx.color);
  const sources = new Map<string, string>();
  for (const m of result.migrations) for (const [file, text] of m.sources) sources.set(file, text);
  const out: string[] = [];
  for (const f of result.findings) {
    const where = `${f.file}:${f.range.start.line}:${f.range.start.column}`;
    const severity = f.severity === 'error' ? c.red('error') : c.yellow('warn ');
    out.push(`${c.bold(where)}  ${severity}  ${f.message}  ${c.dim(f.ruleId)}`);
    const frame = codeFrame(sources.get(f.file), f);
    if (frame) out.push(frame);
    if (f.fix) out.push(`  ${c.green('fix:')} ${f.fix.description}`);
    out.push('');
  }
  out.push(summaryLine(result.findings.length, result.errorCount, result.warningCount, result.files.length, c));
  if (result.baseline) {
    const { file, suppressed, stale } = result.baseline;
    if (suppressed) out.push(c.dim(`${suppressed} known finding${suppressed === 1 ? '' : 's'} hidden by ${file}`));
    if (stale.length) {
      out.push(c.yellow(`${stale.length} entr${stale.length === 1 ? 'y' : 'ies'} of ${file} no longer match (fixed or gone); run \`migratelint baseline\` to shrink it:`));
      for (const e of stale) out.push(c.dim(`  ${e.file}:${e.line}  ${e.ruleId}  ${e.message}`));
    }
  }
  return out.join('\n') + '\n';
};

/** A frame around the first line of the finding, so a long statement stays short. */
function codeFrame(source: string | undefined, f: Finding): string | undefined {
  if (source === undefined) return undefined;
  const { start, end } = f.range;
  const line = source.split(/\r\n|\r|\n/, start.line)[start.line - 1] ?? '';
  const endColumn = end.line === start.line ? Math.max(end.column, start.column + 1) : line.length + 1;
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
  c: ReturnType<typeof createColors>,
): string {
  const fileWord = `${files} file${files === 1 ? '' : 's'}`;
  if (total === 0) return c.green(`✔ no problems in ${fileWord}`);
  const text = `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}) in ${fileWord}`;
  return errors ? c.red(c.bold(text)) : c.yellow(c.bold(text));
}
