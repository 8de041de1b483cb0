import type { Finding } from '../ir/types.js';
import type { ExecMigration } from '../exec/migrations.js';
import { READ_LIMIT, type DataPlan, type TableRows } from './trial-data.js';
import { migrationLabel, plural, FILE_START } from './types.js';

/**
 * What a down loses of the rows that were there before its up: the rows of the tables the
 * migration names, read before the up, after the up, and after down → up again. Only rows
 * and columns the up did not create count (those that existed before the up and are still
 * there after it): a down may drop what its up added, and the up adds it again.
 *
 * Rows are matched by primary key where the table has one, else as whole rows.
 */

export interface DataLoss {
  table: string;
  /** Rows that existed before the up, survived it, and are gone after down → up. */
  rows: number;
  /** Of how many such rows. */
  of: number;
  /** Columns the up did not add whose values are gone (dropped) or different after down → up. */
  columns: { name: string; rows: number; dropped: boolean }[];
  /** One row as it was after the up and after down → up, for the details. */
  sample?: { afterUp: string; again: string };
}

type Row = Record<string, unknown>;
const json = (v: unknown) => JSON.stringify(v ?? null);
const columnsOf = (rows: readonly Row[]) => new Set(rows.length ? Object.keys(rows[0]) : []);

export function dataLosses(plan: DataPlan, afterUp: TableRows, again: TableRows): DataLoss[] {
  const out: DataLoss[] = [];
  for (const t of plan.tables) {
    const before = plan.before.get(t.name) ?? [];
    const first = afterUp.get(t.name);
    // Nothing to lose, the up removed the table or its rows, or too many rows to compare.
    if (!before.length || !first?.length || before.length > READ_LIMIT || first.length > READ_LIMIT) continue;
    const second = again.get(t.name) ?? [];
    if (second.length > READ_LIMIT) continue;
    const colsBefore = columnsOf(before);
    const colsUp = columnsOf(first);
    const colsAgain = second.length ? columnsOf(second) : colsUp;
    const kept = [...colsBefore].filter((c) => colsUp.has(c));
    const pk = t.constraints.find((k) => k.kind === 'p')?.cols;
    const byKey = pk && pk.every((c) => colsBefore.has(c) && colsUp.has(c) && colsAgain.has(c));
    const keyCols = byKey ? pk! : kept.filter((c) => colsAgain.has(c));
    const key = (r: Row) => json(keyCols.map((c) => r[c]));
    const existed = new Set(before.map(key));
    const survivors = first.filter((r) => existed.has(key(r)));
    if (!survivors.length) continue;

    const loss: DataLoss = { table: t.name, rows: 0, of: survivors.length, columns: [] };
    const secondByKey = new Map<string, Row[]>();
    for (const r of second) {
      const list = secondByKey.get(key(r));
      if (list) list.push(r);
      else secondByKey.set(key(r), [r]);
    }
    const matched: [Row, Row][] = [];
    for (const r of survivors) {
      const list = secondByKey.get(key(r));
      const match = list?.shift();
      if (match) matched.push([r, match]);
      else {
        loss.rows++;
        loss.sample ??= { afterUp: json(r), again: '(no such row)' };
      }
    }
    for (const c of kept) {
      if (!colsAgain.has(c)) {
        const rows = survivors.filter((r) => r[c] !== null && r[c] !== undefined).length;
        if (rows) loss.columns.push({ name: c, rows, dropped: true });
        continue;
      }
      if (!byKey) continue; // whole-row matching: a changed value shows as a lost row
      const changed = matched.filter(([a, b]) => a[c] !== null && json(a[c]) !== json(b[c]));
      if (changed.length && lostValues(changed.map(([a, b]) => [a[c], b[c]]))) {
        loss.columns.push({ name: c, rows: changed.length, dropped: false });
        loss.sample ??= { afterUp: json(changed[0][0]), again: json(changed[0][1]) };
      }
    }
    if (loss.rows || loss.columns.length) out.push(loss);
  }
  return out;
}

/**
 * Whether values that differ after down → up were lost rather than worked on again: they
 * are NULL now, or (with several rows) all one value where they were different, as a
 * column dropped and added back with a default gives. An up that changes the values it
 * finds (a backfill run a second time) is not a loss.
 */
function lostValues(pairs: readonly [unknown, unknown][]): boolean {
  if (pairs.some(([, now]) => now === null || now === undefined)) return true;
  const was = new Set(pairs.map(([a]) => json(a)));
  const now = new Set(pairs.map(([, b]) => json(b)));
  return was.size > 1 && now.size === 1;
}

const tableName = (name: string) => name.replace(/^public\./, '');

/** The words for one table's loss, after "down of <migration> loses ". */
export function describeLoss(l: DataLoss): string {
  const t = tableName(l.table);
  const parts: string[] = [];
  if (l.rows) parts.push(`${l.rows} of ${plural(l.of, 'row')} of table ${t}`);
  for (const c of l.columns) {
    parts.push(
      c.dropped
        ? `column ${t}.${c.name} with its values in ${plural(c.rows, 'row')} (the up did not add it)`
        : `the values of ${t}.${c.name} in ${plural(c.rows, 'row')} (after down → up they are NULL or all one value)`,
    );
  }
  return parts.join('; ');
}

/** A finding on the down of `em` for the rows it loses in one table. */
export function dataLossFinding(em: ExecMigration, l: DataLoss): Finding {
  const m = em.migration;
  return {
    ruleId: 'validate/trial-down-loses-data',
    severity: 'error',
    message: `down of ${migrationLabel(m)} loses data the up did not create: ${describeLoss(l)}`,
    file: m.down.file ?? em.file,
    range: m.down.statements[0]?.range ?? m.down.range ?? FILE_START,
    details: l.sample
      ? [
          { label: 'a row after the up', lines: [l.sample.afterUp] },
          { label: 'the same row after down → up', lines: [l.sample.again] },
        ]
      : undefined,
    hint: 'a down should undo what its up did and keep the rest: rows written before the up are production data',
  };
}
