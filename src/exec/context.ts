import path from 'node:path';
import type { DbTarget } from './url.js';
import { redact } from './url.js';
import { openDriver, type Driver } from './drivers/index.js';
import { describeOwner } from './lock.js';
import type { Progress } from './progress.js';
import { RunReport } from './report.js';
import { DEFAULT_BACKUP_DIR } from './backup/index.js';
import { DEFAULT_REPORTS_DIR } from './report.js';
import { DEFAULT_HISTORY_SCHEMA } from './history.js';
import type { RunSettings } from './runner.js';

/** Everything a command of the execution layer needs besides its own options. */
export interface ExecContext {
  cwd: string;
  command: string;
  argv: string[];
  target: DbTarget;
  /** Schema of the history table. */
  schema: string;
  backupDir: string;
  reportsDir: string;
  /** How long to wait for the migration lock (another apply). */
  lockWaitMs: number;
  /** Results, to stdout. Every line is redacted. */
  out(line: string): void;
  /** Notes, warnings and errors, to stderr. Every line is redacted. */
  err(line: string): void;
  progress: Progress;
  /** Asks a yes/no question; undefined when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
  /** Asks for a line of text (the production guard's typed name); undefined without a terminal. */
  ask?: (question: string) => Promise<string>;
}

export interface ContextInput {
  cwd: string;
  command: string;
  argv: string[];
  target: DbTarget;
  schema?: string;
  backupDir?: string;
  reportsDir?: string;
  lockWaitMs?: number;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  progress: Progress;
  confirm?: (question: string) => Promise<boolean>;
  ask?: (question: string) => Promise<string>;
}

export function secretsOf(target: DbTarget): (string | undefined)[] {
  return target.kind === 'postgres' ? [target.password] : [];
}

export function makeContext(input: ContextInput): ExecContext {
  const secrets = secretsOf(input.target);
  return {
    cwd: input.cwd,
    command: input.command,
    argv: input.argv,
    target: input.target,
    schema: input.schema ?? DEFAULT_HISTORY_SCHEMA,
    backupDir: path.resolve(input.cwd, input.backupDir ?? DEFAULT_BACKUP_DIR),
    reportsDir: path.resolve(input.cwd, input.reportsDir ?? DEFAULT_REPORTS_DIR),
    lockWaitMs: input.lockWaitMs ?? 60_000,
    out: (line) => input.stdout(`${redact(line, secrets)}\n`),
    err: (line) => input.stderr(`${redact(line, secrets)}\n`),
    progress: input.progress,
    confirm: input.confirm,
    ask: input.ask,
  };
}

export function newReport(ctx: ExecContext): RunReport {
  return new RunReport(ctx.reportsDir, ctx.command, ctx.argv, ctx.target.display, secretsOf(ctx.target));
}

/** Opens the database, saying so when it has to wait for another process's lock. */
export async function openDb(ctx: ExecContext, options: { mustExist?: boolean; extensions?: readonly string[] } = {}): Promise<Driver> {
  const task = ctx.progress.start(`opening ${ctx.target.display}`);
  try {
    return await openDriver(ctx.target, {
      command: ctx.command,
      lockWaitMs: ctx.lockWaitMs,
      mustExist: options.mustExist,
      extensions: options.extensions,
      onLockWait: (holder) => ctx.err(`waiting for the database lock held by ${describeOwner(holder)}...`),
    });
  } finally {
    task.end();
  }
}

/** Takes the migration lock, saying so when it has to wait. */
export async function takeLock(ctx: ExecContext, driver: Driver): Promise<void> {
  await driver.lock(ctx.lockWaitMs, (holder) => ctx.err(`waiting for the migration lock held by ${holder}...`));
}

export interface ExecutionSettings {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
}

export const DEFAULT_EXECUTION: ExecutionSettings = {
  lockTimeoutMs: 5_000,
  statementTimeoutMs: 0,
  retries: 3,
  retryBackoffMs: 1_000,
};

export function runSettings(ctx: ExecContext, exec: ExecutionSettings): RunSettings {
  const secrets = secretsOf(ctx.target);
  return { schema: ctx.schema, ...exec, log: (m) => ctx.err(`note: ${m}`), redact: (text) => redact(text, secrets) };
}
