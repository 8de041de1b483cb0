/**
 * Code migrations (Alembic, Django, knex, Sequelize, ...) in apply and rollback: they run
 * through their framework's own runner, one migration at a time, never as migratelint's
 * lowered SQL (which skips RunPython, data code and hooks, and the framework's history
 * table). migratelint keeps its gate, lock, backup, timeouts and report around each step,
 * and its own history row beside the framework's.
 */
import { FORMATS } from '../formats/index.js';
import type { ResolvedConfig } from '../config/load.js';
import type { ExecMigration } from './migrations.js';
import { insertRow, type HistoryResult } from './history.js';
import type { Driver } from './drivers/types.js';
import type { RunSettings } from './runner.js';
import { resolveCommand, runFrameworkStep, runnerFor, describeStep, stepArgv, type ResolvedCommand } from './runners/index.js';
import { secretsOf, type ExecContext } from './context.js';

/** Whether migratelint hands this migration to its framework instead of running its SQL. */
export const runsThroughFramework = (m: ExecMigration): boolean => FORMATS[m.planned.format].frontend !== 'sql';

/** The URL the framework connects with: the target's, or one made from the PG* variables. */
export function frameworkDatabaseUrl(ctx: ExecContext, env: NodeJS.ProcessEnv = process.env): string {
  const t = ctx.target;
  if (t.kind !== 'postgres') return t.display;
  if (t.connectionString) return t.connectionString;
  const enc = encodeURIComponent;
  const auth = env.PGUSER ? `${enc(env.PGUSER)}${env.PGPASSWORD ? `:${enc(env.PGPASSWORD)}` : ''}@` : '';
  return `postgres://${auth}${env.PGHOST ?? 'localhost'}${env.PGPORT ? `:${env.PGPORT}` : ''}/${enc(env.PGDATABASE ?? env.PGUSER ?? '')}`;
}

/**
 * The command per format for the code migrations about to run, or the refusals (one
 * line each: what to install or configure, or why the target cannot work).
 */
export function resolveFrameworkCommands(
  ctx: ExecContext,
  items: readonly ExecMigration[],
  config: Pick<ResolvedConfig, 'runner'>,
): { commands: Map<string, ResolvedCommand>; problems: string[] } {
  const commands = new Map<string, ResolvedCommand>();
  const problems: string[] = [];
  const code = items.filter(runsThroughFramework);
  if (code.length && ctx.target.kind !== 'postgres') {
    const formats = [...new Set(code.map((m) => FORMATS[m.planned.format].label))].join(', ');
    problems.push(
      `${formats} migrations run through their framework, which connects to a PostgreSQL server itself: pass --db postgres://... (the embedded PGlite database serves SQL migrations and validate's trial)`,
    );
    return { commands, problems };
  }
  for (const m of code) {
    const format = m.planned.format;
    if (commands.has(format)) continue;
    const resolved = resolveCommand(format, config.runner, ctx.cwd, { m: m.planned });
    if ('refusal' in resolved) problems.push(resolved.refusal);
    else commands.set(format, resolved);
  }
  return { commands, problems };
}

/** The command a dry run shows for one step. */
export function describeFrameworkStep(ctx: ExecContext, command: ResolvedCommand, m: ExecMigration, direction: 'up' | 'down', plan: readonly ExecMigration[]): string {
  const runner = runnerFor(m.planned.format)!;
  const at = { cwd: ctx.cwd, workdir: command.configured ? command.workdir : runner.workdir(m.planned, ctx.cwd) };
  return describeStep(
    stepArgv(runner, command.argv, m.planned, direction, plan.map((p) => p.planned), at),
    at,
  );
}

export interface FrameworkRun {
  ok: boolean;
  result: HistoryResult;
  durationMs: number;
  message?: string;
}

/**
 * Runs one migration through its framework and records the attempt in migratelint's
 * history (the framework writes its own row). `applied` is what the framework's table
 * says before the step; it is updated as steps succeed.
 */
export async function runFrameworkMigration(
  ctx: ExecContext,
  driver: Driver,
  command: ResolvedCommand,
  m: ExecMigration,
  direction: 'up' | 'down',
  plan: readonly ExecMigration[],
  settings: RunSettings,
  applied: Set<string> | undefined,
): Promise<FrameworkRun> {
  const runner = runnerFor(m.planned.format)!;
  const run = await runFrameworkStep({
    runner,
    argv: command.argv,
    env: command.env,
    workdir: command.configured ? command.workdir : undefined,
    m: m.planned,
    direction,
    plan: plan.map((p) => p.planned),
    cwd: ctx.cwd,
    databaseUrl: frameworkDatabaseUrl(ctx),
    lockTimeoutMs: settings.lockTimeoutMs,
    statementTimeoutMs: settings.statementTimeoutMs,
    secrets: secretsOf(ctx.target).filter((s): s is string => !!s),
    log: (line) => ctx.err(`  ${line}`),
    applied,
  });
  const done: HistoryResult = direction === 'up' ? 'applied' : 'rolled back';
  const message = run.ok
    ? undefined
    : run.refusal
      ? `${m.file}: ${run.refusal}`
      : `${m.file}: ${run.command} failed${run.exitCode === null ? (run.signal ? ` (${run.signal})` : '') : ` with exit code ${run.exitCode}`}:\n  ${run.output.split('\n').slice(-12).join('\n  ')}`;
  await insertRow(driver, settings.schema, {
    version: m.id,
    name: m.name,
    direction,
    result: run.ok ? done : 'failed',
    checksum: m.checksum,
    file: m.file,
    duration_ms: run.durationMs,
    error: message,
    note: `run by ${run.command}`,
  });
  if (run.ok && applied) {
    if (direction === 'up') applied.add(m.id);
    else applied.delete(m.id);
  }
  return { ok: run.ok, result: run.ok ? done : 'failed', durationMs: run.durationMs, message };
}
