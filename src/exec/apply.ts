import path from 'node:path';
import { lint } from '../lint.js';
import { loadConfig } from '../config/load.js';
import { extensionsCreatedBy } from './drivers/pglite-extensions.js';
import type { Finding } from '../ir/types.js';
import type { Driver } from './drivers/types.js';
import { isDataDir } from './drivers/pglite.js';
import { ExecError } from './errors.js';
import { execPlan, sameContent, type ExecMigration, type ExecPlan } from './migrations.js';
import { blockingFindings } from './gate.js';
import { EMPTY_NATIVE_VIEW, readNativeView, withNativeStates, type NativeView } from './native-view.js';
import { nativeRecorder } from './native-record.js';
import { describeFrameworkStep, resolveFrameworkCommands, runFrameworkMigration, runsThroughFramework } from './code-migrations.js';
import { FORMATS } from '../formats/index.js';
import { interruptedRestore } from './backup/restore-marker.js';
import { planSection, prefixChecksum, renderPlan, touchedTables, type SectionPlan } from './plan.js';
import { ensureHistory, isNativeRow, migrationStates, readHistory, stateKind, type HistoryRow, type MigrationState } from './history.js';
import { runSection, type Resume, type RunResult } from './runner.js';
import { createBackup, formatBytes, pruneBackups, type BackupMeta } from './backup/index.js';
import { newReport, openDb, runSettings, takeLock, type ExecContext, type ExecutionSettings } from './context.js';
import type { ReportData, ReportMigration, RunReport } from './report.js';
import type { OnFailurePolicy } from '../config/schema.js';
import { handleFailedRun, type AppliedInRun } from './on-failure.js';

export interface ApplyOptions extends ExecutionSettings {
  dir: string;
  /** Apply up to and including this version. */
  to?: string;
  dryRun: boolean;
  /** Apply despite error-level lint findings. */
  force: boolean;
  backup: boolean;
  /** Back up only the rows of the tables the pending migrations touch. */
  tablesOnly: boolean;
  /** Do not ask before touching a server. */
  yes: boolean;
  /** Prune old backups to this many after taking one. */
  keepBackups?: number;
  /** What to do when a migration fails (default stop). */
  onFailure?: OnFailurePolicy;
}

