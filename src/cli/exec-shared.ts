import readline from 'node:readline';
import type { ParseArgsConfig } from 'node:util';
import type { Io } from './main.js';
import { UsageError } from '../errors.js';
import { ExecError } from '../exec/errors.js';
import { parseDbTarget, redact } from '../exec/url.js';
import { Progress } from '../exec/progress.js';
import { makeContext, DEFAULT_EXECUTION, secretsOf, type ExecContext, type ExecutionSettings } from '../exec/context.js';
import type { Retention } from '../exec/backup/index.js';
import { guardProtected } from '../exec/protect.js';
import { loadConfig } from '../config/load.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command of the execution layer takes. */
export const COMMON_OPTIONS: Options = {
  db: { type: 'string' },
  schema: { type: 'string' },
  'backup-dir': { type: 'string' },
  'reports-dir': { type: 'string' },
  'lock-wait': { type: 'string' },
  debug: { type: 'boolean' },
};

/** Options of the commands that run migrations. */
export const EXECUTION_OPTIONS: Options = {
  'lock-timeout': { type: 'string' },
  'statement-timeout': { type: 'string' },
  retries: { type: 'string' },
  'retry-backoff': { type: 'string' },
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** PostgreSQL's limit for lock_timeout and statement_timeout, and Node's for a timer: about 24.8 days. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The duration flags, what a bare `0` means for each (none: refused) and the largest value.
 * A bare number other than 0 is always refused: `--max-age 30` once deleted every backup
 * (30 ms) and `--lock-wait 2` waited 2 ms, where seconds or days were meant.
 */
export const DURATION_FLAGS: Record<string, { zero?: string; max?: number }> = {
  'lock-wait': { zero: 'fail at once when another run holds the lock', max: MAX_TIMER_MS },
  'lock-timeout': { zero: 'wait for table locks forever (PostgreSQL lock_timeout = 0)', max: MAX_TIMER_MS },
  'statement-timeout': { zero: 'no limit (the default)', max: MAX_TIMER_MS },
  'retry-backoff': { zero: 'retry at once', max: MAX_TIMER_MS },
  'max-age': {},
  'max-transaction-age': {},
};

/** The --help lines of COMMON_OPTIONS, which every command of the execution layer takes. */
export const COMMON_HELP = `      --db <url>            pglite:<dir> (default pglite:.migratelint/db), pglite:memory,
                            postgres://..., postgres: (the PG* variables)
      --schema <name>       schema of the history table
      --backup-dir <dir>    default .migratelint/backups
      --reports-dir <dir>   default .migratelint/reports
      --lock-wait <time>    how long to wait for another run's migration lock (default 60s)
      --debug               show stack traces of internal errors`;

/** The --help lines of the options apply and rollback share (defaults: DEFAULT_EXECUTION, makeContext). */
export const EXECUTION_HELP = `      --lock-timeout <time> PostgreSQL lock_timeout of each statement (default 5s)
      --statement-timeout <time>  PostgreSQL statement_timeout (default 0: no limit)
      --retries <n>         tries again after a lock timeout (default 3)
      --retry-backoff <time>  wait before the first retry, doubling (default 1s)
${COMMON_HELP}`;

/** The lines --help prints about durations. */
export const DURATION_HELP = `Durations always carry a unit: 500ms, 30s, 5m, 2h, 30d. A bare number is refused
(is 30 seconds or days?); a bare 0 is accepted only where it means something:
  --lock-wait 0          ${DURATION_FLAGS['lock-wait'].zero}
  --lock-timeout 0       ${DURATION_FLAGS['lock-timeout'].zero}
  --statement-timeout 0  ${DURATION_FLAGS['statement-timeout'].zero}
  --retry-backoff 0      ${DURATION_FLAGS['retry-backoff'].zero}
`;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)$/i;
const BARE_NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const UNIT_EXAMPLES = '30d, 12h, 90m, 30s, 500ms';

/**
 * `500ms`, `30s`, `5m` (or `5min`), `2h`, `30d`. The unit is required: a bare number is a
 * usage error naming the flag, except `0` where DURATION_FLAGS gives 0 a meaning.
 */
export function parseDuration(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const flag = DURATION_FLAGS[name] ?? {};
  if (BARE_NUMBER.test(text)) {
    if (Number(text) === 0 && flag.zero) return 0;
    const zero = flag.zero ? `; 0 alone: ${flag.zero}` : '';
    throw new UsageError(`--${name} ${text}: give a unit (${UNIT_EXAMPLES}${zero})`);
  }
  const m = DURATION.exec(text);
  if (!m) throw new UsageError(`--${name} expects a duration such as 500ms, 30s, 5m, 2h or 30d, got "${value}"`);
  const ms = Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  if (ms === 0 && Number(m[1]) !== 0) throw new UsageError(`--${name} ${text}: less than 1ms (give 1ms or more${flag.zero ? ', or 0' : ''})`);
  if (ms === 0 && !flag.zero) throw new UsageError(`--${name} ${text}: give a duration above zero`);
  if (flag.max !== undefined && ms > flag.max) throw new UsageError(`--${name} ${text}: at most 24d`);
  return ms;
}

