import type { Finding } from '../ir/types.js';
import { blocksWrites, type LockLevel } from '../pg/locks.js';
import { formatBytes } from '../stats/units.js';

/**
 * One line for a summary when a stats snapshot showed statements blocking writes on
 * tables over `risk.large`: `2 statements block writes on tables over risk.large (largest:
 * public.orders, 23 GB)`. Statements, not findings: two rules on one statement count once.
 */
export function largeLockLine(findings: readonly Finding[]): string | undefined {
  const places = new Set<string>();
  let largest: Finding['risk'];
  for (const f of findings) {
    const r = f.risk;
    if (!r || r.size !== 'large' || !blocksWrites(r.lock as LockLevel)) continue;
    places.add(`${f.file}:${f.range.start.line}:${f.range.start.column}`);
    if (!largest || r.bytes > largest.bytes) largest = r;
  }
  if (!largest) return undefined;
  const n = places.size;
  return `${n} statement${n === 1 ? ' blocks' : 's block'} writes on tables over risk.large (largest: ${largest.table}, ${formatBytes(largest.bytes)})`;
}
