import path from 'node:path';
import type { OnFailurePolicy } from '../config/schema.js';
import type { Driver } from './drivers/types.js';
import type { ExecMigration } from './migrations.js';
import type { NativeRecorder } from './native-record.js';
import type { ResolvedCommand } from './runners/index.js';
import type { RunReport } from './report.js';
import type { RunSettings } from './runner.js';
import { runSection } from './runner.js';
import { planSection } from './plan.js';
import { runFrameworkMigration, runsThroughFramework } from './code-migrations.js';
import { restoreBackup, type BackupMeta } from './backup/index.js';
import type { ExecContext } from './context.js';

/**
 * What `apply` does after a migration failed (`onFailure:` / `--on-failure`). The failed
 * migration's own transaction is already rolled back; this is about the migrations of the
 * same run that committed before it:
 * - `stop` keeps them (the default: the next apply continues from the failed one);
 * - `rollback-run` runs their downs, newest first, so the database is as before the run;
 * - `restore` restores the backup taken before the run (after saving the failed state).
 */

export interface AppliedInRun {
  migration: ExecMigration;
  /** Set when the migration ran through its framework's own runner. */
  framework?: ResolvedCommand;
}

export interface FailedRun {
  policy: OnFailurePolicy;
  /** Migrations this run applied before the failure, in the order they ran. */
  applied: AppliedInRun[];
  /** The migration that failed, and how many of its statements stay committed (outside a transaction). */
  failed: { migration: ExecMigration; committed: number };
  backup?: BackupMeta;
  serverVersionNum: number;
  settings: RunSettings;
  recorder: NativeRecorder;
  /** Every migration of the plan (framework runners need the order). */
  all: readonly ExecMigration[];
  /** The framework's own table's applied ids, updated as downs run. */
  frameworkApplied?: Set<string>;
}

export interface OnFailureOutcome {
  /** True when the driver was closed (a restore swaps the database): do not use it again. */
  driverClosed: boolean;
}

type Said = { result: 'rolled back' | 'restored' | 'not possible' | 'failed' | 'nothing to undo'; message: string; migrations?: string[]; backup?: string; safetyBackup?: string };

function record(report: RunReport, policy: OnFailurePolicy, said: Said): void {
  report.data.onFailure = { policy, ...said };
}

export async function handleFailedRun(ctx: ExecContext, db: Driver, run: FailedRun, report: RunReport): Promise<OnFailureOutcome> {
  const { policy } = run;
  if (policy === 'stop') return { driverClosed: false };
  const restoreHint = run.backup ? `; the backup taken before this run is ${path.relative(ctx.cwd, run.backup.file) || run.backup.file} (migratelint restore <file>)` : '';
  if (policy === 'rollback-run') {
    if (!run.applied.length) {
      record(report, policy, { result: 'nothing to undo', message: 'no migration of this run had committed before the failure' });
      ctx.err('on-failure rollback-run: nothing to undo (no migration of this run had committed before the failure)');
      return { driverClosed: false };
    }
    if (run.failed.committed > 0) {
      // Downs of earlier migrations would run under a half-applied later one.
      const message = `${run.failed.migration.id} stays partly applied (${run.failed.committed} statement${run.failed.committed === 1 ? '' : 's'} outside a transaction committed), so the downs of the earlier migrations are not run under it${restoreHint}`;
      record(report, policy, { result: 'not possible', message });
      ctx.err(`on-failure rollback-run: not possible: ${message}`);
      return { driverClosed: false };
    }
    return { driverClosed: await rollbackRun(ctx, db, run, report, restoreHint) };
  }
  return { driverClosed: await restorePreRunBackup(ctx, db, run, report) };
}

