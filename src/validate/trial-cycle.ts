import type { Finding, Migration, Statement } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';
import type { ExecMigration } from '../exec/migrations.js';
import { planSection, type SectionPlan } from '../exec/plan.js';
import { runSection, type RunSettings } from '../exec/runner.js';
import { quoteLiteral } from '../exec/sql.js';
import { diffSnapshots, type Snapshot } from './snapshot.js';
import { unloggedChange } from './change-log.js';
import { fitsInTransaction, needsOwnTransactions, runInTransaction, type TrialFailure } from './trial-statements.js';
import { cannotRun, differenceFinding, failsOnRowsFinding, failureFinding, reapplyDiffersFinding } from './trial-findings.js';
import { namedRelations, type DataPlan, type TrialData } from './trial-data.js';
import { dataLossFinding, dataLosses } from './trial-data-compare.js';
import { withoutRunTimeValues } from './trial-runtime-values.js';
import { newCoverage, notTried, notTriedMigration, type GroupCoverage } from './trial-coverage.js';
import type { TrialGroup } from './trial-order.js';
import { migrationLabel } from './types.js';
import { createdRelations, missingRelation } from './trial-missing.js';

/**
 * The trial of one folder: one cycle per migration, in the plan's order, on one database.
 *
 *   schema A ─ up ─ down ─ schema C, compared with A ─ up again ─ back to "after up" ─ next
 *
 * Each migration runs in one transaction of the trial's own: the up, then a savepoint, the
 * down and the up again, then ROLLBACK TO the savepoint and COMMIT. So the next migration
 * always starts from exactly what the up left (what production has), whatever its down
 * did; a difference is found, and reported, at the migration whose down causes it; and a
 * failing or empty down does not stop the trial.
 *
 * A migration with statements that cannot run inside a transaction block (CREATE INDEX
 * CONCURRENTLY, ...) runs step by step the way `apply` runs it: up, down, compare, up
 * again, and the schema after the up again is compared with the one after the first up,
 * because that is what the next migration builds on.
 *
 * A failing up is a finding and the database stays as it was before it. Later migrations
 * are still tried; one that then fails because something is missing (an undefined table,
 * column, type, function or schema) is listed as not tried, depending on the first
 * failure, rather than reported as a problem of its own.
 */

/** What a cycle needs from the trial around it. */
export interface CycleContext {
  driver: Driver;
  serverVersionNum: number;
  /**
   * Reads the schema now (snapshot-reader.ts). `whole`: read everything, not only what the
   * change log names (the catalogs changed in a way it does not see).
   */
  snapshot(whole?: boolean): Promise<Snapshot>;
  /** For the step-by-step path (the executor's runner). */
  settings: RunSettings;
  findings: Finding[];
  /** Generated rows (--trial-data): undefined when switched off. */
  data?: TrialData;
  /**
   * Django apps the migrations depend on that are not in the project: `created` before the
   * trial (django-contrib.ts), `missing` where the trial cannot make them.
   */
  outsideApps?: { created: readonly string[]; missing: readonly string[] };
  /** SQL that pauses the change log until rolled back (change-log.ts); undefined without one. */
  pauseChangeLog?: string;
  /** Where the time goes, added up over the trial. */
  timings: CycleTimings;
  onProgress?: (what: string) => void;
}

export interface CycleTimings {
  upMs: number;
  downMs: number;
  reupMs: number;
  dataMs: number;
}

/**
 * How a cycle in one transaction ended: `done`; `own-transactions` (run it step by step);
 * `rows`: the up failed while the tables it names held rows, and is to be tried on them
 * empty (`tables`) to tell a failure on rows from a failure of its own.
 */
type TxOutcome = { kind: 'done'; upOk: boolean } | { kind: 'own-transactions' } | { kind: 'rows'; failure: TrialFailure; tables: string[] };

/**
 * SQLSTATEs of "this refers to something that does not exist": after an earlier up failed,
 * most likely what that up would have created. 42P01 undefined_table, 42703
 * undefined_column, 42704 undefined_object, 42883 undefined_function, 3F000
 * invalid_schema_name.
 */
const MISSING_OBJECT = new Set(['42P01', '42703', '42704', '42883', '3F000']);

const AFTER_UP = 'migratelint_trial_after_up';

/** How a migration's down takes part: run and compared, or not tried (with why). */
type DownPlan = { run: true } | { run: false; reason?: string };

