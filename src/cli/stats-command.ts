import fs from 'node:fs';
import path from 'node:path';
import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { contextFrom, guard } from './exec-shared.js';
import { jsonContext, jsonOrError, noteTarget } from './status-command.js';
import { UsageError } from '../errors.js';
import { ExecError } from '../exec/errors.js';
import { openDb, type ExecContext } from '../exec/context.js';
import { formatBytes } from '../exec/backup/index.js';
import { collectStats } from '../exec/stats/collect.js';
import { DEFAULT_STATS_FILE, type StatsSnapshot } from '../stats/format.js';

export const STATS_HELP = `Usage: migratelint stats [--db URL] [-o FILE] [--json]

Takes a read-only snapshot of what lock risk depends on: per table its row estimate, heap,
index and TOAST sizes, scan and write counters, last (auto)vacuum and analyse, partitions;
per index its size and validity; the server version; transactions open for over a minute.
\`lint --stats FILE\` then weighs each lock by the size of its table, without the database.
Names and numbers only (no rows, no queries, no users or hosts): safe to commit.
Creates nothing on the database; needs pg_read_all_stats (or owning the sessions) to see
other roles' transactions, and says which figures it could not read.

Options:
      --db <url>             postgres://..., postgres: (the PG* variables), pglite:<dir>
                             (default: $MIGRATELINT_DB, else $DATABASE_URL, else pglite:.migratelint/db)
  -o, --output <file>        where to write it (default ${DEFAULT_STATS_FILE})
      --json                 print the snapshot on stdout (and write a file only with -o)
      --lock-wait <time>     PGlite: how long to wait for another run's hold on the data directory
      --debug                show stack traces of internal errors
  -h, --help                 show this help

Example:
  migratelint stats --db "$DATABASE_URL" && git add ${DEFAULT_STATS_FILE}
`;

const OPTIONS = {
  db: { type: 'string' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  'lock-wait': { type: 'string' },
  debug: { type: 'boolean' },
} as const;

/** `migratelint stats [--db URL] [-o FILE] [--json]`: writes the table-statistics snapshot. */
export async function statsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals.length) throw new UsageError(`stats takes no arguments, got: ${positionals.join(' ')}`);
  const json = !!values.json;
  const output = values.output as string | undefined;
  if (output === '') throw new UsageError('--output expects a file name');
  const file = output ?? (json ? undefined : DEFAULT_STATS_FILE);
  const ctx = jsonContext(json, io, () => contextFrom(values, io, 'stats', args));
  noteTarget(ctx, values.db as string | undefined, io);
  const body = (c: ExecContext) => takeSnapshot(c, { file, json });
  if (!json) return guard(ctx, () => body(ctx));
  return jsonOrError(ctx, {}, body);
}

async function takeSnapshot(ctx: ExecContext, options: { file?: string; json: boolean }): Promise<number> {
  const driver = await open(ctx);
  let snapshot: StatsSnapshot;
  try {
    snapshot = await collectStats(driver);
  } finally {
    await driver.close();
  }
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (options.file) writeAtomically(path.resolve(ctx.cwd, options.file), text, options.file);
  const line = summary(snapshot, options.file);
  if (options.json) {
    ctx.out(text.trimEnd());
    ctx.err(line);
  } else ctx.out(line);
  return 0;
}

/** A database that cannot be opened is the caller's to fix: one line, exit 2 (the password masked by guard). */
async function open(ctx: ExecContext) {
  try {
    // mustExist: taking a snapshot must not create an empty PGlite database.
    return await openDb(ctx, { mustExist: true });
  } catch (e) {
    if (e instanceof ExecError) throw new UsageError(e.hint ? `${e.message} (${e.hint})` : e.message);
    throw e;
  }
}

/** Written beside and renamed over, so a reader never sees half a file. */
function writeAtomically(target: string, text: string, shown: string): void {
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new UsageError(`cannot write ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** `wrote .migratelint-stats.json: 42 tables, 97 indexes, largest public.orders (23 GiB, ~41M rows)`. */
export function summary(s: StatsSnapshot, file: string | undefined): string {
  const parts = [`${s.tables.length} ${s.tables.length === 1 ? 'table' : 'tables'}`, `${s.indexes.length} ${s.indexes.length === 1 ? 'index' : 'indexes'}`];
  // A partition is counted inside its parent: the largest is among the tables a statement names.
  const largest = s.tables.filter((t) => !t.partitionOf).sort((a, b) => b.totalBytes - a.totalBytes)[0];
  if (largest) parts.push(`largest ${largest.schema}.${largest.name} (${formatBytes(largest.totalBytes)}, ${largest.rows === null ? 'rows unknown' : `~${compact(largest.rows)} rows`})`);
  if (s.longTransactions.length) parts.push(`${s.longTransactions.length} open transaction${s.longTransactions.length === 1 ? '' : 's'} older than a minute`);
  const groups = [...new Set(s.unreadable.map((u) => u.split(':')[0]))];
  const unreadable = groups.length ? `; unreadable: ${groups.join(', ')} (reasons in the snapshot's "unreadable")` : '';
  return `${file ? `wrote ${file}` : `snapshot of ${s.database}`}: ${parts.join(', ')}${unreadable}`;
}

/** 950, 12k, 41M, 1.2B: a row estimate, as precise as an estimate is. */
function compact(n: number): string {
  const scale: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of scale) if (n >= size) return `${(n / size).toFixed(n < size * 10 ? 1 : 0).replace(/\.0$/, '')}${unit}`;
  return String(Math.round(n));
}
