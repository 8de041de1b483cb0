import type { Direction, Migration, Position } from './types.js';

const atOrBefore = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column <= b.column);

/**
 * The section a place in a migration's files belongs to, for findings not made while
 * checking one section (a file that does not parse, an ignore comment that suppresses
 * nothing, a missing down).
 *
 * A pair's down file is all down. In a file holding both sections (dbmate and goose
 * markers, TypeORM `down()`, Alembic `downgrade()`), a place belongs to the section that
 * starts last before it; before both, or where both start at one place (Django derives
 * its down from the same operations), it is up.
 */
export function directionAt(migration: Migration, file: string, at: Position): Direction {
  const { up, down } = migration;
  if (down.file !== file) return 'up';
  if (up.file !== undefined && up.file !== file) return 'down';
  const downStart = down.range?.start;
  if (!downStart || !atOrBefore(downStart, at)) return 'up';
  const upStart = up.range?.start;
  if (!upStart) return 'down';
  const sharedStart = upStart.line === downStart.line && upStart.column === downStart.column;
  // Up written after down, and this place after both: it is in the up.
  const upInBetween = atOrBefore(downStart, upStart) && atOrBefore(upStart, at);
  return sharedStart || upInBetween ? 'up' : 'down';
}
