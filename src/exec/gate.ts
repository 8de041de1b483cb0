/**
 * Which lint findings stand between apply (or rollback) and the database: those in the
 * sections that will run. A finding in a down section does not block an up, nor the
 * other way round; `require-downgrade` is about the way back, so it blocks neither.
 */
import type { Finding, Migration, Position, Range } from '../ir/types.js';

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column < b.column);
const within = (p: Position, r: Range) => !before(p, r.start) && before(p, r.end);

/** The section a finding of this migration is about, when it is in one of its files. */
export function sectionOfFinding(f: Finding, m: Migration): 'up' | 'down' | undefined {
  if (!m.files.includes(f.file) && f.file !== m.path) return undefined;
  if (f.ruleId === 'require-downgrade') return 'down';
  const { up, down } = m;
  if (down.file === f.file && up.file !== f.file) return 'down';
  if (down.file !== f.file) return 'up';
  // Both sections in one file (dbmate, goose, code migrations): where does the finding sit?
  const at = f.range.start;
  const inDown =
    // SQL the framework computes for the down (Django's reverses) sits at the up's calls, and rules do not judge it.
    down.statements.some((s) => !s.chunk.derived && (within(at, s.range) || (s.range.start.line === at.line && s.range.start.column === at.column))) ||
    (down.range !== undefined && before(down.range.start, down.range.end) && within(at, down.range));
  return inDown ? 'down' : 'up';
}

/** The error-level findings in the given section of these migrations. */
export function blockingFindings(findings: readonly Finding[], migrations: readonly Migration[], direction: 'up' | 'down'): Finding[] {
  return findings.filter((f) => f.severity === 'error' && migrations.some((m) => sectionOfFinding(f, m) === direction));
}