function downPlan(m: Migration, hasDowns: boolean): DownPlan {
  if (!hasDowns) return { run: false };
  // A Django down holds the reverses the author wrote and those Django's schema editor
  // computes (lowered too, see django-ops/reverse.ts): it is trialled like any other, unless
  // a reverse could not be lowered (listed by `notLowered`): compared, it would only show
  // what that reverse leaves out.
  if (m.down.state === 'present' && m.coverage?.unanalysed.some((c) => c.part === 'down')) {
    return { run: false, reason: 'part of its down could not be lowered (listed), so what it leaves is not compared' };
  }
  switch (m.down.state) {
    case 'present':
      return { run: true };
    case 'empty':
      // Run as a down that does nothing: compared when the up leaves the schema as it was
      // (a backfill), else not tried (see `compareWithBefore`).
      return { run: true };
    case 'irreversible':
      return { run: false, reason: `declared irreversible${m.down.reason ? ` (${m.down.reason})` : ''}` };
    case 'missing':
      return m.expectsDown ? { run: false, reason: 'no down migration' } : { run: false };
  }
}

/**
 * Which of a group's cycles one trial database runs (trial-segments.ts splits a long
 * history between two): the versioned migrations [from, to), after applying the first
 * `replay` of them as their cycles leave the database (rows, ups; no downs, no
 * snapshots, nothing reported), and the repeatable ones when `repeatables`.
 */
export interface Segment {
  replay: number;
  from: number;
  to: number;
  repeatables: boolean;
}

export async function trialGroup(ctx: CycleContext, group: TrialGroup, segment?: Segment): Promise<GroupCoverage> {
  const hasDowns = group.versioned.some((em) => em.migration.expectsDown || em.migration.down.state !== 'missing');
  const trial = new GroupTrial(ctx, newCoverage(group.folder, group.versioned.length + group.repeatable.length + group.unplanned.length, hasDowns));
  if (ctx.data) trial.coverage.data = ctx.data.coverage;
  // A later segment's notes and unplanned migrations are the first one's.
  if (!segment?.replay) {
    for (const { migration, reason } of group.unplanned) trial.coverage.notTried.push(notTriedMigration(migration, reason));
    if (!hasDowns && group.versioned.length) trial.coverage.notes.push(`${group.folder}: ${group.versioned[0].migration.format} migrations have no down migrations; ups only`);
    trial.coverage.notes.push(...outsideAppNotes(group.folder, ctx.outsideApps));
  }
  await trial.run(group, segment ?? { replay: 0, from: 0, to: group.versioned.length, repeatables: true });
  return trial.coverage;
}

class GroupTrial {
  /** The schema the next migration starts from. */
  private current!: Snapshot;
  /** The first migration whose up failed, which later failures may depend on. */
  private firstFailed: ExecMigration | undefined;
  /** The last code migration with calls migratelint could not lower, which later failures may depend on. */
  private incomplete: ExecMigration | undefined;
  /** The last migration that depends on an app outside the project the trial could not create, and which app. */
  private outside: { em: ExecMigration; app: string } | undefined;
  /** Relations the ups that did not run would have made, and those ups (see trial-missing.ts). */
  private readonly notMade = new Map<string, { em: ExecMigration; failed: boolean }>();
  /** Relations some up of the history makes. */
  private historyMakes = new Set<string>();
  /** Whether an up that ran made a relation. */
  private madeAny = false;
  /**
   * Whether the history turned out to start from a schema made outside its migrations (its
   * first ups need relations none of them makes: redash's tables come from the app's create_all).
   */
  private startsOutside = false;
  /** Why nothing more can be tried (the database is in no known state), once it happened. */
  private stopped: string | undefined;
  /** Applying a segment's earlier migrations: their effects only (see Segment). */
  private replaying = false;
  /** Whether `current` is older than the database (replayed cycles take no snapshots). */
  private stale = false;
  /**
   * Whether snapshots read everything instead of following the change log: during a
   * migration that changes the catalogs without DDL, and after a section with a step
   * outside a transaction failed (a failed CREATE INDEX CONCURRENTLY leaves an index no
   * command reported). See change-log.ts.
   */
  private unlogged = false;
  private afterFailure = false;

  constructor(
    private readonly ctx: CycleContext,
    readonly coverage: GroupCoverage,
  ) {}

