import type { Driver } from './drivers/types.js';
import { isDataDir } from './drivers/pglite.js';
import { compareIds, loadExecPlan, sameContent, type ExecPlan } from './migrations.js';
import { HISTORY_TABLE, historyExists, historyTable, isNativeRow, migrationStates, readHistory, stateKind, type HistoryRow, type StateKind } from './history.js';
import { interruptedRestore } from './backup/restore-marker.js';
import { EMPTY_NATIVE_VIEW, readNativeView, withNativeStates, type NativeView } from './native-view.js';
import { openDb, type ExecContext } from './context.js';
import { fmtMs, withReport } from './apply.js';

export interface StatusEntry {
  id: string;
  name?: string;
  file?: string;
  state: StateKind;
  /** Set for applied (and partly applied) migrations. */
  appliedAt?: string;
  appliedBy?: string;
  /** For a migration only the tool's own table records: that table. */
  recordedBy?: string;
  durationMs?: number | null;
  checksum?: string;
  /** partial / running: statements done. */
  progress?: number;
  /** partial / running: whether the up (apply resumes it) or the down (rollback finishes it) stopped part way. */
  direction?: 'up' | 'down';
  /** The latest attempt failed (the migration is still in its previous state). */
  lastFailure?: { at: string; by: string; error: string | null };
  drift?: 'changed' | 'missing';
}

export interface StatusResult {
  db: string;
  server?: string;
  historyTable: string;
  /** The table the applied list comes from: the format's own (`schema_migrations`) when it exists, else migratelint's. */
  history: string;
  /** The tools' own history tables that were read. */
  nativeTables: string[];
  historyPresent: boolean;
  migrations: StatusEntry[];
  applied: number;
  pending: number;
  drift: number;
  partial: number;
  /**
   * The partly applied and partly rolled back migrations in words, each group with the
   * command that carries it on (`1 partly rolled back (0002: run migratelint rollback to finish it)`).
   */
  partialSummary?: string;
  /** Why the order of the migrations on disk is unknowable (apply refuses until they are solved). */
  problems: string[];
  /** How many files were written for another database and left out. */
  otherDatabases: number;
  /** A restore that was killed half way, and the command to finish or undo it. */
  interruptedRestore?: string;
}

const stoppedPartWay = (e: { state: StateKind }) => e.state === 'partial' || e.state === 'running';

