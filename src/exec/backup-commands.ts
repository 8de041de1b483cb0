import fs from 'node:fs';
import path from 'node:path';
import type { Driver } from './drivers/types.js';
import { isDataDir } from './drivers/pglite.js';
import { ExecError } from './errors.js';
import { createBackup, formatBytes, listBackups, restoreBackup, restorePgliteDir, verifyBackup, type ListedBackup } from './backup/index.js';
import { BackupVerifier, type Verification } from './backup/verify.js';
import { count, rowCount } from './backup/contents.js';
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

/**
 * `migratelint backups --verify [<backup>...]`: every backup in the backup directory (or those
 * named) restored into a scratch database and compared with what it recorded when it was
 * taken; one line each as it is done. Exit 1 when one fails.
 */
export async function verifyBackups(ctx: ExecContext, options: { json: boolean; names: string[]; deleted: string[] }): Promise<number> {
  const files = options.names.length ? options.names.map((n) => resolveBackupFile(ctx, n)) : listBackups(ctx.backupDir).map((b) => b.file);
  const notes: string[] = [];
  const verifier = new BackupVerifier({
    target: ctx.target,
    command: ctx.command,
    note: (m) => (options.json ? notes.push(m) : ctx.err(`note: ${m}`)),
  });
  const results: Verification[] = [];
  try {
    for (const file of files) {
      const task = ctx.progress.start(`verifying ${path.basename(file)}`);
      const result = await verifier.verify(file).finally(() => task.end());
      results.push(result);
      if (!options.json) for (const line of verificationLines(ctx, result)) ctx.out(line);
    }
  } finally {
    await verifier.close();
  }
  if (options.json) {
    const backups = results.map((r) => ({ ...listedBackup(r.file), verify: { ...r, file: undefined } }));
    ctx.out(JSON.stringify({ dir: ctx.backupDir, backups, deleted: options.deleted, notes }, null, 2));
  } else if (!files.length) ctx.out(`no backups in ${relative(ctx.cwd, ctx.backupDir)}`);
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}

/** What `backups --json` says of a backup, for one that may lie outside the backup directory. */
function listedBackup(file: string): ListedBackup {
  const inDir = listBackups(path.dirname(file)).find((b) => b.file === file);
  return inDir ?? { file, bytes: fs.statSync(file).size, createdAt: fs.statSync(file).mtime.toISOString() };
}

/** Problems past this many are counted, not listed: one damaged table can make hundreds. */
const MAX_PROBLEM_LINES = 10;

/** `ok   <file>  12 tables, 48,213 rows, schema matches`, `FAIL <file>: <first problem>` (then the others), `skip <file>: <why>`. */
function verificationLines(ctx: ExecContext, r: Verification): string[] {
  const file = relative(ctx.cwd, r.file);
  if (r.status === 'skipped') return [`skip ${file}: ${r.unchecked.join('; ')}`];
  if (r.status === 'fail') {
    const [first, ...rest] = r.problems;
    const more = rest.length > MAX_PROBLEM_LINES ? [`     ... and ${count(rest.length - MAX_PROBLEM_LINES)} more`] : [];
    return [`FAIL ${file}: ${first}`, ...rest.slice(0, MAX_PROBLEM_LINES).map((p) => `     ${p}`), ...more];
  }
  const held = `${count(r.tables ?? 0)} ${r.tables === 1 ? 'table' : 'tables'}, ${rowCount(r.rows ?? 0)}`;
  return [`ok   ${file}  ${held}${r.unchecked.length ? `; ${r.unchecked.join('; ')}` : ', schema matches'}`];
}
