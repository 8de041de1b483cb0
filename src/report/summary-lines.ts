import type { ReportInput } from './context.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What a run did not check, in words, for the summaries of text and markdown: findings
 * the `down` setting left out, and code calls no frontend could read. A run that checked
 * less than its counts suggest says so; a run that checked everything prints nothing.
 */
export function uncheckedLines(result: ReportInput): string[] {
  const out: string[] = [];
  if (result.down?.setting === 'off' && result.down.hidden > 0) {
    out.push(`${plural(result.down.hidden, 'finding')} in down migrations not shown (down: off)`);
  }
  const coverage = result.coverage;
  if (coverage && coverage.notAnalysed > 0) {
    out.push(`${plural(coverage.notAnalysed, 'call')} in ${plural(coverage.migrations, 'migration')} not analysed: run \`--format json\` for where`);
  }
  return out;
}