export function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function relative(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function label(m: { id: string; name?: string }): string {
  return m.name && m.name !== m.id ? `${m.id} ${m.name}` : m.id;
}

function findingSummary(f: Finding) {
  return { ruleId: f.ruleId, severity: f.severity, file: f.file, line: f.range.start.line, column: f.range.start.column, message: f.message };
}

export function reportBackup(meta: BackupMeta): ReportData['backup'] {
  return { file: meta.file, kind: meta.kind, bytes: meta.bytes, sha256: meta.sha256, ...(meta.note ? { note: meta.note } : {}) };
}

export function reportRun(plan: SectionPlan, run: RunResult): ReportMigration {
  const m = plan.migration;
  return {
    id: m.id,
    name: m.name,
    file: plan.section.file ?? m.file,
    direction: plan.direction,
    checksum: m.checksum,
    result: run.result,
    durationMs: run.durationMs,
    attempts: run.attempts,
    ...(run.resumedFrom !== undefined ? { resumedFrom: run.resumedFrom } : {}),
    ...(run.cleanedUp.length ? { cleanedUp: run.cleanedUp } : {}),
    ...(run.failure
      ? {
          error: run.failure.message,
          failedAt: {
            file: run.failure.file,
            line: run.failure.line,
            column: run.failure.column,
            statement: run.failure.statementIndex,
            sqlstate: run.failure.server.code,
          },
        }
      : {}),
  };
}

/** Asks before touching a server, when on a terminal and --yes was not given. */
export async function confirmServer(ctx: ExecContext, yes: boolean, question: string): Promise<void> {
  if (yes || ctx.target.kind === 'pglite' || !ctx.confirm) return;
  if (!(await ctx.confirm(`${question} [y/N] `))) throw new ExecError('cancelled: nothing was changed');
}

/** Runs one step of the pipeline under the report, turning refusals into exit code 1. */
export async function withReport(ctx: ExecContext, body: (report: RunReport) => Promise<number>): Promise<number> {
  const report = newReport(ctx);
  let code = 2;
  try {
    code = await body(report);
    return code;
  } catch (e) {
    if (e instanceof ExecError) {
      if (report.data.outcome === 'ok') report.data.outcome = e.message.startsWith('cancelled') ? 'refused' : 'failed';
      report.data.message = e.message;
      ctx.err(`migratelint: ${e.message}`);
      if (e.hint) ctx.err(`  ${e.hint}`);
      code = 1;
      return code;
    }
    report.data.outcome = 'failed';
    report.data.message = (e as Error)?.message ?? String(e);
    throw e;
  } finally {
    const file = report.write(code, ctx.err);
    if (file) ctx.err(`report: ${relative(ctx.cwd, file)}`);
  }
}

interface PendingItem {
  migration: ExecMigration;
  plan: SectionPlan;
  resume?: Resume;
  outOfOrder: boolean;
}

/** Works out what apply would run, and why it might refuse. Pure: reads the history only. */
function pendingWork(plan: ExecPlan, history: HistoryRow[], native: NativeView, serverVersionNum: number, to?: string) {
  const { migrations } = plan;
  const states = withNativeStates(migrationStates(history), native, migrations);
  const problems: string[] = [...plan.problems];
  const notes: string[] = [];
  const items: PendingItem[] = [];
  // The newest applied migration in the framework's order: a pending one before it is out of order.
  const newestApplied = migrations.filter((m) => stateKind(states.get(m.id)) === 'applied').pop();
  const stopAt = to === undefined ? undefined : migrations.find((m) => m.id === to);
  if (to !== undefined && !stopAt) throw new ExecError(`--to ${to}: no migration on disk has this id`);
  for (const m of migrations) {
    if (stopAt && m.index > stopAt.index) break;
    const state: MigrationState | undefined = states.get(m.id);
    const kind = stateKind(state);
    const changed = !!state?.lastApplied?.checksum && !sameContent(state.lastApplied.checksum, m);
    if (kind === 'applied' && !(changed && m.planned.repeatable)) {
      if (changed) notes.push(`${m.id} changed in ${m.file} since it was applied (drift): the change is not applied; see migratelint status`);
      continue;
    }
    // A Flyway repeatable migration runs again whenever its checksum changes.
    if (kind === 'applied') notes.push(`${m.id} is repeatable and changed since it last ran: running it again`);
    if (m.migration.up.state === 'missing') {
      problems.push(`${m.file}: ${m.id} has no up migration to apply`);
      continue;
    }
    const plan = planSection(m, 'up', serverVersionNum);
    // A code migration runs through its framework: its lowered SQL is for linting only.
    if (!runsThroughFramework(m)) problems.push(...plan.problems);
    let resume: Resume | undefined;
    if (kind === 'partial' && isNativeRow(state!.current)) {
      problems.push(`${m.id} is marked failed or dirty in ${state!.current!.applied_by}: ${state!.current!.error}; once fixed: migratelint repair ${m.id} --applied (or --rolled-back)`);
      continue;
    }
    if (kind === 'partial' || kind === 'running') {
      const row = state!.current!;
      if (row.direction === 'down') {
        problems.push(`${m.id} was partly rolled back (${row.result} since ${new Date(row.applied_at).toISOString()}): finish it with "migratelint rollback" first`);
        continue;
      }
      if (row.progress > 0 && prefixChecksum(plan, row.progress) !== row.progress_checksum) {
        problems.push(
          `${m.id} is partly applied (statements 1-${row.progress} of it ran) and those statements changed in ${m.file} since: ` +
            'repair the database by hand, then record the outcome in the history table',
        );
        continue;
      }
      resume = { rowId: row.id, progress: row.progress };
      notes.push(`${m.id} was interrupted after statement ${row.progress} of ${plan.statements.length}: resuming it there`);
    }
    const outOfOrder = newestApplied !== undefined && m.index < newestApplied.index;
    if (outOfOrder) notes.push(`${m.id} comes before the newest applied migration (${newestApplied.id}): applying it out of order`);
    items.push({ migration: m, plan, resume, outOfOrder });
  }
  return { items, problems, notes, states };
}

/** `migratelint apply`: lint, lock, back up, apply each pending migration in its own transaction. */
export async function apply(ctx: ExecContext, options: ApplyOptions): Promise<number> {
  return withReport(ctx, async (report) => {
    report.data.dryRun = options.dryRun;
    // 1. Lint: the IR that is checked is the IR that runs.
    const task = ctx.progress.start('linting');
    // With the project's config (severities, pgVersion, formats), as `migratelint lint` would,
    // but for the executor that runs them: it sends SQL files statement by statement.
    const linted = await loadConfig({ cwd: ctx.cwd })
      .then(async (config) => ({ ...(await lint([options.dir], { cwd: ctx.cwd, config, sentBy: 'migratelint' })), config }))
      .finally(() => task.end());
    const plan = execPlan(linted.migrations, linted.config);

    // 2. Open and lock; read what the database already has.
    let driver: Driver | undefined;
    const freshEmbedded = ctx.target.kind === 'pglite' && ctx.target.dataDir !== null && !isDataDir(ctx.target.dataDir);
    try {
      let history: HistoryRow[] = [];
      let native: NativeView = EMPTY_NATIVE_VIEW;
      let serverVersionNum = 0;
      if (!(options.dryRun && freshEmbedded)) {
        // Applying to the database an interrupted restore left would be undone by its --resume.
        const restore = await interruptedRestore({ target: ctx.target, backupDir: ctx.backupDir, cwd: ctx.cwd });
        if (restore) throw new ExecError(`cannot apply: ${restore}`);
        driver = await openDb(ctx, { extensions: extensionsCreatedBy(linted.migrations) });
        if (!options.dryRun) await takeLock(ctx, driver);
        serverVersionNum = (await driver.serverVersion()).num;
        history = await readHistory(driver, ctx.schema);
        if (plan.nativeHistory) native = await readNativeView(driver, plan.migrations);
      }
      const work = pendingWork(plan, history, native, serverVersionNum, options.to);
      const recorder = nativeRecorder(plan);
      const frameworks = resolveFrameworkCommands(
        ctx,
        work.items.map((i) => i.migration),
        plan,
      );
      work.problems.push(...frameworks.problems);
      for (const n of work.notes) ctx.err(`note: ${n}`);
      report.data.pending = work.items.map((i) => i.migration.id);

      if (work.problems.length) {
        report.data.outcome = 'refused';
        throw new ExecError(`cannot apply:\n  ${work.problems.join('\n  ')}`);
      }

      // 3. Refuse on error-level findings in what would run: the up sections (a dry run shows the plan anyway).
      const blocking = blockingFindings(
        linted.findings,
        work.items.map((i) => i.migration.migration),
        'up',
      );
      if (blocking.length) {
        report.data.findings = blocking.map(findingSummary);
        if (!options.force && !options.dryRun) {
          report.data.outcome = 'refused';
          for (const f of blocking) ctx.err(`${f.file}:${f.range.start.line}:${f.range.start.column}: error ${f.ruleId}: ${f.message}`);
          throw new ExecError(
            `refusing to apply: ${blocking.length} error-level lint finding${blocking.length === 1 ? '' : 's'} in pending migrations`,
            'fix them, or pass --force to apply anyway (the report records it)',
          );
        }
        if (options.force) {
          report.data.forced = true;
          ctx.err(`warning: --force: applying despite ${blocking.length} error-level lint finding${blocking.length === 1 ? '' : 's'} (recorded in the report)`);
        }
      }

      if (work.items.length === 0) {
        report.data.outcome = 'nothing to do';
        const applied = [...work.states.values()].filter((s) => stateKind(s) === 'applied').length;
        ctx.out(`${ctx.target.display} is up to date (${applied} applied${options.to ? `, up to ${options.to}` : ''}).`);
        return 0;
      }

      if (options.dryRun) {
        report.data.outcome = 'dry-run';
        ctx.out(`Would apply ${work.items.length} migration${work.items.length === 1 ? '' : 's'} to ${ctx.target.display} (dry run: nothing is changed):`);
        for (const item of work.items) {
          ctx.out('');
          ctx.out(`-- ${label(item.migration)}  (${item.migration.file})${item.resume ? `  resuming after statement ${item.resume.progress}` : ''}`);
          const command = frameworks.commands.get(item.migration.planned.format);
          if (runsThroughFramework(item.migration)) {
            ctx.out(command ? `-- runs: ${describeFrameworkStep(ctx, command, item.migration, 'up', plan.migrations)}` : '-- runs through its framework (see the problems above)');
            continue;
          }
          ctx.out(renderPlan(item.plan));
          const table = recorder.tableFor(item.migration);
          if (table) ctx.out(`-- then records ${item.migration.id} in ${table}, in the same transaction`);
        }
        if (blocking.length && !options.force) {
          ctx.out('');
          for (const f of blocking) ctx.err(`${f.file}:${f.range.start.line}:${f.range.start.column}: error ${f.ruleId}: ${f.message}`);
          ctx.err(`apply would refuse: ${blocking.length} error-level lint finding${blocking.length === 1 ? '' : 's'} in what it would run (fix them, or pass --force)`);
          return 1;
        }
        return 0;
      }

      await confirmServer(ctx, options.yes, `Apply ${work.items.length} migration${work.items.length === 1 ? '' : 's'} to ${ctx.target.display}?`);
      const db = driver!;
      await ensureHistory(db, ctx.schema);
      await recorder.ensure(db);

      // 4. Back up what is about to change.
      let backup: BackupMeta | undefined;
      if (options.backup) {
        const btask = ctx.progress.start('backing up');
        const tables = [...new Set(work.items.flatMap((i) => touchedTables(i.migration.migration.up)))];
        const meta = await createBackup(db, {
          dir: ctx.backupDir,
          reason: 'before apply',
          tablesOnly: options.tablesOnly,
          tables,
          onProgress: (n) => btask.update(formatBytes(n)),
        }).finally(() => btask.end());
        report.data.backup = reportBackup(meta);
        backup = meta;
        ctx.err(`backup: ${relative(ctx.cwd, meta.file)} (${meta.kind}, ${formatBytes(meta.bytes)}, sha256 ${meta.sha256.slice(0, 12)})`);
        if (meta.note) ctx.err(`note: ${meta.note}`);
        if (options.keepBackups !== undefined) {
          for (const f of pruneBackups(ctx.backupDir, { keep: options.keepBackups })) ctx.err(`pruned old backup ${f}`);
        }
      } else {
        report.data.backup = null;
        ctx.err('warning: --no-backup: no backup taken');
      }

      // 5. Apply, one migration at a time, stopping at the first failure.
      const settings = runSettings(ctx, options);
      const frameworkApplied = plan.nativeHistory ? new Set(native.applied) : undefined;
      const appliedInRun: AppliedInRun[] = [];
      let applied = 0;
      const onFailure = async (failed: ExecMigration, committed: number) => {
        const outcome = await handleFailedRun(
          ctx,
          db,
          { policy: options.onFailure ?? 'stop', applied: appliedInRun, failed: { migration: failed, committed }, backup, serverVersionNum, settings, recorder, all: plan.migrations, frameworkApplied },
          report,
        );
        if (outcome.driverClosed) driver = undefined;
      };
      for (const item of work.items) {
        const command = frameworks.commands.get(item.migration.planned.format);
        if (runsThroughFramework(item.migration) && command) {
          const t = ctx.progress.start(`applying ${label(item.migration)} through ${FORMATS[item.migration.planned.format].label}`);
          const run = await runFrameworkMigration(ctx, db, command, item.migration, 'up', plan.migrations, settings, frameworkApplied).finally(() => t.end());
          report.data.migrations.push({ id: item.migration.id, name: item.migration.name, file: item.migration.file, direction: 'up', checksum: item.migration.checksum, result: run.result, durationMs: run.durationMs, error: run.message });
          if (!run.ok) {
            report.data.outcome = 'failed';
            ctx.out(`failed   ${label(item.migration)} after ${fmtMs(run.durationMs)}`);
            ctx.err(`migratelint: ${run.message}`);
            if (applied && (options.onFailure ?? 'stop') === 'stop') ctx.err(`  ${applied} migration${applied === 1 ? '' : 's'} before it stay applied; the run stopped here`);
            await onFailure(item.migration, 0);
            return 1;
          }
          applied++;
          appliedInRun.push({ migration: item.migration, framework: command });
          ctx.out(`applied  ${label(item.migration)} (${fmtMs(run.durationMs)}, through ${FORMATS[item.migration.planned.format].label})`);
          continue;
        }
        const t = ctx.progress.start(`applying ${label(item.migration)}`);
        const run = await runSection(
          db,
          item.plan,
          {
            ...settings,
            onStatement: (i, n) => t.update(`statement ${i + 1}/${n}`),
            onComplete: (d) => recorder.record(d, item.migration, 'up'),
          },
          item.resume,
        ).finally(() => t.end());
        report.data.migrations.push(reportRun(item.plan, run));
        if (!run.ok) {
          report.data.outcome = 'failed';
          ctx.out(`failed   ${label(item.migration)} after ${fmtMs(run.durationMs)}`);
          ctx.err(`migratelint: ${run.failure!.message}`);
          if (applied && (options.onFailure ?? 'stop') === 'stop') ctx.err(`  ${applied} migration${applied === 1 ? '' : 's'} before it stay applied; the run stopped here`);
          await onFailure(item.migration, run.failure!.committed);
          return 1;
        }
        applied++;
        appliedInRun.push({ migration: item.migration });
        ctx.out(`applied  ${label(item.migration)} (${fmtMs(run.durationMs)}${run.attempts > 1 ? `, ${run.attempts} attempts` : ''})`);
      }
      ctx.out(`${applied} migration${applied === 1 ? '' : 's'} applied to ${ctx.target.display}.`);
      return 0;
    } finally {
      if (driver) await driver.close();
    }
  });
}
