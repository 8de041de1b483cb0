/**
 * Applying suggested fixes: the text edits of findings, placed in a file's text,
 * clashing edits left out (`--fix` run again picks them up).
 */
import type { Finding, TextEdit } from '../ir/types.js';
import { LineIndex } from '../ir/source-text.js';

interface Placed {
  edit: TextEdit;
  start: number;
  end: number;
  order: number;
}

/** Two edits clash when they overlap, or when both start at the same offset (their order would be a guess). */
const clash = (a: Placed, b: Placed) => (a.start < b.end && b.start < a.end) || a.start === b.start;

function place(lines: LineIndex, edits: readonly TextEdit[]): Placed[] {
  return edits
    .map((edit, order) => ({ edit, start: lines.offset(edit.range.start), end: lines.offset(edit.range.end), order }))
    .filter((p) => p.start <= p.end);
}

function sortPlaced(list: Placed[]): Placed[] {
  return list.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
}

function splice(text: string, accepted: Placed[]): string {
  let out = '';
  let at = 0;
  for (const p of sortPlaced(accepted)) {
    out += text.slice(at, p.start) + p.edit.text;
    at = p.end;
  }
  return out + text.slice(at);
}

/**
 * Applies text edits (ranges in `sourceText`, 1-based lines and UTF-16 columns, end
 * exclusive) and returns the new text. Edits are sorted by position; an edit that
 * overlaps one already accepted (or starts where it starts) is dropped. The `file`
 * of the edits is not looked at: pass the edits of one file.
 */
export function applyFixes(sourceText: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(sourceText);
  const accepted: Placed[] = [];
  for (const p of sortPlaced(place(lines, edits))) {
    const last = accepted[accepted.length - 1];
    if (!last || !clash(last, p)) accepted.push(p);
  }
  return splice(sourceText, accepted);
}

export interface FixResult {
  output: string;
  /** Findings whose fix was applied. */
  applied: Finding[];
  /** Findings with a fix that was left out because it clashed with one applied before it. */
  skipped: Finding[];
}

/**
 * Applies the fixes of the findings that belong to `file`, each fix whole or not at all:
 * fixes are taken in the order of their first edit, and one whose edits clash with an
 * applied edit is skipped (running `--fix` again picks it up).
 */
export function fixFile(sourceText: string, file: string, findings: readonly Finding[]): FixResult {
  const lines = new LineIndex(sourceText);
  const candidates = findings
    .filter((f) => f.fix && f.fix.edits.length > 0 && f.fix.edits.every((e) => e.file === file))
    .map((f, order) => ({ f, placed: sortPlaced(place(lines, f.fix!.edits)), order }))
    .filter((c) => c.placed.length === c.f.fix!.edits.length)
    .sort((a, b) => a.placed[0].start - b.placed[0].start || a.order - b.order);
  const accepted: Placed[] = [];
  const applied: Finding[] = [];
  const skipped: Finding[] = [];
  for (const c of candidates) {
    const selfClash = c.placed.some((p, i) => c.placed.slice(i + 1).some((q) => clash(p, q)));
    if (selfClash || c.placed.some((p) => accepted.some((a) => clash(a, p)))) {
      skipped.push(c.f);
      continue;
    }
    accepted.push(...c.placed);
    applied.push(c.f);
  }
  return { output: splice(sourceText, accepted), applied, skipped };
}