async function rollbackRun(ctx: ExecContext, db: Driver, run: FailedRun, report: RunReport, restoreHint: string): Promise<boolean> {
  const newestFirst = [...run.applied].reverse();
  // Every down is checked before any runs: stopping halfway through the undo helps nobody.
  const problems: string[] = [];
  const plans = newestFirst.map((a) => {
    const m = a.migration;
    if (m.migration.down.state !== 'present') {
      problems.push(`${m.id} has no usable down (${m.migration.down.state})`);
      return undefined;
    }
    const plan = planSection(m, 'down', run.serverVersionNum);
    if (!runsThroughFramework(m)) problems.push(...plan.problems.map((p) => `${m.id}: ${p}`));
    if (runsThroughFramework(m) && !a.framework) problems.push(`${m.id}: no command to run its framework`);
    return plan;
  });
  if (problems.length) {
    const message = `${problems.join('; ')}${restoreHint}`;
    record(report, run.policy, { result: 'not possible', message, migrations: [] });
    ctx.err(`on-failure rollback-run: not possible, nothing was rolled back: ${message}`);
    return false;
  }
  ctx.err(`on-failure rollback-run: rolling back the ${newestFirst.length} migration${newestFirst.length === 1 ? '' : 's'} this run applied`);
  const undone: string[] = [];
  for (const [i, a] of newestFirst.entries()) {
    const m = a.migration;
    let ok: boolean;
    let error: string | undefined;
    if (runsThroughFramework(m)) {
      const r = await runFrameworkMigration(ctx, db, a.framework!, m, 'down', run.all, run.settings, run.frameworkApplied);
      ok = r.ok;
      error = r.message;
    } else {
      const r = await runSection(db, plans[i]!, { ...run.settings, onComplete: (d) => run.recorder.record(d, m, 'down') });
      ok = r.ok;
      error = r.failure?.message;
    }
    report.data.migrations.push({ id: m.id, name: m.name, file: m.file, direction: 'down', checksum: m.checksum, result: ok ? 'rolled back' : 'failed', ...(error ? { error } : {}) });
    if (!ok) {
      const left = newestFirst.slice(i).map((x) => x.migration.id);
      const message = `the down of ${m.id} failed (${error}); still applied from this run: ${left.join(', ')}${restoreHint}`;
      record(report, run.policy, { result: 'failed', message, migrations: undone });
      ctx.err(`on-failure rollback-run: ${message}`);
      return false;
    }
    undone.push(m.id);
    ctx.out(`rolled back  ${m.id} (on-failure rollback-run)`);
  }
  const message = `rolled back ${undone.length} migration${undone.length === 1 ? '' : 's'} this run applied: the database is as before the run`;
  record(report, run.policy, { result: 'rolled back', message, migrations: undone });
  ctx.err(`on-failure rollback-run: ${message}`);
  return false;
}

async function restorePreRunBackup(ctx: ExecContext, db: Driver, run: FailedRun, report: RunReport): Promise<boolean> {
  const backup = run.backup;
  if (!backup || backup.kind === 'logical') {
    const message = backup ? 'the backup of this run holds rows of some tables only (--tables-only), not the schema the run changed' : 'this run took no backup';
    record(report, run.policy, { result: 'not possible', message });
    ctx.err(`on-failure restore: not possible: ${message}`);
    return false;
  }
  if (!run.applied.length && run.failed.committed === 0) {
    // The failed migration rolled back and nothing before it committed: the database is as the backup has it.
    record(report, run.policy, { result: 'nothing to undo', message: 'nothing of this run had committed; no restore needed' });
    ctx.err('on-failure restore: nothing of this run had committed; the database is unchanged, no restore needed');
    return false;
  }
  const shown = path.relative(ctx.cwd, backup.file) || backup.file;
  ctx.err(`on-failure restore: restoring ${shown}, taken before this run`);
  try {
    const result = await restoreBackup(db, backup.file, {
      // Rows the application wrote during the run are in the failed state: it is saved first, so nothing is lost.
      safetyBackup: true,
      backupDir: ctx.backupDir,
      log: (m) => ctx.err(`  ${m.split(`${ctx.cwd}${path.sep}`).join('')}`),
      command: ctx.command,
      lockWaitMs: ctx.lockWaitMs,
    });
    const safety = result.safety ? path.relative(ctx.cwd, result.safety.file) || result.safety.file : undefined;
    const message = `restored ${shown}: the database is as before the run${safety ? `; its failed state is saved in ${safety}` : ''}`;
    record(report, run.policy, { result: 'restored', message, backup: backup.file, ...(result.safety ? { safetyBackup: result.safety.file } : {}) });
    ctx.err(`on-failure restore: ${message}`);
  } catch (e) {
    const message = `the restore failed: ${(e as Error).message}; see migratelint status and restore --resume / --undo`;
    record(report, run.policy, { result: 'failed', message, backup: backup.file });
    ctx.err(`on-failure restore: ${message}`);
    await db.close().catch(() => {});
  }
  return true;
}
