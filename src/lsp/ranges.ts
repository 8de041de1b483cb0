/**
 * Positions between migratelint's IR and the protocol. The IR counts lines and columns
 * from 1 (columns in UTF-16 units, end exclusive); LSP counts both from 0, also in UTF-16
 * units by default, so the conversion is a shift.
 */
import type { Position as IrPosition, Range as IrRange } from '../ir/types.js';
import type { Position, Range } from 'vscode-languageserver/node';

/** The protocol's largest position: "the end of the line" for an open-ended range. */
const UINTEGER_MAX = 2 ** 31 - 1;

export function toLspPosition(p: IrPosition): Position {
  const character = Number.isFinite(p.column) ? Math.max(0, p.column - 1) : UINTEGER_MAX;
  return { line: Math.max(0, p.line - 1), character };
}

/**
 * A finding's range for an editor. A finding about a file as a whole points at 1:1 with
 * nothing under it; an empty range is widened to the rest of its line (`lineLength`), so the
 * editor has something to underline.
 */
export function toLspRange(r: IrRange, lineLength?: (line: number) => number): Range {
  const start = toLspPosition(r.start);
  const end = toLspPosition(r.end);
  if (end.line === start.line && end.character <= start.character && lineLength) {
    const length = lineLength(start.line);
    if (length > start.character) return { start, end: { line: start.line, character: length } };
  }
  return { start, end };
}

export function toIrPosition(p: Position): IrPosition {
  return { line: p.line + 1, column: p.character + 1 };
}

const before = (a: IrPosition, b: IrPosition) => a.line < b.line || (a.line === b.line && a.column < b.column);

/** Whether `p` lies in `r`, its end included (a cursor just past a statement still hovers it). */
export function contains(r: IrRange, p: IrPosition): boolean {
  return !before(p, r.start) && !before(r.end, p);
}

/** Whether two ranges share at least a position (touching counts). */
export function overlaps(a: IrRange, b: IrRange): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}
