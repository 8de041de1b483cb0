import readline from 'node:readline';
import type { ParseArgsConfig } from 'node:util';
import type { Io } from './main.js';
import { UsageError } from '../errors.js';
import { ExecError } from '../exec/errors.js';
import { parseDbTarget, redact } from '../exec/url.js';
import { Progress } from '../exec/progress.js';
import { makeContext, DEFAULT_EXECUTION, secretsOf, type ExecContext, type ExecutionSettings } from '../exec/context.js';
import type { Retention } from '../exec/backup/index.js';

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

/** `500ms`, `5s`, `2m`, `1h`, `30d`; a bare number is milliseconds (as in PostgreSQL). */
export function parseDuration(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--${name} expects a duration such as 500ms, 5s, 2m or 0, got "${value}"`);
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]);
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

export function retentionOptions(values: Record<string, unknown>): Retention | undefined {
  const keep = countOption(values.keep as string | undefined, 'keep');
  const maxAgeMs = parseDuration(values['max-age'] as string | undefined, 'max-age');
  if (keep === undefined && maxAgeMs === undefined) return undefined;
  return { keep, maxAgeMs };
}

function isInteractive(io: Io): boolean {
  return !!(io.stdin as NodeJS.ReadableStream & { isTTY?: boolean }).isTTY && !!io.stdout.isTTY;
}

function askOn(io: Io): (question: string) => Promise<boolean> {
  return (question) =>
    new Promise((resolve) => {
      const rl = readline.createInterface({ input: io.stdin, output: io.stdout });
      rl.question(question, (answer) => {
        rl.close();
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
    });
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
  });
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
