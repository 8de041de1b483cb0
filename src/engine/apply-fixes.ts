/**
 * Applying suggested fixes: the text edits of findings, placed in a file's text,
 * clashing edits left out (`--fix` run again picks them up). Linear in the file's size
 * and about n log n in the number of edits: a file of 40,000 fixed statements is one pass.
 */
import type { Finding, TextEdit } from '../ir/types.js';
import { LineIndex } from '../ir/source-text.js';

export interface Placed {
  edit: TextEdit;
  start: number;
  end: number;
  order: number;
}

/** Two edits clash when they overlap, or when both start at the same offset (their order would be a guess). */
const clash = (a: Placed, b: Placed) => (a.start < b.end && b.start < a.end) || a.start === b.start;

export function place(lines: LineIndex, edits: readonly TextEdit[]): Placed[] {
  return edits
    .map((edit, order) => ({ edit, start: lines.offset(edit.range.start), end: lines.offset(edit.range.end), order }))
    .filter((p) => p.start <= p.end);
}

export function sortPlaced(list: Placed[]): Placed[] {
  return list.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
}

/**
 * Edits accepted so far, sorted by start and never clashing with each other, so a new
 * edit is checked against its neighbours only.
 */
export class AcceptedEdits {
  readonly list: Placed[] = [];

  /** Index of the first accepted edit starting at or after `start`. */
  private lowerBound(start: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid].start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clashes(p: Placed): boolean {
    const i = this.lowerBound(p.start);
    if (i > 0 && clash(this.list[i - 1], p)) return true;
    // Accepted edits do not overlap: those after `p` that clash come first, so the scan stops early.
    for (let j = i; j < this.list.length && (this.list[j].start < p.end || this.list[j].start === p.start); j++) {
      if (clash(this.list[j], p)) return true;
    }
    return false;
  }

  add(p: Placed): void {
    const i = this.lowerBound(p.start);
    if (i === this.list.length) this.list.push(p);
    else this.list.splice(i, 0, p);
  }
}

export function splice(text: string, accepted: readonly Placed[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const p of accepted) {
    parts.push(text.slice(at, p.start), p.edit.text);
    at = p.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * Applies text edits (ranges in `sourceText`, 1-based lines and UTF-16 columns, end
 * exclusive) and returns the new text. Edits are sorted by position; an edit that
 * overlaps one already accepted (or starts where it starts) is dropped. The `file`
 * of the edits is not looked at: pass the edits of one file.
 */
export function applyFixes(sourceText: string, edits: readonly TextEdit[]): string {
  const accepted = new AcceptedEdits();
  for (const p of sortPlaced(place(new LineIndex(sourceText), edits))) if (!accepted.clashes(p)) accepted.add(p);
  return splice(sourceText, accepted.list);
}

export interface FixResult {
  output: string;
  /** Findings whose fix was applied. */
  applied: Finding[];
  /** Findings with a fix that was left out because it clashed with one applied before it. */
  skipped: Finding[];
}

/** A fix whose edits are the whole fix, applied where they stand (not moved to a new migration). */
export const appliesInPlace = (f: Finding): boolean => !!f.fix && f.fix.edits.length > 0 && !f.fix.placement;

/**
 * Chooses, among the findings of one file, the fixes that are applied whole: taken in the
 * order of their first edit, one whose edits clash with an accepted edit (or with each
 * other) is skipped (running `--fix` again picks it up). Fixes that move a statement to a
 * migration of its own are not for this: `planFixes` places them.
 */
export function chooseFixes(
  lines: LineIndex,
  file: string,
  findings: readonly Finding[],
  accepted = new AcceptedEdits(),
): { accepted: AcceptedEdits; applied: Finding[]; skipped: Finding[] } {
  const candidates = findings
    .filter((f) => appliesInPlace(f) && f.fix!.edits.every((e) => e.file === file))
    .map((f, order) => ({ f, placed: sortPlaced(place(lines, f.fix!.edits)), order }))
    .filter((c) => c.placed.length === c.f.fix!.edits.length)
    .sort((a, b) => a.placed[0].start - b.placed[0].start || a.order - b.order);
  const applied: Finding[] = [];
  const skipped: Finding[] = [];
  for (const c of candidates) {
    const selfClash = c.placed.some((p, i) => i > 0 && clash(c.placed[i - 1], p));
    if (selfClash || c.placed.some((p) => accepted.clashes(p))) {
      skipped.push(c.f);
      continue;
    }
    for (const p of c.placed) accepted.add(p);
    applied.push(c.f);
  }
  return { accepted, applied, skipped };
}

/**
 * Applies the fixes of the findings that belong to `file`, each fix whole or not at all
 * (see `chooseFixes`).
 */
export function fixFile(sourceText: string, file: string, findings: readonly Finding[]): FixResult {
  const { accepted, applied, skipped } = chooseFixes(new LineIndex(sourceText), file, findings);
  return { output: splice(sourceText, accepted.list), applied, skipped };
}
