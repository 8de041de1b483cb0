import fs from 'node:fs';
import path from 'node:path';
import type { Driver } from './drivers/types.js';
import { isDataDir } from './drivers/pglite.js';
import { ExecError } from './errors.js';
import { createBackup, formatBytes, listBackups, pruneBackups, restoreBackup, restorePgliteDir, verifyBackup, type Retention } from './backup/index.js';
import { recoverRestore, refuseUnverifiedWithoutSafety, type RecoverMode } from './backup/restore.js';
import { interruptedRestore } from './backup/restore-marker.js';
import { openDb, takeLock, type ExecContext } from './context.js';
import { relative, reportBackup, withReport } from './apply.js';

/** `migratelint backup`: a backup of the database now. */
export async function backup(ctx: ExecContext, options: { output?: string; tablesOnly: boolean; tables?: string[] }): Promise<number> {
  return withReport(ctx, async (report) => {
    let driver: Driver | undefined;
    try {
      driver = await openDb(ctx, { mustExist: true });
      const t = ctx.progress.start('backing up');
      const meta = await createBackup(driver, {
        dir: ctx.backupDir,
        output: options.output ? path.resolve(ctx.cwd, options.output) : undefined,
        reason: 'manual',
        tablesOnly: options.tablesOnly || !!options.tables,
        tables: options.tables,
        onProgress: (n) => t.update(formatBytes(n)),
      }).finally(() => t.end());
      report.data.backup = reportBackup(meta);
      if (meta.note) ctx.err(`note: ${meta.note}`);
      ctx.out(`${relative(ctx.cwd, meta.file)}  ${meta.kind}  ${formatBytes(meta.bytes)}  sha256 ${meta.sha256}`);
      return 0;
    } finally {
      if (driver) await driver.close();
    }
  });
}

/** A backup named by path, or by file name inside the backup directory. */
function resolveBackupFile(ctx: ExecContext, name: string): string {
  const direct = path.resolve(ctx.cwd, name);
  if (fs.existsSync(direct)) return direct;
  const inDir = path.join(ctx.backupDir, name);
  if (fs.existsSync(inDir)) return inDir;
  throw new ExecError(`${name}: no such backup (see: migratelint backups)`);
}

/**
 * `migratelint restore <backup>`: puts the database back as the backup has it. The backup is
 * loaded next to the database and swapped in only once it is complete and checked; a restore
 * interrupted earlier is settled first (what was not swapped in yet is undone, what was is
 * finished), saying so.
 */
export async function restore(ctx: ExecContext, options: { file: string; yes: boolean; safetyBackup: boolean }): Promise<number> {
  return withReport(ctx, async (report) => {
    const file = resolveBackupFile(ctx, options.file);
    const checked = verifyBackup(file);
    report.data.restoredFrom = { file, kind: checked.kind, bytes: checked.bytes, sha256: checked.sha256 };
    refuseUnverifiedWithoutSafety(relative(ctx.cwd, file), checked, options.safetyBackup);
    const what =
      checked.kind === 'logical'
        ? `the rows of ${checked.meta?.tables?.length ?? 'some'} table(s) in ${ctx.target.display}`
        : `everything in ${ctx.target.display}`;
    if (!options.yes) {
      if (!ctx.confirm) throw new ExecError(`restore replaces ${what}: pass --yes to confirm (there is no terminal to ask on)`);
      if (!(await ctx.confirm(`Restore ${path.basename(file)} (${checked.kind}, ${formatBytes(checked.bytes)})? It replaces ${what}. [y/N] `))) {
        throw new ExecError('cancelled: nothing was changed');
      }
    }
    const log = (m: string) => ctx.err(m.split(`${ctx.cwd}${path.sep}`).join(''));
    const restoreOptions = {
      safetyBackup: options.safetyBackup,
      backupDir: ctx.backupDir,
      log,
      command: ctx.command,
      lockWaitMs: ctx.lockWaitMs,
    };
    const settled = await recoverRestore(ctx.target, 'auto', restoreOptions);
    if (settled) {
      log(`note: ${settled}`);
      report.data.settledInterruptedRestore = settled;
    }
    const t = ctx.progress.start(`restoring ${path.basename(file)}`);
    try {
      if (ctx.target.kind === 'pglite' && ctx.target.dataDir && !isDataDir(ctx.target.dataDir)) {
        await restorePgliteDir(ctx.target.dataDir, file, { ...restoreOptions, display: ctx.target.display, onProgress: (n) => t.update(formatBytes(n)) });
      } else {
        const driver = await openDb(ctx);
        try {
          await takeLock(ctx, driver);
          const result = await restoreBackup(driver, file, { ...restoreOptions, onProgress: (n) => t.update(formatBytes(n)) });
          if (result.safety) report.data.backup = reportBackup(result.safety);
        } finally {
          await driver.close().catch(() => {});
        }
      }
    } finally {
      t.end();
    }
    ctx.out(`restored ${relative(ctx.cwd, file)} into ${ctx.target.display} (${checked.kind}, ${formatBytes(checked.bytes)}, sha256 ${checked.sha256.slice(0, 12)})`);
    return 0;
  });
}

