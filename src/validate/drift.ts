import type { Finding, Migration } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';
import { openDriver } from '../exec/drivers/index.js';
import { parseDbTarget, redact, type DbTarget } from '../exec/url.js';
import { isDataDir } from '../exec/drivers/pglite.js';
import { historyExists, historyTable, migrationStates, readHistory, stateKind, DEFAULT_HISTORY_SCHEMA, type MigrationState } from '../exec/history.js';
import { compareIds, execPlan, sameContent, toExecMigration, type ExecMigration } from '../exec/migrations.js';
import { readNativeView, withNativeStates } from '../exec/native-view.js';
import { secretsOf } from '../exec/context.js';
import { migrationLabel, errorCount, plural, FILE_START, ON_TARGET, type CheckResult } from './types.js';
import type { AppliedView } from './sequence.js';

/**
 * Check 5, drift against the target (--db): read-only, through the execution layer's
 * history table (`migratelint_migrations`, written by `migratelint apply`) and checksums
 * (sha256 of each migration's main file). Reports applied migrations whose file changed
 * since, applied migrations with no file on disk, partly applied ones, and lists what a
 * deploy would apply. Nothing is written: the session is READ ONLY and the history table
 * is never created.
 */

export interface TargetState {
  /** The target, password masked. */
  target: string;
  server?: string;
  historyTable: string;
  historyPresent: boolean;
  states: Map<string, MigrationState>;
  /** Other tools' history tables found when migratelint's is absent. */
  otherTools: string[];
  /** The tools' own history tables of the linted formats that were read (status reads the same). */
  nativeTables: string[];
  /** The latest ANALYZE (manual or auto) of any user table, ISO 8601; undefined when none or unreadable. */
  lastAnalyze?: string;
  /** Set when the target could not be read. */
  error?: string;
}

/** History tables of other tools, to explain an empty migratelint history. */
const OTHER_TOOLS: [string, string][] = [
  ['schema_migrations', 'golang-migrate, dbmate'],
  ['goose_db_version', 'goose'],
  ['flyway_schema_history', 'Flyway'],
  ['__diesel_schema_migrations', 'diesel'],
  ['_prisma_migrations', 'Prisma'],
  ['drizzle.__drizzle_migrations', 'drizzle'],
  ['alembic_version', 'Alembic'],
  ['django_migrations', 'Django'],
  ['knex_migrations', 'knex'],
  ['"SequelizeMeta"', 'Sequelize'],
  ['pgmigrations', 'node-pg-migrate'],
  ['kysely_migration', 'Kysely'],
  ['mikro_orm_migrations', 'MikroORM'],
];

/** Opens the target read-only and reads its migration history. Never throws for an unreachable target. */
/** When the statistics were last gathered (what a stats snapshot would see changed since). */
async function latestAnalyze(driver: Driver): Promise<string | undefined> {
  try {
    const [row] = await driver.query<{ at: string | Date | null }>(
      `SELECT max(greatest(last_analyze, last_autoanalyze)) AS at FROM pg_stat_user_tables`,
    );
    return row?.at ? new Date(row.at).toISOString() : undefined;
  } catch {
    return undefined; // the view hidden from this role: nothing to compare with
  }
}