  async run(group: TrialGroup, segment: Segment): Promise<void> {
    this.historyMakes = new Set(group.versioned.flatMap((em) => createdRelations(em.migration.up.statements)));
    this.current = await this.snapshot();
    const n = group.versioned.length;
    if (segment.replay) await this.replay(group.versioned.slice(0, segment.replay));
    for (const [i, em] of group.versioned.entries()) {
      if (i < segment.from || i >= segment.to) continue;
      if (this.stopped) {
        this.coverage.notTried.push(notTried(em, 'up', this.stopped));
        continue;
      }
      this.ctx.onProgress?.(`trial: ${i + 1}/${n} ${migrationLabel(em.migration)}`);
      await this.cycle(em);
    }
    // Flyway repeatable migrations, once, over the complete schema.
    for (const em of segment.repeatables ? group.repeatable : []) {
      if (this.stopped) {
        this.coverage.notTried.push(notTried(em, 'up', this.stopped));
        continue;
      }
      const plan = planSection(em, 'up', this.ctx.serverVersionNum);
      if (plan.problems.length) {
        this.ctx.findings.push(cannotRun(em, 'up', plan.problems[0]));
        continue;
      }
      const r = await runSection(this.ctx.driver, plan, this.ctx.settings);
      if (r.ok) this.coverage.up++;
      else this.upFailed(em, r.failure!, plan);
    }
  }

  /**
   * Brings the database to where the cycles of these migrations leave it, and forgets what
   * they found: another trial database runs (and reports) them. Same code path as the
   * cycles, so the rows generated, the ups kept and the failures are the same.
   */
  private async replay(migrations: readonly ExecMigration[]): Promise<void> {
    this.replaying = true;
    for (const em of migrations) {
      if (this.stopped) break;
      await this.cycle(em);
    }
    this.replaying = false;
    await this.refreshCurrent();
    Object.assign(this.coverage, { up: 0, down: 0, reup: 0, notTried: [] });
    this.ctx.findings.length = 0;
    this.ctx.data?.forgetCounts();
  }

  /** `current` read again when replayed cycles left it behind. */
  private async refreshCurrent(): Promise<void> {
    if (!this.stale) return;
    // Replayed cycles may have changed the catalogs without DDL.
    this.current = await this.ctx.snapshot(true);
    this.stale = false;
  }

  private snapshot(): Promise<Snapshot> {
    const whole = this.unlogged || this.afterFailure;
    this.afterFailure = false;
    return this.ctx.snapshot(whole);
  }

  private async cycle(given: ExecMigration): Promise<void> {
    const { serverVersionNum: v, findings } = this.ctx;
    const { em, leftOut } = withoutRunTimeValues(given);
    for (const { part, statement } of leftOut) {
      this.coverage.notTried.push({ ...notTried(em, part, 'SQL whose values come at run time (bind parameters, a computed value): left out, the rest runs'), file: statement.chunk.file, line: statement.range.start.line });
    }
    if (this.notLowered(em) || leftOut.length) this.incomplete = em;
    const parents = em.migration.format === 'django' ? (em.migration.graph?.parents ?? []) : [];
    const app = parents.map((p) => p.slice(0, p.indexOf('.'))).find((a) => this.ctx.outsideApps?.missing.includes(a));
    if (app) this.outside = { em, app };
    this.unlogged = unloggedChange([...em.migration.up.statements, ...em.migration.down.statements]);
    const up = planSection(em, 'up', v);
    if (up.problems.length) {
      findings.push(cannotRun(em, 'up', up.problems[0]));
      this.firstFailed ??= em;
      this.didNotRun(em, true);
      return;
    }
    let down: SectionPlan | undefined;
    const how = downPlan(em.migration, this.coverage.hasDowns);
    if (how.run) {
      down = planSection(em, 'down', v);
      if (down.problems.length) {
        findings.push(cannotRun(em, 'down', down.problems[0]));
        down = undefined;
      }
    } else if (how.reason) this.coverage.notTried.push(notTried(em, 'down', how.reason));

    const data = this.ctx.data;
    // An up that failed on rows, tried again on the same tables empty: if that runs, the
    // failure only rows cause is a finding of its own.
    let onRows: { failure: TrialFailure; tables: string[] } | undefined;
    if (fitsInTransaction(up) && (!down || fitsInTransaction(down))) {
      const plan = data ? await this.timed('dataMs', () => this.fill(data, em)) : undefined;
      let outcome = await this.inOneTransaction(em, up, down, { data, plan });
      // First on the tables the failing statement names emptied, then on all the trial filled.
      for (let tries = 0; outcome.kind === 'rows' && tries < 2; tries++) {
        const tables = [...new Set([...(onRows?.tables ?? []), ...outcome.tables])];
        onRows = { failure: onRows?.failure ?? outcome.failure, tables };
        outcome = await this.inOneTransaction(em, up, down, { data, empty: tables, last: tries === 1 });
      }
      if (outcome.kind === 'done') {
        if (onRows && outcome.upOk) findings.push(failsOnRowsFinding(em, 'up', onRows.failure, up.statements, onRows.tables));
        return;
      }
    }
    const upOk = await this.stepByStep(em, up, down, onRows?.tables);
    if (onRows && upOk) findings.push(failsOnRowsFinding(em, 'up', onRows.failure, up.statements, onRows.tables));
  }

