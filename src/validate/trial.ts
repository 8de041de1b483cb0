import type { Finding, FindingDetail, Migration, Range, Statement } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';
import { toExecMigration, type ExecMigration } from '../exec/migrations.js';
import { planSection, type Direction } from '../exec/plan.js';
import { runSection, type Failure, type RunSettings } from '../exec/runner.js';
import { ensureHistory } from '../exec/history.js';
import { describeServerError } from '../exec/errors.js';
import { quoteIdent } from '../exec/sql.js';
import { groupInPlanOrder, isRepeatable } from './groups.js';
import { isSqlFormat } from '../formats/index.js';
import { SnapshotReader, diffSnapshots, describeDifference, differenceDetails, type LazySnapshot, type SchemaDifference, type Snapshot } from './snapshot.js';
import { TrialDatabase, isAvailableExtension, PGLITE_EXTENSIONS } from './trial-db.js';
import { migrationLabel, plural, FILE_START, type CheckResult } from './types.js';

/**
 * Check 4, the trial run. For each migrations folder, on a throwaway database:
 *
 * 1. up: apply every migration in order, taking a schema snapshot before each;
 * 2. down: run each down in reverse order and compare the schema after it with the
 *    snapshot taken before the matching up;
 * 3. up again: re-apply what was rolled back, and compare the result with the first up.
 *
 * Statements run the way `migratelint apply` runs them (the execution layer's planner and
 * runner: one transaction per migration, CREATE INDEX CONCURRENTLY and friends outside one).
 *
 * Decisions:
 * - Only SQL formats are trialled: a code migration's statements are the linter's lowering
 *   of builder calls, close to but not byte for byte what the framework runs, and data
 *   migrations in code (RunPython, knex.raw with JS around it) cannot run at all.
 * - A failing up stops the up phase (later migrations build on it); the downs of the
 *   migrations applied before it are still tried.
 * - The down phase stops at the first migration without a usable down (missing, empty,
 *   declared irreversible): below it the schema would still hold that migration's objects
 *   and every comparison would be off. The reversibility check names the migration; the
 *   trial says which downs were not tried because of it.
 * - A difference is reported once, at the first down that shows it: a column left behind
 *   by the down of 0042 is not reported again for every older down.
 * - Roles that statements refer to (GRANT ... TO app, OWNER TO app) but no migration
 *   creates exist on real servers; they are created (NOLOGIN) before the trial.
 * - PGlite bundles the contrib extensions; one it does not have (postgis, timescaledb)
 *   fails its CREATE EXTENSION with a finding that says so (--trial-db runs the trial on a
 *   scratch server that has it).
 * - Flyway repeatable migrations (R__) run once, after the cycle, to check they run.
 */

/** How long one statement may run in the trial. */
export const TRIAL_STATEMENT_TIMEOUT_MS = 60_000;

/** Where the trial keeps its history table, left out of every snapshot. */
export const TRIAL_SCHEMA = 'migratelint_trial';

export interface TrialOptions {
  /** The database to run on; it is emptied first. Without one, a fresh PGlite is opened and closed. */
  driver?: Driver;
  /** Production's PostgreSQL major version, for the note when the trial runs on another. */
  pgVersion?: number;
  /** Called as the trial moves on, for a progress line. */
  onProgress?: (what: string) => void;
}

/** Full snapshots (kept to diff against later) and hash-only ones (compared, then read in full only when different). */
interface Snapshots {
  full(): Promise<LazySnapshot>;
  hash(): Promise<string>;
}

interface GroupStats {
  folder: string;
  migrations: number;
  up: number;
  down: number;
  reup: number;
  notes: string[];
}