/**
 * `migratelint restore --resume` / `--undo`: finishes or undoes a restore that was killed
 * (the marker and, on PostgreSQL, the leftover databases say how far it got).
 */
export async function recoverInterruptedRestore(ctx: ExecContext, mode: Exclude<RecoverMode, 'auto'>): Promise<number> {
  return withReport(ctx, async (report) => {
    const log = (m: string) => ctx.err(m.split(`${ctx.cwd}${path.sep}`).join(''));
    const before = await interruptedRestore({ target: ctx.target, backupDir: ctx.backupDir, cwd: ctx.cwd });
    if (before && / is in progress \(pid \d+/.test(before)) throw new ExecError(before);
    const done = await recoverRestore(ctx.target, mode, { backupDir: ctx.backupDir, command: ctx.command, lockWaitMs: ctx.lockWaitMs, log });
    report.data.restoreRecovery = { mode, before: before ?? null, done: done ?? null };
    if (!done) {
      report.data.outcome = 'nothing to do';
      ctx.out(`no interrupted restore of ${ctx.target.display} to ${mode === 'resume' ? 'finish' : 'undo'}`);
      return 0;
    }
    ctx.out(done.split(`${ctx.cwd}${path.sep}`).join(''));
    return 0;
  });
}

/** `migratelint backups`: list (newest first) and prune. */
export async function backups(ctx: ExecContext, options: { json: boolean; verify: boolean; prune?: Retention }): Promise<number> {
  let deleted: string[] = [];
  if (options.prune) deleted = pruneBackups(ctx.backupDir, options.prune);
  const list = listBackups(ctx.backupDir, options.verify);
  if (options.json) {
    ctx.out(JSON.stringify({ dir: ctx.backupDir, backups: list, deleted }, null, 2));
  } else {
    for (const f of deleted) ctx.err(`deleted ${f}`);
    if (!list.length) ctx.out(`no backups in ${path.relative(ctx.cwd, ctx.backupDir) || ctx.backupDir}`);
    for (const b of list) {
      const flags = b.intact === false ? '  DAMAGED (checksum mismatch)' : b.sha256 ? '' : '  (no checksum recorded)';
      ctx.out(
        `${b.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${formatBytes(b.bytes).padStart(9)}  ${(b.kind ?? '?').padEnd(7)}  ` +
          `${b.sha256 ? b.sha256.slice(0, 12) : '-'.padEnd(12)}  ${path.relative(ctx.cwd, b.file)}${b.reason ? `  (${b.reason})` : ''}${flags}`,
      );
    }
  }
  return list.some((b) => b.intact === false) ? 1 : 0;
}