export async function collectStatus(ctx: ExecContext, dir: string | undefined, driver: Driver | undefined): Promise<StatusResult> {
  const plan: ExecPlan = dir ? await loadExecPlan(dir, ctx.cwd) : { migrations: [], problems: [], replaced: [], otherDatabases: [], nativeHistory: false, runner: {} };
  const migrations = plan.migrations;
  let rows: HistoryRow[] = [];
  let server: string | undefined;
  let present = false;
  let native: NativeView = EMPTY_NATIVE_VIEW;
  if (driver) {
    server = (await driver.serverVersion()).text.split(' on ')[0];
    present = await historyExists(driver, ctx.schema);
    rows = present ? await readHistory(driver, ctx.schema) : [];
    if (plan.nativeHistory) native = await readNativeView(driver, migrations);
  }
  const states = withNativeStates(migrationStates(rows), native, migrations);
  const entries: StatusEntry[] = [];
  const seen = new Set<string>();
  const fromRow = (row: HistoryRow | undefined) =>
    isNativeRow(row) ? { recordedBy: row!.applied_by } : row ? { appliedAt: new Date(row.applied_at).toISOString(), appliedBy: row.applied_by, durationMs: row.duration_ms, checksum: row.checksum } : {};
  for (const m of migrations) {
    seen.add(m.id);
    const s = states.get(m.id);
    const state = stateKind(s);
    const entry: StatusEntry = { id: m.id, name: m.name, file: m.file, state, checksum: m.checksum };
    if (state === 'applied') {
      Object.assign(entry, fromRow(s!.lastApplied));
      if (s!.lastApplied && s!.lastApplied.checksum && !sameContent(s!.lastApplied.checksum, m)) {
        // A changed Flyway repeatable is no drift: apply runs it again.
        if (m.planned.repeatable) entry.state = 'pending';
        else entry.drift = 'changed';
      }
    } else if (state === 'partial' || state === 'running') {
      Object.assign(entry, fromRow(s!.current), { progress: s!.current!.progress, direction: s!.current!.direction });
    }
    if (s?.lastFailure) entry.lastFailure = { at: new Date(s.lastFailure.applied_at).toISOString(), by: s.lastFailure.applied_by, error: s.lastFailure.error };
    entries.push(entry);
  }
  // On disk: the plan's order. Applied but gone from disk: after them, by id.
  const gone: StatusEntry[] = [];
  for (const s of states.values()) {
    if (seen.has(s.version)) continue;
    const state = stateKind(s);
    if (state === 'pending') continue; // rolled back and then deleted from disk: nothing to say
    const direction = stoppedPartWay({ state }) ? { direction: s.current!.direction } : {};
    gone.push({ id: s.version, name: s.current?.name ?? undefined, file: s.current?.file ?? undefined, state, ...fromRow(s.lastApplied ?? s.current), ...direction, drift: 'missing' });
  }
  entries.push(...gone.sort((a, b) => compareIds(a.id, b.id)));
  return {
    db: ctx.target.display,
    server,
    historyTable: historyTable(ctx.schema).replace(/"/g, ''),
    history: native.tables[0] ?? HISTORY_TABLE,
    nativeTables: native.tables,
    historyPresent: present,
    migrations: entries,
    applied: entries.filter((e) => e.state === 'applied').length,
    pending: entries.filter((e) => e.state === 'pending').length,
    drift: entries.filter((e) => e.drift).length,
    partial: entries.filter(stoppedPartWay).length,
    partialSummary: partialSummary(entries),
    problems: plan.problems,
    otherDatabases: plan.otherDatabases.length,
  };
}

/**
 * What takes a migration stopped part way further: the command that accepts it next.
 * apply resumes an up and refuses a down stopped half way; rollback finishes that down.
 * A migration the tool's own table marks dirty is settled by hand, then recorded.
 */
function nextStep(e: StatusEntry): { group: string; hint: string } {
  if (e.recordedBy) return { group: "dirty in the tool's own history", hint: 'fix the database, then migratelint repair <id> --applied or --rolled-back' };
  if (e.direction === 'down') return { group: 'partly rolled back', hint: 'run migratelint rollback to finish it' };
  return { group: 'partly applied', hint: 'run migratelint apply to resume' };
}

function partialSummary(entries: StatusEntry[]): string | undefined {
  const groups = new Map<string, { hint: string; ids: string[] }>();
  for (const e of entries.filter(stoppedPartWay)) {
    const { group, hint } = nextStep(e);
    const g = groups.get(group) ?? { hint, ids: [] };
    g.ids.push(e.id);
    groups.set(group, g);
  }
  if (!groups.size) return undefined;
  return [...groups].map(([group, g]) => `${g.ids.length} ${group} (${g.ids.join(', ')}: ${g.hint})`).join(', ');
}

/** `migratelint status`: applied, pending and drift. Exit 1 when there is drift or a partly applied migration. */
export async function status(ctx: ExecContext, options: { dir?: string; json: boolean }): Promise<number> {
  return withReport(ctx, async (report) => {
    let driver: Driver | undefined;
    try {
      const fresh = ctx.target.kind === 'pglite' && ctx.target.dataDir !== null && !isDataDir(ctx.target.dataDir);
      // A restore killed half way: the database on show may be the wrong one, or missing.
      const restore = await interruptedRestore({ target: ctx.target, backupDir: ctx.backupDir, cwd: ctx.cwd });
      if (!fresh && !restore) driver = await openDb(ctx);
      const result = await collectStatus(ctx, options.dir, driver);
      if (restore) result.interruptedRestore = restore;
      report.data.status = result;
      if (restore) ctx.err(`warning: ${restore}`);
      if (options.json) ctx.out(JSON.stringify(result, null, 2));
      else printStatus(ctx, result, fresh);
      const attention = result.drift > 0 || result.partial > 0 || result.problems.length > 0 || !!restore;
      if (attention) report.data.outcome = 'drift';
      return attention ? 1 : 0;
    } finally {
      if (driver) await driver.close();
    }
  });
}

function printStatus(ctx: ExecContext, r: StatusResult, fresh: boolean): void {
  ctx.out(`Database: ${r.db}${r.server ? ` (${r.server})` : fresh ? ' (not created yet)' : ''}`);
  ctx.out(`History:  ${r.historyTable}${r.historyPresent ? '' : ' (not created yet)'}${r.nativeTables.length ? `; the tool's own: ${r.nativeTables.join(', ')}` : ''}`);
  ctx.out('');
  const idW = Math.max(7, ...r.migrations.map((e) => e.id.length));
  const nameW = Math.min(40, Math.max(4, ...r.migrations.map((e) => (e.name ?? '').length)));
  for (const e of r.migrations) {
    const state = e.drift === 'missing' ? 'missing' : e.state;
    let line = `  ${state.padEnd(8)} ${e.id.padEnd(idW)}  ${(e.name ?? '').slice(0, 40).padEnd(nameW)}`;
    if (e.appliedAt) {
      line += `  ${e.appliedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${e.appliedBy}`;
      if (e.durationMs !== undefined && e.durationMs !== null) line += `  ${fmtMs(e.durationMs)}`;
      if (e.checksum) line += `  ${e.checksum.slice(0, 12)}`;
    }
    if (e.recordedBy) line += `  (recorded in ${e.recordedBy})`;
    if (e.progress !== undefined && !e.recordedBy) {
      const statements = `${e.progress} statement${e.progress === 1 ? '' : 's'}`;
      const done = e.direction === 'down' ? `${statements} of its down done` : `${statements} done`;
      line += `  (${e.state}: ${done}; ${nextStep(e).hint})`;
    }
    if (e.recordedBy && e.state === 'partial') line += `  DIRTY: fix the database, then migratelint repair ${e.id} --applied or --rolled-back`;
    if (e.drift === 'changed') line += '  DRIFT: file changed since applied';
    if (e.drift === 'missing') line += '  DRIFT: applied, but no file on disk';
    if (e.lastFailure) line += `  (last attempt failed ${e.lastFailure.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')})`;
    ctx.out(line.trimEnd());
  }
  if (!r.migrations.length) ctx.out('  (no migrations)');
  ctx.out('');
  ctx.out(`${r.applied} applied, ${r.pending} pending${r.partialSummary ? `, ${r.partialSummary}` : ''}, ${r.drift} drift`);
  for (const p of r.problems) ctx.out(`problem: ${p}`);
  if (r.otherDatabases) ctx.out(`${r.otherDatabases} file${r.otherDatabases === 1 ? '' : 's'} written for other databases (….mysql.up.sql, ….sqlite3.up.sql, ...) left out`);
}