export async function trialCheck(all: readonly Migration[], options: TrialOptions = {}): Promise<CheckResult> {
  const t0 = performance.now();
  const candidates = all.filter((m) => isSqlFormat(m.format));
  const skippedCode = all.length - candidates.length;
  const codeNote = skippedCode
    ? `${plural(skippedCode, 'code migration')} (${[...new Set(all.filter((m) => !isSqlFormat(m.format)).map((m) => m.format))].join(', ')}) not trialled: their SQL is migratelint's rendering of builder calls`
    : undefined;
  if (candidates.length === 0) {
    return {
      id: 'trial',
      status: 'skipped',
      summary: all.length ? `no SQL migrations to trial${codeNote ? `; ${codeNote}` : ''}` : 'no migrations',
      findings: [],
    };
  }

  const groups = groupInPlanOrder(candidates);
  const extensions = [...new Set(candidates.flatMap((m) => extensionsCreated(m)))];
  const ownDb = !options.driver;
  options.onProgress?.('opening the trial database');
  const tOpen = performance.now();
  const driver = options.driver ?? (await TrialDatabase.create(extensions.filter(isAvailableExtension)));
  const openMs = performance.now() - tOpen;
  const findings: Finding[] = [];
  const stats: GroupStats[] = [];
  let server = '';
  let snapshotMs = 0;
  let snapshots = 0;
  let initialRoles: Set<string> | undefined;
  try {
    const version = await driver.serverVersion();
    server = version.text.split(' on ')[0].replace(/,.*$/, '');
    initialRoles = new Set((await driver.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((r) => r.rolname));
    let first = true;
    for (const [folder, migrations] of groups) {
      if (!first || !ownDb) await resetDatabase(driver, initialRoles);
      first = false;
      await ensureHistory(driver, TRIAL_SCHEMA);
      await createMissingRoles(driver, migrations);
      const reader = new SnapshotReader(driver, [TRIAL_SCHEMA]);
      const timed = async <T>(read: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        const out = await read();
        snapshotMs += performance.now() - t;
        snapshots++;
        return out;
      };
      const snapshot: Snapshots = { full: () => timed(() => reader.takeLazy()), hash: () => timed(() => reader.takeHash()) };
      const g = await trialGroup(driver, folder, migrations, version.num, snapshot, findings, options.onProgress);
      stats.push(g);
    }
  } finally {
    // A database given by the caller (--trial-db) is left empty, ready for the next run.
    if (ownDb) await driver.close();
    else if (initialRoles) await resetDatabase(driver, initialRoles).catch(() => {});
  }

  const failed = findings.some((f) => f.severity === 'error');
  const count = candidates.length;
  const notes = stats.flatMap((g) => g.notes);
  if (codeNote) notes.push(codeNote);
  const prodMajor = options.pgVersion;
  const serverMajor = Number(/PostgreSQL (\d+)/.exec(server)?.[1] ?? 0);
  if (prodMajor && serverMajor && prodMajor !== serverMajor) {
    notes.push(`the trial ran on ${server}; production is PostgreSQL ${prodMajor} (see pgVersion), so syntax or behaviour new in ${serverMajor} passes here`);
  }
  const downs = stats.reduce((n, g) => n + g.down, 0);
  const ups = stats.reduce((n, g) => n + g.up, 0);
  const upsText = ups === count ? plural(count, 'migration') : `${ups} of ${plural(count, 'migration')}`;
  const summary =
    `${upsText} applied on ${server || 'PostgreSQL'}, ${plural(downs, 'down')} rolled back and compared` +
    (failed ? `, ${plural(findings.filter((f) => f.severity === 'error').length, 'problem')}` : '');
  return {
    id: 'trial',
    status: failed ? 'failed' : 'passed',
    summary,
    findings,
    data: {
      server,
      migrations: count,
      groups: stats,
      notes,
      timings: {
        totalMs: Math.round(performance.now() - t0),
        openMs: Math.round(openMs),
        snapshotMs: Math.round(snapshotMs),
        snapshots,
      },
    },
  };
}

/** Runs the up / down / up-again cycle for one folder. */
async function trialGroup(
  driver: Driver,
  folder: string,
  migrations: Migration[],
  serverVersionNum: number,
  snapshot: Snapshots,
  findings: Finding[],
  onProgress?: (what: string) => void,
): Promise<GroupStats> {
  const stats: GroupStats = { folder, migrations: migrations.length, up: 0, down: 0, reup: 0, notes: [] };
  // On an empty database every statement is quick: one that runs for a minute is stuck
  // (pg_sleep, a lock it waits for), and the trial should say so instead of hanging CI.
  // PostgreSQL servers (--trial-db) enforce it; PGlite accepts the setting but has no timer.
  const settings: RunSettings = {
    schema: TRIAL_SCHEMA,
    lockTimeoutMs: 10_000,
    statementTimeoutMs: TRIAL_STATEMENT_TIMEOUT_MS,
    retries: 0,
    retryBackoffMs: 0,
    log: () => {},
  };
  const versioned: ExecMigration[] = [];
  const repeatable: ExecMigration[] = [];
  for (const m of migrations) {
    const em = toExecMigration(m);
    if (!em) continue; // a down file without its up: the reversibility check reports it
    (isRepeatable(m) ? repeatable : versioned).push(em);
  }

  const run = async (em: ExecMigration, direction: Direction) => {
    const plan = planSection(em, direction, serverVersionNum);
    if (plan.problems.length) return { ok: false as const, problem: plan.problems[0], plan };
    const result = await runSection(driver, plan, settings);
    return { ok: result.ok, failure: result.failure, partial: result.result === 'partial', plan };
  };

  const complete = await cycle(folder, versioned, run, snapshot, findings, stats, onProgress);
  // Repeatable migrations, once, over the complete schema.
  if (complete) {
    for (const em of repeatable) {
      const r = await run(em, 'up');
      if (!r.ok) findings.push(r.problem ? cannotRun(em, 'up', r.problem) : failureFinding(em, 'up', r.failure!, r.plan.statements));
    }
  }
  return stats;
}

type Runner = (
  em: ExecMigration,
  direction: Direction,
) => Promise<{ ok: boolean; problem?: string; failure?: Failure; partial?: boolean; plan: { statements: Statement[] } }>;

/** The up / down / up-again cycle; true when it ends with every migration applied. */
async function cycle(
  folder: string,
  versioned: ExecMigration[],
  run: Runner,
  snapshot: Snapshots,
  findings: Finding[],
  stats: GroupStats,
  onProgress?: (what: string) => void,
): Promise<boolean> {
  // 1. Up, with a snapshot before each migration.
  const before: LazySnapshot[] = [];
  let applied = 0;
  let dirty = false;
  let upFailed = false;
  for (const em of versioned) {
    onProgress?.(`trial: up ${applied + 1}/${versioned.length} ${migrationLabel(em.migration)}`);
    before.push(await snapshot.full());
    const m = em.migration;
    if (m.up.state !== 'present') {
      applied++;
      continue; // empty (nothing to run) or missing (reported by the reversibility check)
    }
    const r = await run(em, 'up');
    if (!r.ok) {
      findings.push(r.problem ? cannotRun(em, 'up', r.problem) : failureFinding(em, 'up', r.failure!, r.plan.statements));
      dirty = !!r.partial;
      upFailed = true;
      const rest = versioned.length - applied - 1;
      if (rest) stats.notes.push(`${folder}: the up phase stopped at ${migrationLabel(m)}; ${plural(rest, 'later migration')} not applied`);
      break;
    }
    applied++;
  }
  stats.up = applied;
  if (applied === 0) return !upFailed;
  const afterUp = await snapshot.full();
  if (dirty) {
    stats.notes.push(`${folder}: part of the failed migration stayed committed (statements outside a transaction); downs not tried`);
    return false;
  }
  if (!versioned.slice(0, applied).some((em) => em.migration.down.state !== 'missing' || em.migration.expectsDown)) {
    stats.notes.push(`${folder}: ${versioned[0].migration.format} migrations have no down migrations; down phase not run`);
    return !upFailed;
  }

  // 2. Down, newest first, comparing with the snapshot before the matching up.
  const reported = new Set<string>();
  let lowest = applied; // index of the oldest migration rolled back
  for (let i = applied - 1; i >= 0; i--) {
    const em = versioned[i];
    const m = em.migration;
    onProgress?.(`trial: down ${applied - i}/${applied} ${migrationLabel(m)}`);
    const trivial = m.down.state === 'empty' && m.up.state === 'empty';
    if (m.down.state !== 'present' && !trivial) {
      if (i > 0) stats.notes.push(`${folder}: the down phase stopped at ${migrationLabel(m)} (down ${m.down.state}); downs of the ${plural(i, 'migration')} before it not tried`);
      break;
    }
    if (!trivial) {
      const r = await run(em, 'down');
      if (!r.ok) {
        findings.push(r.problem ? cannotRun(em, 'down', r.problem) : failureFinding(em, 'down', r.failure!, r.plan.statements));
        if (r.partial) dirty = true;
        if (i > 0) stats.notes.push(`${folder}: the down phase stopped at ${migrationLabel(m)}; downs of the ${plural(i, 'migration')} before it not tried`);
        break;
      }
    }
    lowest = i;
    stats.down++;
    if ((await snapshot.hash()) === before[i].hash) continue;
    const after = (await snapshot.full()).get();
    for (const d of diffSnapshots(before[i].get(), after)) {
      const key = differenceKey(d);
      if (reported.has(key)) continue;
      reported.add(key);
      findings.push(differenceFinding(em, d, before[i].get(), after));
    }
  }
  if (dirty) return false;
  if (lowest === applied) return !upFailed;

  // 3. Up again, from the oldest migration rolled back.
  for (let i = lowest; i < applied; i++) {
    const em = versioned[i];
    onProgress?.(`trial: up again ${i - lowest + 1}/${applied - lowest} ${migrationLabel(em.migration)}`);
    if (em.migration.up.state !== 'present') continue;
    const r = await run(em, 'up');
    if (!r.ok) {
      const f = r.problem ? cannotRun(em, 'up', r.problem) : failureFinding(em, 'up', r.failure!, r.plan.statements, true);
      findings.push(f);
      return false;
    }
    stats.reup++;
  }
  if ((await snapshot.hash()) === afterUp.hash) return !upFailed;
  const final = (await snapshot.full()).get();
  for (const d of diffSnapshots(afterUp.get(), final)) {
    const key = differenceKey(d);
    if (reported.has(key)) continue;
    reported.add(key);
    const last = versioned[applied - 1];
    findings.push({
      ruleId: 'validate/trial-reapply-differs',
      severity: 'error',
      message: `after the downs and the ups again, the schema differs from the first up: ${describeDifference(d).replace(/^leaves (.*) behind$/, 'has $1 as well').replace(/^does not restore /, 'lacks ')}`,
      file: last.migration.up.file ?? last.file,
      range: FILE_START,
      details: differenceDetails(d, afterUp.get(), final).map((x, n) => ({ ...x, label: n === 0 ? 'after the first up' : 'after down and up again' })),
    });
  }

  return !upFailed;
}

function differenceKey(d: SchemaDifference): string {
  return `${d.change} ${d.key} ${JSON.stringify(d.attrs ?? [])}`;
}

function differenceFinding(em: ExecMigration, d: SchemaDifference, before: Snapshot, after: Snapshot): Finding {
  const m = em.migration;
  return {
    ruleId: 'validate/trial-down-leaves-schema',
    severity: 'error',
    message: `down of ${migrationLabel(m)} ${describeDifference(d)}`,
    file: m.down.file ?? em.file,
    range: m.down.statements[0]?.range ?? m.down.range ?? FILE_START,
    details: differenceDetails(d, before, after),
    hint: d.change === 'extra' ? `undo it in the down migration` : d.change === 'missing' ? 'the down migration drops it; only objects the up created should go' : 'make the down restore the definition the up changed',
  };
}

function cannotRun(em: ExecMigration, direction: Direction, problem: string): Finding {
  const section = em.migration[direction];
  const where = /^(.*):(\d+):(\d+): (.*)$/s.exec(problem);
  return {
    ruleId: 'validate/trial-cannot-run',
    severity: 'error',
    message: `${direction} of ${migrationLabel(em.migration)} cannot run as one migration: ${where ? where[4] : problem}`,
    file: where ? where[1] : section.file ?? em.file,
    range: where ? point(Number(where[2]), Number(where[3])) : section.range ?? FILE_START,
  };
}

function point(line: number, column: number): Range {
  return { start: { line, column }, end: { line, column: column + 1 } };
}

function failureFinding(em: ExecMigration, direction: Direction, failure: Failure, statements: Statement[], again = false): Finding {
  const stmt = statements[failure.statementIndex - 1];
  const server = failure.server;
  const m = em.migration;
  const extension = stmt?.kind === 'CreateExtensionStmt' ? String(stmt.node?.extname ?? '') : '';
  const unavailable = extension && !isAvailableExtension(extension) && /extension|control file/i.test(server.message);
  const details: FindingDetail[] = [];
  if (stmt) {
    const lines = stmt.text.trim().split(/\r\n|\r|\n/);
    details.push({
      label: `statement ${failure.statementIndex} of ${failure.statementCount}`,
      lines: lines.length > 8 ? [...lines.slice(0, 8), `... (${lines.length - 8} more lines)`] : lines,
    });
  }
  const serverLines = describeServerError(server).split('\n').slice(1).map((l) => l.trim());
  if (server.where) serverLines.push(`where: ${server.where.split('\n')[0]}`);
  if (serverLines.length) details.push({ label: 'PostgreSQL', lines: serverLines });
  const start = { line: failure.line, column: failure.column };
  const end = stmt && (stmt.range.end.line > start.line || (stmt.range.end.line === start.line && stmt.range.end.column > start.column)) ? stmt.range.end : { line: start.line, column: start.column + 1 };
  const what = again ? `${direction} of ${migrationLabel(m)} fails when applied again after its down` : `${direction} of ${migrationLabel(m)} fails on PostgreSQL`;
  return {
    ruleId: unavailable ? 'validate/trial-extension-unavailable' : again ? 'validate/trial-reapply-failed' : `validate/trial-${direction}-failed`,
    severity: 'error',
    message: unavailable
      ? `${what}: extension "${extension}" is not available in the embedded PostgreSQL (PGlite)`
      : `${what}: ${server.message}${server.code ? ` (SQLSTATE ${server.code})` : ''}`,
    file: failure.file,
    range: { start, end },
    details,
    hint: unavailable
      ? `PGlite bundles ${PGLITE_EXTENSIONS.length} contrib extensions (pgcrypto, uuid-ossp, citext, hstore, pg_trgm, ...); run the trial on a scratch server that has "${extension}" with --trial-db postgres://..., or skip it with --no-trial`
      : server.hint,
  };
}

/** The extensions the migrations create, to load the ones PGlite has. */
function extensionsCreated(m: Migration): string[] {
  const out: string[] = [];
  for (const s of [...m.up.statements, ...m.down.statements]) if (s.kind === 'CreateExtensionStmt' && s.node?.extname) out.push(String(s.node.extname));
  return out;
}

/** Roles named by statements (GRANT ... TO x, OWNER TO x, CREATE POLICY ... TO x) that no migration creates. */
export function referencedRoles(migrations: readonly Migration[]): string[] {
  const named = new Set<string>();
  const created = new Set<string>();
  for (const m of migrations) {
    for (const s of [...m.up.statements, ...m.down.statements]) {
      if (!s.node) continue;
      if (s.kind === 'CreateRoleStmt' && s.node.role) created.add(String(s.node.role));
      visitRoleSpecs(s.node, (name) => named.add(name));
    }
  }
  return [...named].filter((r) => !created.has(r)).sort();
}

/** RoleSpec values appear wrapped (`{ RoleSpec: {...} }` in lists) and bare (`newowner`, `authrole`). */
function visitRoleSpecs(value: unknown, found: (name: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) visitRoleSpecs(v, found);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (obj.roletype === 'ROLESPEC_CSTRING' && typeof obj.rolename === 'string') found(obj.rolename);
  for (const child of Object.values(obj)) visitRoleSpecs(child, found);
}

async function createMissingRoles(driver: Driver, migrations: readonly Migration[]): Promise<void> {
  const roles = referencedRoles(migrations);
  if (!roles.length) return;
  const existing = new Set((await driver.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((r) => r.rolname));
  for (const role of roles) if (!existing.has(role)) await driver.execute(`CREATE ROLE ${quoteIdent(role)} NOLOGIN`);
}

/** Empties the database between folders (and before a trial on a database given by the caller). */
export async function resetDatabase(driver: Driver, keepRoles?: ReadonlySet<string>): Promise<void> {
  const schemas = await driver.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`,
  );
  const drops = schemas.map((s) => `DROP SCHEMA ${quoteIdent(s.nspname)} CASCADE`);
  await driver.execute(`${drops.join('; ')}; CREATE SCHEMA public`);
  // Extensions installed into pg_catalog and event triggers outlive their schemas.
  const exts = await driver.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'`);
  for (const e of exts) await driver.execute(`DROP EXTENSION IF EXISTS ${quoteIdent(e.extname)} CASCADE`);
  if (keepRoles) {
    const roles = await driver.query<{ rolname: string }>('SELECT rolname FROM pg_roles');
    for (const r of roles) {
      if (keepRoles.has(r.rolname) || r.rolname.startsWith('pg_')) continue;
      await driver.execute(`DROP OWNED BY ${quoteIdent(r.rolname)} CASCADE; DROP ROLE ${quoteIdent(r.rolname)}`).catch(() => {});
    }
  }
}
