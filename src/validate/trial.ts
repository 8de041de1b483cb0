import type { Finding, Migration } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';
import type { RunSettings } from '../exec/runner.js';
import { ensureHistory } from '../exec/history.js';
import { quoteIdent } from '../exec/sql.js';
import { SnapshotReader, type Snapshot } from './snapshot.js';
import { PAUSE_CHANGE_LOG_SQL } from './change-log.js';
import { TrialDatabase, isAvailableExtension } from './trial-db.js';
import { trialOrder, type TrialGroup } from './trial-order.js';
import { trialGroup, type CycleContext, type CycleTimings } from './trial-cycle.js';
import { mergeSegments, openThreaded, segments, threadsFromEnv, trialThreads } from './trial-segments.js';
import { coverageText, dataNote, type GroupCoverage } from './trial-coverage.js';
import { createFrameworkTables } from './framework-tables.js';
import { createContribTables, outsideApps } from './django-contrib.js';
import { versionNote } from './trial-version.js';
import { loadSqlParser } from '../pg/parse.js';
import { TrialData, newDataCoverage } from './trial-data.js';
import { plural, type CheckResult } from './types.js';

/**
 * Check 4, the trial run. For each migrations folder, on a throwaway database, one cycle
 * per migration in the plan's order: up, down, compare the schema with the one before the
 * up, up again, then on from what the up left (src/validate/trial-cycle.ts). Statements
 * run as `migratelint apply` runs them (the execution layer's planner), and the tool's own
 * history table exists, as the tool would have created it. Before each cycle the tables
 * the migration changes get a generated row (trial-data.ts), and what the down loses of
 * them is reported (trial-data-compare.ts). The database is PGlite, or with --trial-db a
 * scratch database on a real server (trial-server.ts).
 *
 * Decisions:
 * - Code migrations run from the SQL their builder calls lower to: close to, not byte for
 *   byte, what the framework runs. Calls that cannot be lowered (RunPython, knex.raw with
 *   SQL built in JavaScript) and statements whose values come at run time (bind parameters)
 *   are listed as not tried, so such a run is never a plain pass.
 * - Roles that statements refer to (GRANT ... TO app, OWNER TO app) but no migration
 *   creates exist on real servers; they are created (NOLOGIN) before the trial.
 * - PGlite bundles the contrib extensions; one it does not have (postgis, timescaledb)
 *   fails its CREATE EXTENSION with a finding that says so (--trial-db runs the trial on a
 *   scratch server that has it).
 * - Flyway repeatable migrations (R__) run once, after the others, to check they run.
 * - The result is `failed` with any error, `partial` (a warning, not a pass) when anything
 *   was not tried, else `passed`.
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
  /** Generated rows in the tables each migration names, checked after down → up (default true). */
  data?: boolean;
  /** Called as the trial moves on, for a progress line. */
  onProgress?: (what: string) => void;
  /**
   * PGlite databases on threads of their own (1 or 2, trial-segments.ts); default
   * `MIGRATELINT_TRIAL_THREADS`, else two with four cores, two of them idle.
   */
  threads?: number;
  /** Groups shorter than this are not split between two databases (tests lower it). */
  splitMin?: number;
  /**
   * Snapshots follow a log of what DDL touched (event triggers, change-log.ts) instead of
   * stamping every catalog row (default true; the stamps serve where event triggers cannot
   * be made). False is for comparing the two.
   */
  changeLog?: boolean;
}

