import { LineIndex } from './source-text.js';
import type { Migration, Range } from './types.js';

/** Longer call texts are cut: the location says where the rest is. */
const CALL_TEXT_MAX = 80;

/** The source text at `range`, on one line (whitespace folded) and at most 80 characters. */
export function callText(source: string, range: Range, lines = new LineIndex(source)): string {
  const text = source.slice(lines.offset(range.start), lines.offset(range.end)).replace(/\s+/g, ' ').trim();
  return text.length > CALL_TEXT_MAX ? `${text.slice(0, CALL_TEXT_MAX - 1)}…` : text;
}

/**
 * Gives each call the frontend could not analyse its source text, while the
 * migration still holds its sources: summaries keep only the text of files with
 * findings, and the report names every call not analysed.
 */
export function describeCalls(migration: Migration): void {
  const calls = migration.coverage?.unanalysed;
  if (!calls?.length) return;
  const indexes = new Map<string, LineIndex>();
  for (const call of calls) {
    if (call.call !== undefined) continue;
    const source = migration.sources.get(call.file);
    if (source === undefined) continue;
    let lines = indexes.get(call.file);
    if (!lines) indexes.set(call.file, (lines = new LineIndex(source)));
    call.call = callText(source, call.range, lines);
  }
}