export function countOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects a whole number, got "${value}"`);
  return n;
}

export function executionSettings(values: Record<string, unknown>): ExecutionSettings {
  return {
    lockTimeoutMs: parseDuration(values['lock-timeout'] as string | undefined, 'lock-timeout') ?? DEFAULT_EXECUTION.lockTimeoutMs,
    statementTimeoutMs: parseDuration(values['statement-timeout'] as string | undefined, 'statement-timeout') ?? DEFAULT_EXECUTION.statementTimeoutMs,
    retries: countOption(values.retries as string | undefined, 'retries') ?? DEFAULT_EXECUTION.retries,
    retryBackoffMs: parseDuration(values['retry-backoff'] as string | undefined, 'retry-backoff') ?? DEFAULT_EXECUTION.retryBackoffMs,
  };
}

/** `--keep N` (0 deletes every backup, and so needs --yes) and `--max-age 30d` (above zero). */
export function retentionOptions(values: Record<string, unknown>): Retention | undefined {
  const keep = countOption(values.keep as string | undefined, 'keep');
  const maxAgeMs = parseDuration(values['max-age'] as string | undefined, 'max-age');
  if (keep === undefined && maxAgeMs === undefined) return undefined;
  return { keep, maxAgeMs };
}

function isInteractive(io: Io): boolean {
  return !!(io.stdin as NodeJS.ReadableStream & { isTTY?: boolean }).isTTY && !!io.stdout.isTTY;
}

function askLineOn(io: Io): (question: string) => Promise<string> {
  return (question) =>
    new Promise((resolve) => {
      const rl = readline.createInterface({ input: io.stdin, output: io.stdout });
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
    });
}

function askOn(io: Io): (question: string) => Promise<boolean> {
  const ask = askLineOn(io);
  return async (question) => /^y(es)?$/i.test((await ask(question)).trim());
}

export function contextFrom(values: Record<string, unknown>, io: Io, command: string, argv: string[]): ExecContext {
  const target = parseDbTarget(values.db as string | undefined, io.cwd, io.env);
  const schema = values.schema as string | undefined;
  if (schema !== undefined && !/^[^\0]{1,63}$/.test(schema)) throw new UsageError('--schema expects a schema name');
  return makeContext({
    cwd: io.cwd,
    command,
    argv,
    target,
    schema,
    backupDir: (values['backup-dir'] as string | undefined) ?? io.env.MIGRATELINT_BACKUP_DIR,
    reportsDir: (values['reports-dir'] as string | undefined) ?? io.env.MIGRATELINT_REPORTS_DIR,
    lockWaitMs: parseDuration(values['lock-wait'] as string | undefined, 'lock-wait'),
    stdout: (t) => io.stdout.write(t),
    stderr: (t) => io.stderr.write(t),
    progress: Progress.for(io.stderr as NodeJS.WritableStream & { isTTY?: boolean }, io.env),
    confirm: isInteractive(io) ? askOn(io) : undefined,
    ask: isInteractive(io) ? askLineOn(io) : undefined,
  });
}

/** The flag that, with --yes, lets a changing command run on a protected database without a terminal. */
export const PRODUCTION_OPTIONS: Options = { 'i-know-this-is-production': { type: 'boolean' } };
export const PRODUCTION_HELP = `      --i-know-this-is-production  with --yes: run on a database the config's protect: lists`;

/**
 * The production guard for a command that changes the database (see exec/protect.ts):
 * reads \`protect:\` from the project's config and asks, refuses or lets through.
 */
export async function guardProduction(ctx: ExecContext, values: Record<string, unknown>, action: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { protect } = await loadConfig({ cwd: ctx.cwd });
  const match = await guardProtected({
    target: ctx.target,
    patterns: protect,
    action,
    yes: !!values.yes,
    iKnowProduction: !!values['i-know-this-is-production'],
    force: !!values.force,
    ask: ctx.ask,
    env,
  });
  if (match) ctx.err(`note: ${ctx.target.display} is protected (protect: "${match.pattern}"): confirmed`);
}

/**
 * Runs a command body: an ExecError is printed (exit 1); a usage error goes to the CLI
 * (exit 2); anything else becomes an internal error whose message has no password in it.
 */
export async function guard(ctx: ExecContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(redact(e.message, secretsOf(ctx.target)));
    if (e instanceof ExecError) {
      ctx.err(`migratelint: ${e.message}`);
      if (e.hint) ctx.err(`  ${e.hint}`);
      return 1;
    }
    const err = e as Error;
    const clean = new Error(redact(err?.message ?? String(e), secretsOf(ctx.target)));
    if (err?.stack) clean.stack = redact(err.stack, secretsOf(ctx.target));
    throw clean;
  }
}

export function onePositional(positionals: string[], command: string, what: string): string | undefined {
  if (positionals.length > 1) throw new UsageError(`${command} takes one ${what}, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

/**
 * Settings the target cannot honour are refused before any work: the embedded PGlite
 * database runs a statement to its end in this process, so nothing can interrupt it at
 * statement_timeout, and a silent limit that is not kept is worse than none.
 */
export function checkSettingsForTarget(ctx: ExecContext, exec: ExecutionSettings): void {
  if (ctx.target.kind === 'pglite' && exec.statementTimeoutMs > 0) {
    throw new UsageError(`--statement-timeout: the embedded PGlite database (${ctx.target.display}) cannot stop a running statement; the limit applies on a PostgreSQL server only`);
  }
}
