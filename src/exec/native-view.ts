/**
 * What the migration tools' own history tables say, merged with migratelint's history:
 * on a database the team's tool migrated, a migration its table records counts as
 * applied even though migratelint never ran it; a dirty or failed mark stops apply, as
 * it stops the tool. Between the first and last migrations migratelint itself recorded,
 * its own history decides.
 */
import type { Driver } from './drivers/types.js';
import type { ExecMigration } from './migrations.js';
import type { HistoryRow, MigrationState } from './history.js';
import { nativeHistoryFor, type NativeHistory } from './native/index.js';

export interface NativeView {
  /** The native tables that exist and were read. */
  tables: string[];
  /** Ids the tools count as applied. */
  applied: Set<string>;
  /** Ids the tools mark dirty or failed, with what they say. */
  dirty: Map<string, string>;
}

/** A table as messages show it: `schema_migrations`, schema-qualified only outside `public`. */
const shownTable = (table: string) => table.replace(/^"?public"?\./, '');

export const EMPTY_NATIVE_VIEW: NativeView = { tables: [], applied: new Set(), dirty: new Map() };

/** The native history of each format the plan holds. */
export function nativeHistories(migrations: readonly ExecMigration[]): { history: NativeHistory; migrations: ExecMigration[] }[] {
  const byFormat = new Map<NativeHistory, ExecMigration[]>();
  for (const m of migrations) {
    const history = nativeHistoryFor(m.planned.format);
    if (!history) continue;
    const list = byFormat.get(history);
    if (list) list.push(m);
    else byFormat.set(history, [m]);
  }
  return [...byFormat].map(([history, list]) => ({ history, migrations: list }));
}

/** Reads every native table the plan's formats have; a table that does not exist adds nothing. */
export async function readNativeView(driver: Driver, migrations: readonly ExecMigration[]): Promise<NativeView> {
  const view: NativeView = { tables: [], applied: new Set(), dirty: new Map() };
  for (const { history, migrations: list } of nativeHistories(migrations)) {
    const state = await history.read(
      driver,
      list.map((m) => m.planned),
    );
    if (!state) continue;
    view.tables.push(shownTable(state.table));
    for (const id of state.applied) view.applied.add(id);
    for (const d of state.dirty) view.dirty.set(d.id, d.message);
  }
  return view;
}

/**
 * migratelint's states, completed from the native view: a migration migratelint has no
 * row for takes the tool's word (applied, or dirty = partial). The row stands in for one
 * migratelint would have written: no checksum, so no drift is claimed from it.
 */
export function withNativeStates(
  states: Map<string, MigrationState>,
  view: NativeView,
  migrations: readonly ExecMigration[],
): Map<string, MigrationState> {
  if (!view.applied.size && !view.dirty.size) return states;
  // Between the first and the last migration migratelint itself recorded, its own history
  // knows better: a tool table that keeps one version (golang-migrate) only implies what
  // is below it, and a migration migratelint skipped there is pending. The tool's word
  // fills in what came before migratelint took over, and what the tool applied after.
  const own = migrations.filter((m) => states.get(m.id)?.current).map((m) => m.index);
  const [first, last] = own.length ? [Math.min(...own), Math.max(...own)] : [Infinity, -Infinity];
  const out = new Map(states);
  for (const m of migrations) {
    if (out.get(m.id)?.current || (m.index > first && m.index < last)) continue;
    const dirty = view.dirty.get(m.id);
    if (!dirty && !view.applied.has(m.id)) continue;
    const row: HistoryRow = {
      id: 0,
      version: m.id,
      name: m.name ?? null,
      direction: 'up',
      result: dirty ? 'partial' : 'applied',
      checksum: '',
      file: m.file,
      applied_at: new Date(0),
      applied_by: view.tables.join(', '),
      duration_ms: null,
      progress: 0,
      progress_checksum: null,
      error: dirty ?? null,
      tool_version: null,
      note: 'recorded by the tool itself',
    };
    out.set(m.id, { version: m.id, current: row, lastApplied: dirty ? undefined : row });
  }
  return out;
}
