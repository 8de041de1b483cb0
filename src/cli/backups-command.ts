import path from 'node:path';
import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, contextFrom, guard, retentionOptions } from './exec-shared.js';
import { ExecError } from '../exec/errors.js';
import type { ExecContext } from '../exec/context.js';
import { verifyBackups } from '../exec/backup-commands.js';
import { executePrune, formatBytes, listBackups, listPartials, planPrune, PARTIAL_STALE_MS, type ListedBackup, type PartialFile, type Retention } from '../exec/backup/retention.js';

export const BACKUPS_HELP = `Usage: migratelint backups [--prune (--keep N | --max-age 30d) [--yes]] [--json]
       migratelint backups --verify [<backup>...] [--db <url>] [--json]

Lists the backups in the backup directory, newest first, and files of interrupted backups
(*.partial, never a valid backup).

Options:
      --verify            restore each backup (or those named: a path, or a file name in the
                          backup directory) into a scratch database and compare it with what it
                          recorded when it was taken: its checksum, tables, row counts, columns,
                          indexes and constraints. One line each: ok, FAIL (exit 1) or skip.
                          A PGlite backup is restored into an in-memory PGlite; a pg_dump
                          archive (pg_restore) and a logical backup into a new database
                          migratelint_verify_* on the --db server, dropped afterwards (one
                          left by an interrupted verify is dropped by the next). Without a
                          PostgreSQL --db, a logical backup goes into an in-memory PGlite and
                          a pg_dump archive is skipped. The database itself is never touched.
      --db <url>          the server pg_dump archives are verified on (default: as for apply)
      --json              the list (or the verification) as JSON
      --prune             delete backups beyond --keep N (the N newest stay) and/or older than
                          --max-age (30d, 12h...), and partial files untouched for ${PARTIAL_STALE_MS / 3_600_000}h;
                          each deleted file is printed
  -y, --yes               delete without asking. Without it, --prune asks on a terminal and
                          refuses elsewhere (CI needs --yes). Deleting EVERY backup (--keep 0, or
                          a --max-age older than all of them) needs --yes even on a terminal.
      --backup-dir <dir>  default .migratelint/backups (or $MIGRATELINT_BACKUP_DIR)
      --schema, --reports-dir, --lock-wait, --debug  as for apply (see: migratelint apply --help)
  -h, --help              show this help

Examples:
  migratelint backups
  migratelint backups --prune --keep 10 --max-age 30d --yes
  migratelint backups --verify --db "$DATABASE_URL"

--max-age always carries a unit (30d, 12h, 90m, 30s, 500ms): a bare number is refused, and
so is 0 (--keep 0 --yes deletes every backup).

A PGlite backup that inflates beyond the size its sidecar recorded (or, without one, beyond
the larger of 1 GB and 100 times its size) is refused before it is loaded, by --verify and
restore alike: not a migratelint backup, or corrupted.
`;

/** `migratelint backups [--json] [--prune --keep N | --max-age 30d] [--yes]`, `migratelint backups --verify [<backup>...]`. */
export async function backupsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    json: { type: 'boolean' },
    verify: { type: 'boolean' },
    prune: { type: 'boolean' },
    keep: { type: 'string' },
    'max-age': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(BACKUPS_HELP);
    return 0;
  }
  if (positionals.length && !values.verify) throw new UsageError(`backups takes no arguments without --verify (got: ${positionals.join(' ')})`);
  const retention = retentionOptions(values);
  if (values.prune && !retention) throw new UsageError('--prune needs a retention setting: --keep N and/or --max-age 30d');
  if (!values.prune && retention) throw new UsageError('--keep and --max-age go with --prune');
  const ctx = contextFrom(values, io, 'backups', args);
  return guard(ctx, async () => {
    const deleted = values.prune ? await prune(ctx, retention!, !!values.yes) : [];
    if (values.verify) return verifyBackups(ctx, { json: !!values.json, names: positionals, deleted });
    return list(ctx, { json: !!values.json, deleted });
  });
}

const rel = (ctx: ExecContext, file: string) => path.relative(ctx.cwd, file) || file;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Deletes what the retention setting says, after asking: on a terminal it asks [y/N];
 * elsewhere it needs --yes. Leaving no backup at all needs --yes in any case.
 */
async function prune(ctx: ExecContext, retention: Retention, yes: boolean): Promise<string[]> {
  const plan = planPrune(ctx.backupDir, retention);
  const count = plan.backups.length + plan.partials.length;
  if (!count) {
    ctx.err('nothing to prune');
    return [];
  }
  const what = [
    plan.backups.length ? plural(plan.backups.length, 'backup') : '',
    plan.partials.length ? plural(plan.partials.length, 'interrupted partial file') : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const removesAll = plan.backups.length > 0 && plan.kept === 0;
  if (!yes) {
    for (const b of plan.backups) ctx.err(`  to delete: ${rel(ctx, b.file)}  (${stamp(b.createdAt)}${b.reason ? `, ${b.reason}` : ''})`);
    for (const p of plan.partials) ctx.err(`  to delete: ${rel(ctx, p.file)}  (partial, interrupted)`);
    if (removesAll) throw new ExecError(`--prune would delete every backup (${what}), leaving none: pass --yes to confirm`);
    if (!ctx.confirm) throw new ExecError(`--prune would delete ${what}: pass --yes to confirm (there is no terminal to ask on)`);
    if (!(await ctx.confirm(`Delete ${what}? ${plural(plan.kept, 'backup')} ${plan.kept === 1 ? 'stays' : 'stay'}. [y/N] `))) throw new ExecError('cancelled: nothing was deleted');
  }
  const deleted = executePrune(plan);
  for (const f of deleted) ctx.err(`deleted ${rel(ctx, f)}`);
  return deleted;
}

const stamp = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function backupLine(ctx: ExecContext, b: ListedBackup): string {
  const flags = b.sha256 ? '' : '  (no checksum recorded)';
  return (
    `${stamp(b.createdAt)}  ${formatBytes(b.bytes).padStart(9)}  ${(b.kind ?? '?').padEnd(7)}  ` +
    `${b.sha256 ? b.sha256.slice(0, 12) : '-'.padEnd(12)}  ${rel(ctx, b.file)}${b.reason ? `  (${b.reason})` : ''}${flags}`
  );
}

function partialLine(ctx: ExecContext, p: PartialFile): string {
  const state = p.interrupted ? 'partial (interrupted): not a backup, --prune deletes it' : 'partial (being written, or interrupted less than 1h ago)';
  return `${stamp(p.modifiedAt)}  ${formatBytes(p.bytes).padStart(9)}  ${'-'.padEnd(7)}  ${'-'.padEnd(12)}  ${rel(ctx, p.file)}  ${state}`;
}

/** The backups, newest first, and the partial files. */
function list(ctx: ExecContext, options: { json: boolean; deleted: string[] }): number {
  const backups = listBackups(ctx.backupDir);
  const partials = listPartials(ctx.backupDir);
  if (options.json) {
    ctx.out(JSON.stringify({ dir: ctx.backupDir, backups, partials, deleted: options.deleted }, null, 2));
  } else {
    if (!backups.length) ctx.out(`no backups in ${rel(ctx, ctx.backupDir)}`);
    const lines = [
      ...backups.map((b) => ({ at: b.createdAt, text: backupLine(ctx, b) })),
      ...partials.map((p) => ({ at: p.modifiedAt, text: partialLine(ctx, p) })),
    ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    for (const l of lines) ctx.out(l.text);
  }
  return 0;
}