  private async timed<T>(what: keyof CycleTimings, run: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await run();
    } finally {
      this.ctx.timings[what] += performance.now() - t;
    }
  }

  /**
   * Settings each part of the cycle starts from: a fresh session's, with the trial's
   * timeouts. Returns the SQL that sets the timeouts, for runInTransaction to send with its
   * savepoint (one round trip less).
   */
  private async freshSession(): Promise<string> {
    const { driver, settings } = this.ctx;
    await driver.resetSession();
    return `SET LOCAL lock_timeout = ${quoteLiteral(`${settings.lockTimeoutMs}ms`)}; SET LOCAL statement_timeout = ${quoteLiteral(`${settings.statementTimeoutMs}ms`)}`;
  }

  /**
   * The cycle in one transaction, rolled back to "after up" once the down is compared.
   * `own-transactions` when the migration turned out to need transactions of its own, and
   * `rows` when the up failed on tables holding rows (nothing stays of this attempt then).
   * `rows.empty`: tables to empty first (a try after `rows`); `rows.last`: the last try.
   */
  private async inOneTransaction(
    em: ExecMigration,
    up: SectionPlan,
    down: SectionPlan | undefined,
    rows: { data?: TrialData; plan?: DataPlan; empty?: readonly string[]; last?: boolean },
  ): Promise<TxOutcome> {
    const { driver, findings } = this.ctx;
    let downs = 0;
    let reups = 0;
    const found: Finding[] = [];
    // The rows' plan, while the rows are there to compare (not after a try on empty tables).
    let data = rows.empty ? undefined : rows.plan;
    let schemaAfterUp: Snapshot | undefined;
    await driver.execute('BEGIN');
    try {
      if (rows.empty?.length) await this.emptied(rows.empty);
      const session = await this.freshSession();
      const failed = await this.timed('upMs', () => runInTransaction(driver, up, session));
      if (failed) {
        await driver.execute('ROLLBACK');
        await driver.resetSession();
        if (needsOwnTransactions(failed)) return { kind: 'own-transactions' };
        let holding: string[] = [];
        if (rows.data && !rows.last && causedByRows(failed)) {
          holding = rows.empty
            ? (await rows.data.holdingRows(await rows.data.generatedTables())).filter((t) => !rows.empty!.includes(t))
            : await this.holdingRows(rows.data, data, up.statements[failed.statementIndex - 1]);
        }
        if (holding.length) return { kind: 'rows', failure: failed, tables: holding };
        this.upFailed(em, failed, up);
        return { kind: 'done', upOk: false };
      }
      // The schema the next migration starts from: what COMMIT keeps once the down and
      // the up again are rolled back. Read now, it holds only the up's changes (see
      // snapshot-reader.ts), and no snapshot is needed after COMMIT.
      // Replaying, the down and the up again would be rolled back: only COMMIT matters.
      if (!this.replaying) schemaAfterUp = await this.snapshot();
      const plan = data;
      const afterUp = plan && !this.replaying ? await this.timed('dataMs', () => rows.data!.read(plan.tables.map((t) => t.name))) : undefined;
      if (down && !this.replaying) {
        await driver.execute(`SAVEPOINT ${AFTER_UP}`);
        const session = await this.freshSession();
        let downFailed = await this.timed('downMs', () => runInTransaction(driver, down, session));
        if (downFailed && rows.data && causedByRows(downFailed)) {
          const onEmpty = await this.downOnEmptyTables(em, down, rows.data, data, downFailed);
          downFailed = onEmpty.failure;
          if (onEmpty.finding) found.push(onEmpty.finding);
          // The rows are gone: nothing to compare after down → up.
          if (onEmpty.emptied) data = undefined;
        }
        if (downFailed && needsOwnTransactions(downFailed)) {
          await driver.execute('ROLLBACK');
          await driver.resetSession();
          return { kind: 'own-transactions' };
        }
        const compared = downFailed ? undefined : await this.compareWithBefore(em);
        if (downFailed) found.push(...this.downFailed(em, downFailed, down));
        else if (compared) {
          downs++;
          found.push(...compared);
          // Rolled back once compared: no snapshot sees what it changes, so nothing is logged.
          const session = await this.freshSession();
          const prelude = this.ctx.pauseChangeLog ? `${session}; ${this.ctx.pauseChangeLog}` : session;
          const again = await this.timed('reupMs', () => runInTransaction(driver, up, prelude));
          if (again && needsOwnTransactions(again)) {
            await driver.execute('ROLLBACK');
            await driver.resetSession();
            return { kind: 'own-transactions' };
          }
          if (again) found.push(failureFinding(em, 'up', again, up.statements, true));
          else {
            reups++;
            if (data && afterUp) {
              const plan = data;
              const afterAgain = await this.timed('dataMs', () => rows.data!.read(plan.tables.map((t) => t.name)));
              for (const loss of dataLosses(plan, afterUp, afterAgain)) found.push(dataLossFinding(em, loss));
              rows.data!.coverage.checked++;
            }
          }
        }
        await driver.execute(`ROLLBACK TO SAVEPOINT ${AFTER_UP}`);
      }
    } catch (e) {
      await driver.execute('ROLLBACK').catch(() => {});
      throw e;
    }
    try {
      await driver.execute('COMMIT');
    } catch (e) {
      // Deferred constraints are checked at COMMIT: the up fails there, as a whole.
      await driver.execute('ROLLBACK').catch(() => {});
      this.upFailed(em, commitFailure(em, up, e), up);
      return { kind: 'done', upOk: false };
    } finally {
      await driver.resetSession().catch(() => {});
    }
    findings.push(...found);
    this.coverage.up++;
    this.ran(em);
    this.coverage.down += downs;
    this.coverage.reup += reups;
    if (this.replaying) this.stale = true;
    else this.current = schemaAfterUp!;
    return { kind: 'done', upOk: true };
  }

  /**
   * A down that failed on tables holding rows (it adds back a NOT NULL column without a
   * default), run again on them empty, inside the cycle's transaction: first the tables
   * its failing statement names, then all the trial filled. If it then runs, the failure is
   * a finding of its own and the down is compared as usual.
   */
  private async downOnEmptyTables(
    em: ExecMigration,
    down: SectionPlan,
    data: TrialData,
    plan: DataPlan | undefined,
    first: TrialFailure,
  ): Promise<{ failure: TrialFailure | undefined; finding?: Finding; emptied: boolean }> {
    let failure: TrialFailure | undefined = first;
    const emptied: string[] = [];
    for (let tries = 0; failure && causedByRows(failure) && tries < 2; tries++) {
      const holding = tries === 0 ? await this.holdingRows(data, plan, down.statements[failure.statementIndex - 1]) : await data.holdingRows(await data.generatedTables());
      if (!holding.length || !(await this.emptied(holding))) break;
      emptied.push(...holding);
      failure = await this.timed('downMs', () => runInTransaction(this.ctx.driver, down));
    }
    const finding = failure ? undefined : failsOnRowsFinding(em, 'down', first, down.statements, [...new Set(emptied)]);
    return { failure, finding, emptied: emptied.length > 0 };
  }

  /**
   * The tables whose rows may make a statement fail: those it names (written or read) that
   * hold rows, else those the migration changes that hold rows, else every table the trial
   * put rows in (the statement reads tables it does not name: a DO block, a function).
   */
  private async holdingRows(data: TrialData, plan: DataPlan | undefined, failing: Statement | undefined): Promise<string[]> {
    const own = failing ? await data.holdingRows(namedRelations([failing])) : [];
    if (own.length) return own;
    const changed = plan ? [...new Set(plan.tables.map((t) => t.name))].filter((name) => (plan.before.get(name)?.length ?? 0) > 0) : [];
    return changed.length ? changed : data.holdingRows(await data.generatedTables());
  }

  /** Empties tables inside the cycle's transaction (under a savepoint: false when it cannot). */
  private async emptied(tables: readonly string[]): Promise<boolean> {
    const { driver } = this.ctx;
    // TRUNCATE refuses a table with trigger events still pending in this transaction
    // (deferred constraints of rows the up wrote): those are fired first, on a second try.
    for (const first of ['', 'SET CONSTRAINTS ALL IMMEDIATE; ']) {
      await driver.execute('SAVEPOINT migratelint_trial_empty');
      try {
        await driver.execute(`${first}TRUNCATE ${tables.join(', ')} CASCADE`);
        await driver.execute('RELEASE SAVEPOINT migratelint_trial_empty');
        return true;
      } catch {
        await driver.execute('ROLLBACK TO SAVEPOINT migratelint_trial_empty; RELEASE SAVEPOINT migratelint_trial_empty');
      }
    }
    return false;
  }

  /**
   * Rows in the tables the migration names, before its cycle, in a transaction of their
   * own: the up then starts with no trigger event of the inserts pending (a deferred
   * constraint trigger), as on production. A failure while filling (a migration left the
   * database so that the trial's own reads fail) only means no data check here.
   */
  private async fill(data: TrialData, em: ExecMigration): Promise<DataPlan | undefined> {
    const { driver } = this.ctx;
    await driver.execute('BEGIN');
    try {
      const plan = await data.before(em.migration, migrationLabel(em.migration));
      await driver.execute('COMMIT');
      return plan;
    } catch (e) {
      await driver.execute('ROLLBACK');
      data.coverage.notFilled.push({ table: '', reason: `rows could not be generated: ${(e as Error).message}`, migration: migrationLabel(em.migration) });
      return undefined;
    }
  }

  /** The cycle as `apply` and `rollback` would run it: each part committed, step by step. */
  /**
   * `empty`: tables to empty first (committed), after the up failed on their rows. True
   * when the (first) up ran.
   */
  private async stepByStep(em: ExecMigration, up: SectionPlan, down: SectionPlan | undefined, empty?: readonly string[]): Promise<boolean> {
    const { driver, settings, findings } = this.ctx;
    // This path reads the schema (what the down leaves decides whether the up runs again).
    await this.refreshCurrent();
    if (empty?.length) await driver.execute(`TRUNCATE ${empty.join(', ')} CASCADE`).catch(() => {});
    let first = await this.timed('upMs', () => runSection(driver, up, settings));
    const data = this.ctx.data;
    if (!first.ok && first.result === 'failed' && !empty && data && causedByRows(first.failure!)) {
      // Nothing of it stayed: again on the tables the trial put rows in, empty.
      const onRows = first.failure!;
      const tables = await this.holdingRows(data, undefined, up.statements[onRows.statementIndex - 1]);
      if (tables.length) {
        await driver.execute(`TRUNCATE ${tables.join(', ')} CASCADE`).catch(() => {});
        first = await this.timed('upMs', () => runSection(driver, up, settings));
        if (first.ok) findings.push(failsOnRowsFinding(em, 'up', onRows, up.statements, tables));
      }
    }
    if (!first.ok) {
      this.afterFailure = !fitsInTransaction(up);
      const consequence = this.followsEarlierGap(first.failure!);
      this.upFailed(em, first.failure!, up);
      if (first.result === 'partial') {
        // Failing for want of what an earlier failure or a call migratelint could not lower
        // would have made is already said; what it left is read, and the trial goes on.
        if (consequence) this.current = await this.snapshot();
        else this.stop(`the up of ${migrationLabel(em.migration)} failed part-way and left part of itself committed`);
      }
      return false;
    }
    this.coverage.up++;
    this.ran(em);
    const afterUp = await this.snapshot();
    if (!down) {
      this.current = afterUp;
      return true;
    }
    const back = await this.timed('downMs', () => runSection(driver, down, settings));
    if (!back.ok) {
      this.afterFailure = !fitsInTransaction(down);
      findings.push(...this.downFailed(em, back.failure!, down));
      if (back.result === 'partial') this.stop(`the down of ${migrationLabel(em.migration)} failed part-way and left part of itself committed`);
      this.current = afterUp;
      return true;
    }
    const compared = await this.compareWithBefore(em);
    if (!compared) {
      this.current = afterUp;
      return true;
    }
    this.coverage.down++;
    findings.push(...compared);
    const again = await this.timed('reupMs', () => runSection(driver, up, settings));
    if (!again.ok) {
      this.afterFailure = !fitsInTransaction(up);
      findings.push(failureFinding(em, 'up', again.failure!, up.statements, true));
      this.stop(`the up of ${migrationLabel(em.migration)} fails when applied again after its down, so the database lacks it`);
      return true;
    }
    this.coverage.reup++;
    // Committed for real: what the next migration builds on is what the up again left.
    this.current = await this.snapshot();
    for (const d of diffSnapshots(afterUp, this.current)) findings.push(reapplyDiffersFinding(em, d, afterUp, this.current));
    return true;
  }

  /**
   * What the down leaves different from the schema before the up, as findings. Undefined
   * for an empty down after an up that changed the schema: comparing would only list what
   * the up made (the reversibility check names the empty down), so it counts as not tried,
   * and the up again, which would only clash with what it made, is not run.
   */
  private async compareWithBefore(em: ExecMigration): Promise<Finding[] | undefined> {
    const before = this.current;
    const after = await this.snapshot();
    const differences = diffSnapshots(before, after);
    if (em.migration.down.state === 'empty' && differences.length) {
      this.coverage.notTried.push(notTried(em, 'down', 'its down is empty, and the up changes the schema'));
      return undefined;
    }
    return differences.map((d) => differenceFinding(em, d, before, after));
  }

  /**
   * Lists the builder calls of a code migration that migratelint could not lower (they do
   * not run; the rest does), under the half they belong to. True when there are some.
   */
  private notLowered(em: ExecMigration): boolean {
    const calls = em.migration.coverage?.unanalysed ?? [];
    for (const call of calls) {
      const part = call.part ?? halfOf(em.migration, call.range.start.line);
      this.coverage.notTried.push({ ...notTried(em, part, `not lowered to SQL: ${call.reason}`), file: call.file, line: call.range.start.line });
    }
    return calls.length > 0;
  }

  /** Whether a failure is an object missing because of an earlier failed up or an unlowered call. */
  private followsEarlierGap(failure: TrialFailure): boolean {
    const missing = failure.server.code !== undefined && MISSING_OBJECT.has(failure.server.code);
    return missing && (this.incomplete !== undefined || this.outside !== undefined || this.firstFailed !== undefined || this.startsOutside);
  }

  private ran(em: ExecMigration): void {
    if (!this.madeAny && createdRelations(em.migration.up.statements).length) this.madeAny = true;
  }

  /**
   * A relation no migration of the history makes, wanted before any up made one: the history
   * starts from a schema made outside its migrations, which the trial does not have. The up
   * is listed as not tried, with a note, rather than reported as failing (it ran on
   * production, on that schema); so are later ups that want such a relation. Once some up
   * has made a relation, a relation nobody makes is the migration's own mistake.
   */
  private wantsOutsideSchema(em: ExecMigration, relation: string | undefined, message: string): boolean {
    if (relation === undefined || this.historyMakes.has(relation)) return false;
    if (!this.startsOutside) {
      if (this.madeAny) return false;
      this.startsOutside = true;
      this.coverage.notes.push(
        `${this.coverage.folder}: the history does not start from an empty database: ${migrationLabel(em.migration)} needs relation "${relation}", which none of its migrations makes (a schema made outside them, by the application or a dump); the trial cannot run what needs it`,
      );
    }
    this.coverage.notTried.push(notTried(em, 'up', `needs the schema the history starts from, made outside its migrations (${message})`));
    this.coverage.notTried = this.coverage.notTried.filter((s) => !(s.id === em.id && s.part === 'down'));
    return true;
  }

  /**
   * A failing down as a finding, unless it fails for want of something the trial could not
   * make: the schema the history starts from, or what the parts of its own up the trial
   * left out would have made (outline's `addColumn` with a default from process.env, whose
   * down drops the column). Then it is listed as not tried.
   */
  private downFailed(em: ExecMigration, failure: TrialFailure, plan: SectionPlan): Finding[] {
    const missing = failure.server.code !== undefined && MISSING_OBJECT.has(failure.server.code);
    const gap = !missing
      ? undefined
      : this.startsOutside
        ? 'the schema the history starts from, made outside its migrations'
        : this.incomplete === em
          ? 'what the parts of its up the trial could not run (not lowered, or with values known only at run time) would have made'
          : undefined;
    if (!gap) return [failureFinding(em, 'down', failure, plan.statements)];
    this.coverage.notTried.push(notTried(em, 'down', `needs ${gap} (${failure.server.message})`));
    return [];
  }

  /** Notes the relations an up that did not run would have made (see trial-missing.ts). */
  private didNotRun(em: ExecMigration, failed: boolean): void {
    for (const name of createdRelations(em.migration.up.statements)) this.notMade.set(name, { em, failed });
  }

  private upFailed(em: ExecMigration, failure: TrialFailure, plan: SectionPlan): void {
    const missing = failure.server.code !== undefined && MISSING_OBJECT.has(failure.server.code);
    // An earlier up that did not run would have made the missing relation: that one is waited for.
    const relation = missing ? missingRelation(failure.server.message) : undefined;
    const maker = relation !== undefined ? this.notMade.get(relation) : undefined;
    // Listed as not tried below, unless reported as a failure of its own (the end).
    this.didNotRun(em, false);
    if (this.wantsOutsideSchema(em, relation, failure.server.message)) return;
    if (maker && maker.em !== em) {
      const why = maker.failed ? 'whose up failed' : 'whose up did not run';
      this.coverage.notTried.push(notTried(em, 'up', `depends on ${migrationLabel(maker.em.migration)}, ${why} (${failure.server.message})`));
      this.coverage.notTried = this.coverage.notTried.filter((s) => !(s.id === em.id && s.part === 'down'));
      return;
    }
    // What a call migratelint could not lower would have created, in this migration or an earlier one.
    const unlowered = this.incomplete;
    if (missing && unlowered) {
      const which = unlowered === em ? 'a call of its own migratelint could not lower' : `${migrationLabel(unlowered.migration)}, which migratelint could not lower entirely`;
      this.coverage.notTried.push(notTried(em, 'up', `depends on ${which} (${failure.server.message})`));
      this.coverage.notTried = this.coverage.notTried.filter((s) => !(s.id === em.id && s.part === 'down' && !s.reason.startsWith('not lowered')));
      return;
    }
    if (missing && this.outside) {
      const { em: dependent, app } = this.outside;
      const which = dependent === em ? '' : ` (through ${migrationLabel(dependent.migration)})`;
      this.coverage.notTried.push(notTried(em, 'up', `depends on the app ${app}${which}, which is not in the project and which the trial cannot create (${failure.server.message})`));
      this.coverage.notTried = this.coverage.notTried.filter((s) => !(s.id === em.id && s.part === 'down'));
      return;
    }
    const first = this.firstFailed;
    if (first && missing) {
      this.coverage.notTried.push(notTried(em, 'up', `depends on ${migrationLabel(first.migration)}, whose up failed (${failure.server.message})`));
      // Its down was not tried either, and is not listed twice.
      this.coverage.notTried = this.coverage.notTried.filter((s) => !(s.id === em.id && s.part === 'down'));
      return;
    }
    this.ctx.findings.push(failureFinding(em, 'up', failure, plan.statements));
    this.coverage.notTried = this.coverage.notTried.filter((s) => !(s.id === em.id && s.part === 'down'));
    this.firstFailed ??= em;
    this.didNotRun(em, true);
  }

  private stop(reason: string): void {
    this.stopped = reason;
  }
}

