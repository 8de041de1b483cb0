import { extensionsCreatedBy } from './drivers/pglite-extensions.js';
import type { Driver } from './drivers/types.js';
import { ExecError } from './errors.js';
import { loadExecPlan, sameContent, type ExecMigration } from './migrations.js';
import { EMPTY_NATIVE_VIEW, readNativeView, withNativeStates } from './native-view.js';
import { nativeRecorder } from './native-record.js';
import { describeFrameworkStep, resolveFrameworkCommands, runFrameworkMigration, runsThroughFramework } from './code-migrations.js';
import { FORMATS } from '../formats/index.js';
import { planSection, prefixChecksum, renderPlan, touchedTables, type SectionPlan } from './plan.js';
import { ensureHistory, migrationStates, readHistory, stateKind } from './history.js';
import { runSection, type Resume } from './runner.js';
import { createBackup, formatBytes } from './backup/index.js';
import { openDb, runSettings, takeLock, type ExecContext, type ExecutionSettings } from './context.js';
import { confirmServer, fmtMs, label, relative, reportBackup, reportRun, withReport } from './apply.js';

export interface RollbackOptions extends ExecutionSettings {
  dir: string;
  /** Roll back every migration newer than this version (it stays applied). */
  to?: string;
  /** Roll back this many migrations (default 1). */
  steps?: number;
  dryRun: boolean;
  yes: boolean;
  backup: boolean;
  /** Run a down whose file changed since the migration was applied. */
  force: boolean;
}

const DOWN_WORDS: Record<string, string> = {
  missing: 'has no down migration',
  empty: 'has an empty down migration (it would do nothing)',
  irreversible: 'is declared irreversible',
};

