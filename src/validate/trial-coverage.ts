import type { Migration } from '../ir/types.js';
import type { ExecMigration } from '../exec/migrations.js';
import { migrationId } from '../plan/plan.js';
import type { DataCoverage } from './trial-data.js';
import { migrationLabel, plural } from './types.js';

/**
 * What the trial covered, said plainly: ups applied, downs run and compared, and every
 * migration (or half of one) not tried, with why. A run that tried less than everything is
 * never reported as a plain pass.
 */

export interface NotTried {
  /** The plan's identity of the migration. */
  id: string;
  /** How reports name it (`000042_add_tenant`). */
  label: string;
  file: string;
  /** Which half was not tried: `up` (the whole migration) or `down`. */
  part: 'up' | 'down';
  reason: string;
  /** For a call migratelint could not lower: where it is. */
  line?: number;
}

/** One folder's trial (one database's history), as the JSON's `checks[trial].data.groups[]`. */
export interface GroupCoverage {
  folder: string;
  migrations: number;
  /** Ups applied. */
  up: number;
  /** Downs run and compared with the schema before their up. */
  down: number;
  /** Ups applied again after their down. */
  reup: number;
  /** Whether the folder's format has down migrations at all. */
  hasDowns: boolean;
  notTried: NotTried[];
  notes: string[];
  /** Generated rows (--trial-data): tables filled, rows, cycles checked, tables left short. */
  data?: DataCoverage;
}

export function newCoverage(folder: string, migrations: number, hasDowns: boolean): GroupCoverage {
  return { folder, migrations, up: 0, down: 0, reup: 0, hasDowns, notTried: [], notes: [] };
}

export function notTried(em: ExecMigration, part: 'up' | 'down', reason: string): NotTried {
  const m = em.migration;
  return { id: em.id, label: migrationLabel(m), file: (part === 'down' ? m.down.file : undefined) ?? em.file, part, reason };
}

/** A migration the plan left out, not tried at all. */
export function notTriedMigration(m: Migration, reason: string): NotTried {
  return { id: migrationId(m), label: migrationLabel(m), file: m.path, part: 'up', reason };
}

/** "342 ups, 339 downs compared, 3 not tried: a (no down migration), b (…), c (…)". */
export function coverageText(groups: readonly GroupCoverage[]): string {
  const total = groups.reduce((n, g) => n + g.migrations, 0);
  const ups = groups.reduce((n, g) => n + g.up, 0);
  const downs = groups.reduce((n, g) => n + g.down, 0);
  const skipped = groups.flatMap((g) => g.notTried);
  const parts = [ups === total ? plural(ups, 'up') : `${ups} of ${plural(total, 'up')}`];
  if (groups.some((g) => g.hasDowns)) parts.push(`${plural(downs, 'down')} compared`);
  else parts.push('no downs (the format has none)');
  if (skipped.length) {
    const named = skipped.slice(0, 3).map((s) => `${s.label}${s.part === 'down' ? ' down' : ''} (${s.reason})`);
    parts.push(`${skipped.length} not tried: ${named.join(', ')}${skipped.length > 3 ? `, and ${skipped.length - 3} more` : ''}`);
  }
  return parts.join(', ');
}

/** The not-tried list grouped by reason, for the lines under the check: reason → labels. */
export function notTriedByReason(groups: readonly GroupCoverage[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of groups.flatMap((g) => g.notTried)) {
    const key = `${s.part === 'down' ? 'down' : 'up'}: ${s.reason}`;
    const list = out.get(key);
    if (list) list.push(s.label);
    else out.set(key, [s.label]);
  }
  return out;
}

/**
 * What the generated rows covered, as a note: "rows: 2 in each of 14 tables before their
 * migrations' cycles; 31 downs checked for lost rows; 1 table not filled: codes (…)".
 */
export function dataNote(groups: readonly GroupCoverage[]): string | undefined {
  const data = groups.map((g) => g.data).filter((d) => d !== undefined);
  if (!data.length) return undefined;
  const tables = data.reduce((n, d) => n + d.tables, 0);
  const rows = data.reduce((n, d) => n + d.rows, 0);
  const checked = data.reduce((n, d) => n + d.checked, 0);
  const short = data.flatMap((d) => d.notFilled);
  if (!tables && !checked && !short.length) return undefined; // no migration named a table that existed before it
  let note = `rows: ${plural(rows, 'row')} generated in ${plural(tables, 'table')} before the cycles of the migrations changing them; ${plural(checked, 'down')} checked for rows lost after down → up`;
  if (short.length) {
    const named = short.slice(0, 3).map((s) => `${s.table ? s.table.replace(/^public\./, '') : s.migration} (${s.reason})`);
    note += `; ${plural(short.length, 'table')} not filled: ${named.join(', ')}${short.length > 3 ? `, and ${short.length - 3} more` : ''}`;
  }
  return note;
}
