/**
 * One step through a framework's own runner: the child process, its environment, its
 * output (streamed to `log`, its tail kept for the report, passwords masked), its exit.
 *
 * The environment tells the framework which database to use and bounds its session:
 * - DATABASE_URL: the target. Node-pg-migrate and db-migrate read it themselves; for
 *   Alembic (env.py), Django (settings.py), knex (knexfile), Sequelize
 *   (`use_env_variable`), TypeORM (DataSource file) and Kysely it is the convention the
 *   project's own config follows.
 * - PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE from ?sslmode=): the
 *   same target for whatever connects through libpq (psycopg2) or `pg` without a URL.
 * - PGOPTIONS='-c lock_timeout=<n>ms -c statement_timeout=<n>ms' (after any PGOPTIONS
 *   already set): libpq (psycopg2: Alembic, Django) and node-postgres (`pg` >= 8.5: knex,
 *   Sequelize, node-pg-migrate, TypeORM, MikroORM, db-migrate, Kysely) send it at
 *   connection start, so the timeouts hold for every statement of the framework's session.
 * - the runner's own variables (MikroORM's MIKRO_ORM_CLIENT_URL, ...), then the config's
 *   NAME=value words; NO_COLOR=1 and FORCE_COLOR=0 unless set, PYTHONUNBUFFERED=1 (so the
 *   output comes line by line, in order).
 */
import { spawn } from 'node:child_process';
import type { PlannedMigration } from '../../plan/plan.js';
import { FORMATS } from '../../formats/index.js';
import { redact } from '../url.js';
import type { FrameworkRunner, StepContext } from './types.js';
import { groupOf } from './shared.js';
import { describeStep, stepArgv } from './step.js';

export interface FrameworkStepOptions {
  runner: FrameworkRunner;
  /** The command (resolveCommand's `argv`); the step's arguments are added to it. */
  argv: string[];
  /** Variables from the config's command line (resolveCommand's `env`). */
  env?: Record<string, string>;
  /** Where it runs (resolveCommand's `workdir`); the runner's tool folder by default. */
  workdir?: string;
  m: PlannedMigration;
  direction: 'up' | 'down';
  plan: readonly PlannedMigration[];
  /** The project folder (`m.file` is relative to it). */
  cwd: string;
  /** postgres://… of the target; never shown. */
  databaseUrl: string;
  /** lock_timeout of the framework's session (0 = wait forever). */
  lockTimeoutMs: number;
  /** statement_timeout of the framework's session (0 = none). */
  statementTimeoutMs: number;
  /** Texts to mask wherever they appear (the URL's password is masked anyway). */
  secrets: string[];
  /** Each line the tool prints (masked), as it comes; the command line first, after "$ ". */
  log: (line: string) => void;
  /**
   * Plan ids the framework's own history table counts as applied (NativeState.applied),
   * when known: the step is refused unless the database is where the plan expects it
   * (every migration before `m` applied and `m` not, or, down, `m` applied and nothing
   * after it), since a tool told "up to X" or "the next one" would otherwise run others.
   */
  applied?: ReadonlySet<string>;
  /** The environment to start from; process.env by default. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Stops the tool (SIGTERM) when aborted. */
  signal?: AbortSignal;
  /** How many of the last output lines `output` keeps (40). */
  tailLines?: number;
}

export interface FrameworkStepResult {
  ok: boolean;
  durationMs: number;
  /** The last lines the tool printed, secrets masked. */
  output: string;
  /** null when the tool did not start, was refused or was killed by a signal. */
  exitCode: number | null;
  /** The command line as run (no secret is ever in it), with its folder. */
  command: string;
  /** The signal that ended the tool, if one did. */
  signal?: string;
  /** Why the step did not run at all. */
  refusal?: string;
}

const list = (ids: readonly string[]) => (ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', '));

/**
 * Why `m` cannot run alone in this direction through its framework, or undefined. The
 * runner's own limits first (TypeORM), then, when the history is known, whether the
 * database is where the plan says it is.
 */
export function checkStep(
  runner: FrameworkRunner,
  m: PlannedMigration,
  direction: 'up' | 'down',
  plan: readonly PlannedMigration[],
  applied?: ReadonlySet<string>,
): string | undefined {
  const own = runner.refuse?.(m, direction, plan);
  if (own) return own;
  if (!applied) return undefined;
  const format = FORMATS[m.format];
  const table = format.historyTable ? `${format.historyTable} says so` : 'its history says so';
  const group = groupOf(m, plan);
  const index = group.findIndex((p) => p.id === m.id);
  const graph = format.order === 'graph';
  if (direction === 'up') {
    if (applied.has(m.id)) return `${m.id} is already applied (${table})`;
    const missing = graph ? m.after.filter((id) => !applied.has(id)) : group.slice(0, index).filter((p) => !applied.has(p.id)).map((p) => p.id);
    if (missing.length) return `${m.id} comes after ${list(missing)}, which ${missing.length > 1 ? 'are' : 'is'} not applied (${table}): ${format.label} would run ${missing.length > 1 ? 'them' : 'it'} too`;
    if (runner.selects === 'pending') {
      const pending = group.filter((p) => p.id !== m.id && !applied.has(p.id)).map((p) => p.id);
      if (pending.length) return `${format.label} applies every pending migration at once, and ${list(pending)} ${pending.length > 1 ? 'are' : 'is'} pending besides ${m.id}`;
    }
    return undefined;
  }
  if (!applied.has(m.id)) return `${m.id} is not applied (${table}): nothing to roll back`;
  const later = graph ? group.filter((p) => p.after.includes(m.id) && applied.has(p.id)) : group.slice(index + 1).filter((p) => applied.has(p.id));
  if (later.length) {
    const ids = later.map((p) => p.id);
    return `${m.id} cannot be rolled back alone while ${list(ids)}, after it, ${ids.length > 1 ? 'are' : 'is'} applied (${table})`;
  }
  return undefined;
}