export async function trialCheck(all: readonly Migration[], options: TrialOptions = {}): Promise<CheckResult> {
  const t0 = performance.now();
  const order = trialOrder(all);
  if (order.groups.length === 0) return { id: 'trial', status: 'skipped', summary: 'no migrations', findings: [] };

  // Differences of views are said in their columns, read with the parser (view-columns.ts).
  await loadSqlParser();
  const migrations = order.groups.flatMap((g) => [...g.versioned, ...g.repeatable].map((em) => em.migration));
  const extensions = [...new Set(migrations.flatMap((m) => extensionsCreated(m)))];
  const ownDb = !options.driver;
  const available = extensions.filter(isAvailableExtension);
  // A long history on PGlite is split between two databases on two threads (trial-segments.ts).
  const threads = ownDb ? trialThreads(order.groups, options.threads ?? threadsFromEnv(), options.splitMin) : 1;
  options.onProgress?.(threads > 1 ? `opening ${threads} trial databases` : 'opening the trial database');
  const tOpen = performance.now();
  const drivers: Driver[] = options.driver
    ? [options.driver]
    : threads > 1
      ? await openThreaded(threads, available)
      : [await TrialDatabase.create(available)];
  const driver = drivers[0];
  const openMs = performance.now() - tOpen;
  const findings: Finding[] = [];
  const groups: GroupCoverage[] = [];
  let server = '';
  let snapshotMs = 0;
  let snapshots = 0;
  const phases: CycleTimings = { upMs: 0, downMs: 0, reupMs: 0, dataMs: 0 };
  const initialRoles = new Map<Driver, Set<string>>();
  const readers: SnapshotReader[] = [];
  try {
    const version = await driver.serverVersion();
    server = version.text.split(' on ')[0].replace(/,.*$/, '');
    for (const d of drivers) initialRoles.set(d, new Set((await d.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((r) => r.rolname)));
    const used = new Set<Driver>();
    /** One database made ready for a group's migrations, and what its cycles work with. */
    const prepare = async (d: Driver, group: TrialGroup): Promise<CycleContext> => {
      if (used.has(d) || !ownDb) await resetDatabase(d, initialRoles.get(d));
      used.add(d);
      await ensureHistory(d, TRIAL_SCHEMA);
      const members = [...group.versioned, ...group.repeatable].map((em) => em.migration);
      const historyTables = await createFrameworkTables(d, members.map((m) => m.format));
      const outside = outsideApps(members);
      const notCreated = await createContribTables(d, outside.contrib, outside.ownUserTable);
      const apps = { created: outside.contrib.filter((a) => !notCreated.includes(a)), missing: [...notCreated, ...outside.unknown] };
      await createMissingRoles(d, members);
      const reader = new SnapshotReader(d, [TRIAL_SCHEMA], true, options.changeLog === false ? undefined : TRIAL_SCHEMA);
      await reader.prepare();
      readers.push(reader);
      const data = options.data === false ? undefined : new TrialData(d, TRIAL_SCHEMA, newDataCoverage());
      await data?.prepare(historyTables);
      const snapshot = async (whole?: boolean): Promise<Snapshot> => {
        if (whole) reader.distrust();
        const t = performance.now();
        const out = await reader.take();
        snapshotMs += performance.now() - t;
        snapshots++;
        return out;
      };
      const pauseChangeLog = reader.followsLog ? PAUSE_CHANGE_LOG_SQL : undefined;
      return { driver: d, serverVersionNum: version.num, snapshot, settings: trialSettings(), findings: [], data, pauseChangeLog, outsideApps: apps, timings: phases, onProgress: options.onProgress };
    };
    for (const group of order.groups) {
      const split = drivers.length > 1 ? segments(group.versioned.length, options.splitMin) : undefined;
      if (!split) {
        const ctx = await prepare(driver, group);
        groups.push(await trialGroup(ctx, group));
        findings.push(...ctx.findings);
        continue;
      }
      const ctxs = await Promise.all(split.map((_, i) => prepare(drivers[i], group)));
      const parts = await Promise.all(split.map((segment, i) => trialGroup(ctxs[i], group, segment)));
      groups.push(mergeSegments(parts, ctxs.map((c) => c.data)));
      for (const ctx of ctxs) findings.push(...ctx.findings);
    }
  } finally {
    // A database given by the caller (--trial-db) is left empty, ready for the next run.
    if (ownDb) await Promise.all(drivers.map((d) => d.close()));
    else if (initialRoles.has(driver)) await resetDatabase(driver, initialRoles.get(driver)).catch(() => {});
  }

  if (driver.kind === 'postgres') {
    // On a server (--trial-db) a missing extension is the server's, not PGlite's.
    for (const f of findings) {
      if (f.ruleId !== 'validate/trial-extension-unavailable') continue;
      f.message = f.message.replace('is not available in the embedded PostgreSQL (PGlite)', 'is not installed on the trial server');
      f.hint = 'install it on the server --trial-db names (it is on production), or skip the trial with --no-trial';
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const notes = groups.flatMap((g) => g.notes);
  const version = versionNote(server, options.pgVersion);
  if (version) notes.push(version.note);
  const rows = dataNote(groups);
  if (rows) notes.push(rows);
  const partial = groups.some((g) => g.notTried.length > 0);
  const summary =
    `${server || 'PostgreSQL'}${version?.configured ? ` (production: PostgreSQL ${version.production})` : ''}: ${coverageText(groups)}` +
    (errors ? `; ${plural(errors, 'problem')}` : '');
  return {
    id: 'trial',
    status: errors ? 'failed' : partial ? 'partial' : 'passed',
    summary,
    findings,
    data: {
      server,
      productionVersion: options.pgVersion ?? null,
      threads: drivers.length,
      // Whether snapshots followed the change log (event triggers) or stamped the catalogs.
      changeLog: readers.length > 0 && readers.every((r) => r.followsLog),
      migrations: groups.reduce((n, g) => n + g.migrations, 0),
      ups: groups.reduce((n, g) => n + g.up, 0),
      downs: groups.reduce((n, g) => n + g.down, 0),
      notTried: groups.reduce((n, g) => n + g.notTried.length, 0),
      groups,
      notes,
      timings: {
        totalMs: Math.round(performance.now() - t0),
        openMs: Math.round(openMs),
        snapshotMs: Math.round(snapshotMs),
        snapshots,
        wholeSnapshots: readers.reduce((n, r) => n + r.counts.full, 0),
        upMs: Math.round(phases.upMs),
        downMs: Math.round(phases.downMs),
        reupMs: Math.round(phases.reupMs),
        dataMs: Math.round(phases.dataMs),
      },
    },
  };
}

/**
 * How the step-by-step path runs statements. On an empty database every statement is
 * quick: one that runs for a minute is stuck (pg_sleep, a lock it waits for), and the trial
 * should say so instead of hanging CI. PostgreSQL servers (--trial-db) enforce it; PGlite
 * accepts the setting but has no timer.
 */
function trialSettings(): RunSettings {
  return {
    schema: TRIAL_SCHEMA,
    lockTimeoutMs: 10_000,
    statementTimeoutMs: TRIAL_STATEMENT_TIMEOUT_MS,
    retries: 0,
    retryBackoffMs: 0,
    log: () => {},
  };
}

/** The extensions the migrations create, to load the ones PGlite has. */
function extensionsCreated(m: Migration): string[] {
  const out: string[] = [];
  for (const s of [...m.up.statements, ...m.down.statements]) if (s.kind === 'CreateExtensionStmt' && s.node?.extname) out.push(String(s.node.extname));
  return out;
}

/**
 * Statements whose syntax has no place for a role: their trees (views' and functions'
 * are large) need no walk. A function body or a DO block is a string here; what it
 * grants at run time is not seen either way.
 */
const WITHOUT_ROLES = new Set([
  'SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'CreateStmt', 'IndexStmt', 'ViewStmt', 'CreateFunctionStmt',
  'CreateTrigStmt', 'DoStmt', 'CommentStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'RenameStmt', 'DropStmt', 'TruncateStmt',
  'CreateTableAsStmt', 'RefreshMatViewStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'VariableSetStmt', 'TransactionStmt',
  'CreateDomainStmt', 'CompositeTypeStmt', 'CreateExtensionStmt',
]);

/** Roles named by statements (GRANT ... TO x, OWNER TO x, CREATE POLICY ... TO x) that no migration creates. */
export function referencedRoles(migrations: readonly Migration[]): string[] {
  const named = new Set<string>();
  const created = new Set<string>();
  for (const m of migrations) {
    for (const s of [...m.up.statements, ...m.down.statements]) {
      if (!s.node) continue;
      if (s.kind === 'CreateRoleStmt' && s.node.role) created.add(String(s.node.role));
      if (!WITHOUT_ROLES.has(s.kind)) visitRoleSpecs(s.node, (name) => named.add(name));
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