/** What the coverage says of the Django apps outside the project (see django-contrib.ts). */
function outsideAppNotes(folder: string, apps: CycleContext['outsideApps']): string[] {
  const notes: string[] = [];
  const list = (names: readonly string[]) => names.join(', ');
  if (apps?.created.length) {
    notes.push(`${folder}: the tables of Django's own ${list(apps.created)} ${apps.created.length > 1 ? 'apps' : 'app'}, which the migrations depend on, were created first, as Django's migrations leave them`);
  }
  if (apps?.missing.length) {
    notes.push(
      `${folder}: the migrations depend on ${apps.missing.length > 1 ? 'apps' : 'the app'} ${list(apps.missing)}, not in the project; the trial cannot create what ${apps.missing.length > 1 ? 'their' : 'its'} migrations make, and a migration that fails for want of it is listed as not tried`,
    );
  }
  return notes;
}

/**
 * Failures rows can cause: data exceptions (22: a cast, a value out of range),
 * integrity constraint violations (23: NOT NULL, unique, check, foreign key), a subquery
 * with more than one row (21), an exception a PL/pgSQL guard raises (P0).
 */
function causedByRows(failure: TrialFailure): boolean {
  return /^(21|22|23|P0)/.test(failure.server.code ?? '');
}

/** Which half of a code migration a line is in: the section that starts last before it. */
function halfOf(m: Migration, line: number): 'up' | 'down' {
  const up = m.up.range?.start.line ?? 0;
  const down = m.down.range?.start.line;
  return down !== undefined && line >= down && down >= up ? 'down' : 'up';
}

/** A failure at COMMIT (a deferred constraint): no statement of its own, so the section's start. */
function commitFailure(em: ExecMigration, up: SectionPlan, e: unknown): TrialFailure {
  const err = e as { message?: string; code?: string };
  const start = up.section.range?.start ?? { line: 1, column: 1 };
  return {
    file: up.section.file ?? em.file,
    line: start.line,
    column: start.column,
    statementIndex: 0,
    statementCount: up.statements.length,
    server: { message: `at COMMIT: ${err.message ?? String(e)}`, code: err.code },
  };
}