/** The environment the framework runs with (see the top of this file). */
export function frameworkEnv(
  runner: FrameworkRunner,
  databaseUrl: string,
  timeouts: { lockTimeoutMs: number; statementTimeoutMs: number },
  base: NodeJS.ProcessEnv = process.env,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...base, DATABASE_URL: databaseUrl };
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (url.hostname) env.PGHOST = decode(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decode(url.username);
  if (url.password) env.PGPASSWORD = decode(url.password);
  const db = decode(url.pathname.replace(/^\//, ''));
  if (db) env.PGDATABASE = db;
  const sslmode = url.searchParams.get('sslmode');
  // node-postgres' own `no-verify` is libpq's `require` (encrypt, do not verify): the frameworks' drivers speak libpq.
  if (sslmode) env.PGSSLMODE = sslmode === 'no-verify' ? 'require' : sslmode;
  for (const [param, variable] of [['sslrootcert', 'PGSSLROOTCERT'], ['sslcert', 'PGSSLCERT'], ['sslkey', 'PGSSLKEY'], ['connect_timeout', 'PGCONNECT_TIMEOUT']]) {
    const value = url.searchParams.get(param);
    if (value) env[variable] = value;
  }
  const ms = (n: number) => `${Math.max(0, Math.round(n))}ms`;
  const ours = `-c lock_timeout=${ms(timeouts.lockTimeoutMs)} -c statement_timeout=${ms(timeouts.statementTimeoutMs)}`;
  env.PGOPTIONS = base.PGOPTIONS?.trim() ? `${base.PGOPTIONS.trim()} ${ours}` : ours;
  Object.assign(env, runner.env?.(url));
  env.NO_COLOR ??= '1';
  env.FORCE_COLOR ??= '0';
  env.PYTHONUNBUFFERED ??= '1';
  return Object.assign(env, extra);
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]/g;
const MAX_LINE = 2000;

/** Runs one migration, up or down, through its framework's runner. */
export async function runFrameworkStep(opts: FrameworkStepOptions): Promise<FrameworkStepResult> {
  const started = Date.now();
  const at: StepContext = { cwd: opts.cwd, workdir: opts.workdir ?? opts.runner.workdir(opts.m, opts.cwd) };
  const argv = stepArgv(opts.runner, opts.argv, opts.m, opts.direction, opts.plan, at);
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(opts.databaseUrl).password) || undefined;
  } catch {
    password = undefined;
  }
  const secrets = [...opts.secrets, ...(password ? [password] : [])];
  const mask = (text: string) => redact(text, secrets);
  const command = mask(describeStep(argv, at));
  const done = (r: Omit<FrameworkStepResult, 'durationMs' | 'command'>): FrameworkStepResult => ({ ...r, durationMs: Date.now() - started, command });

  if (!/^postgres(ql)?:\/\/./i.test(opts.databaseUrl)) {
    const refusal = `${FORMATS[opts.m.format].label} runs its own connection and needs a PostgreSQL server URL (--db postgres://...); it cannot reach ${/^pglite:/i.test(opts.databaseUrl) ? 'the embedded PGlite database' : 'this target'}`;
    return done({ ok: false, output: refusal, exitCode: null, refusal });
  }
  const refusal = checkStep(opts.runner, opts.m, opts.direction, opts.plan, opts.applied);
  if (refusal) return done({ ok: false, output: refusal, exitCode: null, refusal });

  const env = frameworkEnv(opts.runner, opts.databaseUrl, opts, opts.baseEnv, opts.env);
  const keep = opts.tailLines ?? 40;
  const tail: string[] = [];
  const emit = (raw: string) => {
    let line = raw.replace(ANSI, '').replace(/\s+$/, '');
    if (!line) return;
    if (line.length > MAX_LINE) line = `${line.slice(0, MAX_LINE)} …`;
    line = mask(line);
    tail.push(line);
    if (tail.length > keep) tail.shift();
    opts.log(line);
  };
  opts.log(`$ ${command}`);

  return new Promise<FrameworkStepResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<FrameworkStepResult, 'durationMs' | 'command'>) => {
      if (settled) return;
      settled = true;
      resolve(done(r));
    };
    let child;
    try {
      child = spawn(argv[0], argv.slice(1), { cwd: at.workdir, env, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal, killSignal: 'SIGTERM' });
    } catch (e) {
      const message = mask(`could not start ${argv[0]}: ${(e as Error).message}`);
      finish({ ok: false, output: message, exitCode: null });
      return;
    }
    const partial = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split(/\r\n|\n|\r/);
      partial[stream] = lines.pop() ?? '';
      for (const l of lines) emit(l);
    };
    child.stdout!.on('data', feed('stdout'));
    child.stderr!.on('data', feed('stderr'));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const message =
        e.name === 'AbortError'
          ? 'stopped: the run was interrupted'
          : e.code === 'ENOENT'
            ? `could not start ${argv[0]}: not found (in ${at.workdir})`
            : `could not start ${argv[0]}: ${e.message}`;
      emit(message);
      if (e.name !== 'AbortError') finish({ ok: false, output: tail.join('\n'), exitCode: null });
    });
    child.on('close', (code, signal) => {
      emit(partial.stdout);
      emit(partial.stderr);
      partial.stdout = partial.stderr = '';
      finish({ ok: code === 0, output: tail.join('\n'), exitCode: code, ...(signal ? { signal } : {}) });
    });
  });
}