export async function readTarget(
  db: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv; schema?: string; migrations?: readonly Migration[]; nativeHistory?: boolean },
): Promise<TargetState> {
  const target: DbTarget = parseDbTarget(db, options.cwd, options.env);
  const schema = options.schema ?? DEFAULT_HISTORY_SCHEMA;
  const state: TargetState = {
    target: target.display,
    historyTable: historyTable(schema).replace(/"/g, ''),
    historyPresent: false,
    states: new Map(),
    otherTools: [],
    nativeTables: [],
  };
  if (target.kind === 'pglite' && target.dataDir !== null && !isDataDir(target.dataDir)) {
    state.error = `no database at ${target.display}`;
    return state;
  }
  let driver: Driver | undefined;
  try {
    driver = await openDriver(target, { command: 'validate', lockWaitMs: 10_000, mustExist: true });
    await driver.execute('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    state.server = (await driver.serverVersion()).text.split(' on ')[0].replace(/,.*$/, '');
    state.historyPresent = await historyExists(driver, schema);
    if (state.historyPresent) state.states = migrationStates(await readHistory(driver, schema));
    // The tools' own tables: what the team's tool applied counts as applied, as in status.
    if (options.migrations && options.nativeHistory !== false) {
      const { migrations } = execPlan(options.migrations);
      const native = await readNativeView(driver, migrations);
      state.states = withNativeStates(state.states, native, migrations);
      state.nativeTables = native.tables;
    }
    state.lastAnalyze = await latestAnalyze(driver);
    if (!state.historyPresent && !state.nativeTables.length) {
      for (const [table, tool] of OTHER_TOOLS) {
        const [row] = await driver.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
        if (row?.ok) state.otherTools.push(`${table.replace(/"/g, '')} (${tool})`);
      }
    }
  } catch (e) {
    state.error = redact((e as Error).message ?? String(e), secretsOf(target));
  } finally {
    await driver?.close().catch(() => {});
  }
  return state;
}

/** Which migrations the target has applied, for the sequence check's non-linear history test. */
export function appliedView(state: TargetState): AppliedView | undefined {
  if (state.error) return undefined;
  const applied = new Set<string>();
  for (const [id, s] of state.states) if (stateKind(s) === 'applied' || stateKind(s) === 'partial' || stateKind(s) === 'running') applied.add(id);
  return { target: state.target, applied };
}

const short = (checksum: string) => checksum.slice(0, 12);
const when = (d: Date | string) => new Date(d).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function driftCheck(migrations: readonly Migration[], state: TargetState): CheckResult {
  const findings: Finding[] = [];
  if (state.error) {
    findings.push({
      ruleId: 'validate/drift-unreachable',
      severity: 'error',
      message: `cannot read ${state.target}: ${state.error}`,
      ...ON_TARGET,
      hint: 'check --db (and that the database is reachable from CI); drift and out-of-order migrations were not checked',
    });
    return { id: 'drift', status: 'failed', summary: `cannot read ${state.target}`, findings };
  }

  // The executor's view of each migration: its history id and checksum.
  const byId = new Map<string, ExecMigration[]>();
  for (const m of migrations) {
    const em = toExecMigration(m);
    if (!em) continue;
    byId.set(em.id, [...(byId.get(em.id) ?? []), em]);
  }
  const pending: { id: string; file: string }[] = [];
  let applied = 0;
  for (const [id, ems] of [...byId].sort(([a], [b]) => compareIds(a, b))) {
    const s = state.states.get(id);
    const kind = stateKind(s);
    // Two files with one version (the sequence check reports it): the history says which one ran.
    const recorded = s?.lastApplied?.file ?? s?.current?.file;
    const ran = ems.find((e) => e.file === recorded) ?? ems[0];
    if (kind === 'applied') {
      applied++;
      const row = s!.lastApplied!;
      if (row.checksum && !sameContent(row.checksum, ran)) {
        findings.push({
          ruleId: 'validate/drift-changed',
          severity: 'error',
          message: `${migrationLabel(ran.migration)} was applied on ${state.target} (${when(row.applied_at)} by ${row.applied_by}) and its file changed since`,
          file: ran.file,
          range: FILE_START,
          details: [{ label: 'checksum', lines: [`applied: ${short(row.checksum)}`, `on disk: ${short(ran.checksum)}`] }],
          hint: 'an applied migration never runs again: restore the file as it was applied and put the change in a new migration',
        });
      }
      for (const other of ems) if (other !== ran) pending.push({ id, file: other.file });
      continue;
    }
    if (kind === 'partial' || kind === 'running') {
      const cur = s!.current!;
      findings.push({
        ruleId: 'validate/drift-partial',
        severity: 'error',
        message: `${migrationLabel(ran.migration)} is partly applied on ${state.target} (${cur.result} since ${when(cur.applied_at)}, ${plural(cur.progress, 'statement')} done)`,
        file: ran.file,
        range: FILE_START,
        hint: cur.direction === 'up' ? 'finish it with "migratelint apply" (it resumes where it stopped)' : 'finish the rollback with "migratelint rollback"',
      });
      continue;
    }
    for (const e of ems) pending.push({ id, file: e.file });
    if (s?.lastFailure) {
      findings.push({
        ruleId: 'validate/drift-last-failed',
        severity: 'warn',
        message: `the last attempt to apply ${migrationLabel(ran.migration)} on ${state.target} failed (${when(s.lastFailure.applied_at)}): ${(s.lastFailure.error ?? 'no message').split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ')}`,
        file: ran.file,
        range: FILE_START,
      });
    }
  }
  for (const [id, s] of state.states) {
    if (byId.has(id)) continue;
    const kind = stateKind(s);
    if (kind === 'pending') continue; // rolled back and then deleted: nothing left to say
    const row = s.lastApplied ?? s.current!;
    findings.push({
      ruleId: 'validate/drift-missing-file',
      severity: 'error',
      message: `${id}${row.name ? ` (${row.name})` : ''} is applied on ${state.target} but has no migration file on disk${row.file ? ` (it was ${row.file})` : ''}`,
      ...ON_TARGET,
      details: [{ label: 'history', lines: [`${row.result} ${when(row.applied_at)} by ${row.applied_by}, checksum ${short(row.checksum)}`] }],
      hint: 'restore the file (a deploy from this tree could not roll it back), or check --db points at the right database',
    });
  }
  if (!state.historyPresent && !state.nativeTables.length) {
    findings.push({
      ruleId: 'validate/drift-no-history',
      severity: 'warn',
      message:
        `${state.target} has no ${state.historyTable} table: nothing is recorded as applied, so all ${plural(pending.length, 'migration')} would be applied` +
        (state.otherTools.length ? `; it has ${state.otherTools.join(', ')}, which migratelint does not read` : ''),
      ...ON_TARGET,
    });
  }
  // What a deploy would apply, in the order it would: the framework's (src/plan).
  const order = new Map(execPlan(migrations).migrations.map((m) => [m.id, m.index]));
  pending.sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity) || compareIds(a.id, b.id) || (a.file < b.file ? -1 : 1));
  const errors = errorCount(findings);
  const list = pending.length ? `: a deploy would apply ${pending.slice(0, 5).map((p) => p.id).join(', ')}${pending.length > 5 ? `, ... (${pending.length - 5} more)` : ''}` : ': nothing to deploy';
  return {
    id: 'drift',
    status: errors ? 'failed' : 'passed',
    summary: `${state.target}${state.server ? ` (${state.server})` : ''}: ${applied} applied, ${pending.length} pending${errors ? `, ${plural(errors, 'error')}` : list}`,
    findings,
    data: {
      target: state.target,
      server: state.server ?? null,
      historyTable: state.historyTable,
      history: state.nativeTables[0] ?? state.historyTable.replace(/^public\./, ''),
      historyPresent: state.historyPresent,
      applied,
      pending,
    },
  };
}