/** `migratelint rollback`: run down migrations newest first, each in its own transaction. */
export async function rollback(ctx: ExecContext, options: RollbackOptions): Promise<number> {
  return withReport(ctx, async (report) => {
    report.data.dryRun = options.dryRun;
    const migrationPlan = await loadExecPlan(options.dir, ctx.cwd);
    const { migrations, problems: planProblems } = migrationPlan;
    if (planProblems.length) throw new ExecError(`cannot roll back: the order of the migrations is unknown:\n  ${planProblems.join('\n  ')}`);
    const byId = new Map(migrations.map((m) => [m.id, m]));
    let driver: Driver | undefined;
    try {
      driver = await openDb(ctx, { mustExist: true, extensions: extensionsCreatedBy(migrations.map((m) => m.migration)) });
      if (!options.dryRun) await takeLock(ctx, driver);
      const serverVersionNum = (await driver.serverVersion()).num;
      const history = await readHistory(driver, ctx.schema);
      const native = migrationPlan.nativeHistory ? await readNativeView(driver, migrations) : EMPTY_NATIVE_VIEW;
      const states = withNativeStates(migrationStates(history), native, migrations);

      // Newest first, in the order migratelint applied them; what only the tool's own table
      // records comes after, newest in the plan's order first.
      const planIndex = (id: string) => byId.get(id)?.index ?? -1;
      const applied = [...states.values()]
        .filter((s) => stateKind(s) === 'applied' || (s.current?.direction === 'down' && stateKind(s) !== 'pending'))
        .sort((a, b) => b.current!.id - a.current!.id || planIndex(b.version) - planIndex(a.version));
      const partialUp = [...states.values()].filter((s) => (stateKind(s) === 'partial' || stateKind(s) === 'running') && s.current?.direction === 'up');
      if (partialUp.length) {
        throw new ExecError(`${partialUp.map((s) => s.version).join(', ')} ${partialUp.length === 1 ? 'is' : 'are'} partly applied: finish with "migratelint apply" before rolling back`);
      }

      let targets = applied;
      if (options.to !== undefined) {
        const to = byId.get(options.to);
        if (!to) throw new ExecError(`--to ${options.to}: no migration on disk has this id`);
        // Everything after it in the framework's order; one gone from disk cannot be placed and is refused below.
        targets = applied.filter((s) => (byId.get(s.version)?.index ?? Infinity) > to.index);
      } else {
        targets = applied.slice(0, options.steps ?? 1);
      }
      if (targets.length === 0) {
        report.data.outcome = 'nothing to do';
        ctx.out(`Nothing to roll back on ${ctx.target.display}${options.to ? ` after ${options.to}` : ''}.`);
        return 0;
      }

      // Check every migration on the way before running any.
      const problems: string[] = [];
      const plans: { plan: SectionPlan; resume?: Resume }[] = [];
      for (const s of targets) {
        const m: ExecMigration | undefined = byId.get(s.version);
        if (!m) {
          problems.push(`${s.version} is applied but its file is gone from ${options.dir}: there is no down migration to run`);
          continue;
        }
        const down = m.migration.down;
        if (down.state !== 'present') {
          problems.push(`${label(m)} ${DOWN_WORDS[down.state] ?? 'has no usable down migration'}${down.reason ? ` (${down.reason})` : ''}`);
          continue;
        }
        const appliedRow = s.lastApplied;
        if (appliedRow?.checksum && !sameContent(appliedRow.checksum, m) && !options.force) {
          problems.push(`${label(m)}: ${m.file} changed since it was applied, so its down may not undo what ran (pass --force to run it anyway)`);
          continue;
        }
        const plan = planSection(m, 'down', serverVersionNum);
        if (!runsThroughFramework(m)) problems.push(...plan.problems);
        let resume: Resume | undefined;
        const cur = s.current!;
        if (cur.direction === 'down' && (cur.result === 'partial' || cur.result === 'running')) {
          if (cur.progress > 0 && prefixChecksum(plan, cur.progress) !== cur.progress_checksum) {
            problems.push(`${m.id} is partly rolled back and its down changed since: repair by hand`);
            continue;
          }
          resume = { rowId: cur.id, progress: cur.progress };
          ctx.err(`note: ${m.id} was interrupted while rolling back, after statement ${cur.progress}: resuming it there`);
        }
        plans.push({ plan, resume });
      }
      const frameworks = resolveFrameworkCommands(
        ctx,
        plans.map((p) => p.plan.migration),
        migrationPlan,
      );
      problems.push(...frameworks.problems);
      if (problems.length) {
        report.data.outcome = 'refused';
        throw new ExecError(
          `cannot roll back:\n  ${problems.join('\n  ')}`,
          'nothing was rolled back. To go back past a migration without a usable down, restore a backup: migratelint backups, then migratelint restore <file>',
        );
      }

      if (options.dryRun) {
        report.data.outcome = 'dry-run';
        ctx.out(`Would roll back ${plans.length} migration${plans.length === 1 ? '' : 's'} on ${ctx.target.display} (dry run: nothing is changed):`);
        for (const { plan } of plans) {
          ctx.out('');
          ctx.out(`-- ${label(plan.migration)}  (${plan.section.file ?? plan.migration.file})`);
          const command = frameworks.commands.get(plan.migration.planned.format);
          if (runsThroughFramework(plan.migration) && command) ctx.out(`-- runs: ${describeFrameworkStep(ctx, command, plan.migration, 'down', migrations)}`);
          else ctx.out(renderPlan(plan));
        }
        return 0;
      }

      await confirmServer(ctx, options.yes, `Roll back ${plans.length} migration${plans.length === 1 ? '' : 's'} on ${ctx.target.display}?`);
      await ensureHistory(driver, ctx.schema);
      const recorder = nativeRecorder(migrationPlan);
      await recorder.ensure(driver);
      if (options.backup) {
        const t = ctx.progress.start('backing up');
        const meta = await createBackup(driver, {
          dir: ctx.backupDir,
          reason: 'before rollback',
          tables: [...new Set(plans.flatMap((p) => touchedTables(p.plan.section)))],
          onProgress: (n) => t.update(formatBytes(n)),
        }).finally(() => t.end());
        report.data.backup = reportBackup(meta);
        ctx.err(`backup: ${relative(ctx.cwd, meta.file)} (${meta.kind}, ${formatBytes(meta.bytes)}, sha256 ${meta.sha256.slice(0, 12)})`);
      } else {
        report.data.backup = null;
        ctx.err('warning: --no-backup: no backup taken');
      }

      const settings = runSettings(ctx, options);
      let done = 0;
      const frameworkApplied = migrationPlan.nativeHistory ? new Set(native.applied) : undefined;
      for (const { plan, resume } of plans) {
        const command = frameworks.commands.get(plan.migration.planned.format);
        if (runsThroughFramework(plan.migration) && command) {
          const m = plan.migration;
          const t = ctx.progress.start(`rolling back ${label(m)} through ${FORMATS[m.planned.format].label}`);
          const run = await runFrameworkMigration(ctx, driver, command, m, 'down', migrations, settings, frameworkApplied).finally(() => t.end());
          report.data.migrations.push({ id: m.id, name: m.name, file: m.file, direction: 'down', checksum: m.checksum, result: run.result, durationMs: run.durationMs, error: run.message });
          if (!run.ok) {
            report.data.outcome = 'failed';
            ctx.out(`failed       ${label(m)} after ${fmtMs(run.durationMs)}`);
            ctx.err(`migratelint: ${run.message}`);
            return 1;
          }
          done++;
          ctx.out(`rolled back  ${label(m)} (${fmtMs(run.durationMs)}, through ${FORMATS[m.planned.format].label})`);
          continue;
        }
        const t = ctx.progress.start(`rolling back ${label(plan.migration)}`);
        const run = await runSection(
          driver,
          plan,
          {
            ...settings,
            onStatement: (i, n) => t.update(`statement ${i + 1}/${n}`),
            onComplete: (d) => recorder.record(d, plan.migration, 'down'),
          },
          resume,
        ).finally(() => t.end());
        report.data.migrations.push(reportRun(plan, run));
        if (!run.ok) {
          report.data.outcome = 'failed';
          ctx.out(`failed       ${label(plan.migration)} after ${fmtMs(run.durationMs)}`);
          ctx.err(`migratelint: ${run.failure!.message}`);
          return 1;
        }
        done++;
        ctx.out(`rolled back  ${label(plan.migration)} (${fmtMs(run.durationMs)})`);
      }
      ctx.out(`${done} migration${done === 1 ? '' : 's'} rolled back on ${ctx.target.display}.`);
      return 0;
    } finally {
      if (driver) await driver.close();
    }
  });
}
