import type { Statement } from '../ir/types.js';
import { OffsetConverter } from '../ir/source-text.js';
import type { Driver } from './drivers/types.js';
import { LOCK_NOT_AVAILABLE, describeServerError, serverError, type ServerError } from './errors.js';
import { insertRow, updateRow, type HistoryResult } from './history.js';
import { prefixChecksum, type SectionPlan, type Step } from './plan.js';
import { quoteLiteral } from './sql.js';
import { recoveryFor, type RecoveryContext } from './concurrent-recovery.js';

export interface RunSettings {
  schema: string;
  /** lock_timeout for each statement, in ms (0 = wait forever). */
  lockTimeoutMs: number;
  /** statement_timeout, in ms (0 = none). */
  statementTimeoutMs: number;
  /** How many times a statement that hit lock_timeout is tried again. */
  retries: number;
  /** Wait before the first retry; doubled each time. */
  retryBackoffMs: number;
  /** Warnings and notes while running (a retry, an INVALID index dropped). */
  log: (message: string) => void;
  /** Called before each statement, for progress lines. */
  onStatement?: (index: number, count: number) => void;
  /**
   * Runs in the transaction that records the section as done (the tool's own history
   * row), so the migration, migratelint's row and the tool's row commit together.
   */
  onComplete?: (driver: Driver) => Promise<void>;
  /** Masks secrets in text that is stored (the history's error column). */
  redact?: (text: string) => string;
}

export interface Failure {
  file: string;
  line: number;
  column: number;
  /** 1-based, among the statements that run. */
  statementIndex: number;
  statementCount: number;
  statement: string;
  server: ServerError;
  /** Statements of this migration that stay committed (steps outside one transaction). */
  committed: number;
  /** The whole message, ready to print. */
  message: string;
}

export interface RunResult {
  ok: boolean;
  result: HistoryResult;
  durationMs: number;
  attempts: number;
  /** Statement index a resumed run started from. */
  resumedFrom?: number;
  failure?: Failure;
  /**
   * What interrupted or failed CONCURRENTLY statements left and this run settled: INVALID
   * indexes dropped (by name), pending partition detaches finalized.
   */
  cleanedUp: string[];
}

export interface Resume {
  rowId: number;
  progress: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inTransaction(driver: Driver, body: () => Promise<void>): Promise<void> {
  await driver.execute('BEGIN');
  try {
    await body();
    await driver.execute('COMMIT');
  } catch (e) {
    await driver.execute('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** Where in its file a statement failed, from the server's error position. */
function locateFailure(stmt: Statement, err: ServerError): { line: number; column: number } {
  if (err.position !== undefined) {
    const offset = new OffsetConverter(stmt.text).fromCodePoint(err.position - 1);
    const pos = stmt.chunk.position(stmt.start + Math.min(offset, stmt.text.length));
    return { line: pos.line, column: pos.column };
  }
  return { line: stmt.range.start.line, column: stmt.range.start.column };
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0];
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

function timeoutSql(local: boolean, settings: RunSettings): string[] {
  const set = local ? 'SET LOCAL' : 'SET';
  return [`${set} lock_timeout = ${quoteLiteral(`${settings.lockTimeoutMs}ms`)}`, `${set} statement_timeout = ${quoteLiteral(`${settings.statementTimeoutMs}ms`)}`];
}

class StatementFailed extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super('statement failed');
  }
}

/**
 * Runs one migration's up or down section and records it in the history table.
 *
 * A section that is one transaction (the usual case) runs with its history row in that
 * same transaction: the database holds all of it, recorded, or none of it. A section
 * with statements that cannot run in a transaction writes a `running` row first and
 * moves its `progress` forward inside each step's transaction (or right after a bare
 * statement), so a killed run is resumed where it stopped.
 */
export async function runSection(driver: Driver, plan: SectionPlan, settings: RunSettings, resume?: Resume): Promise<RunResult> {
  try {
    return await runSectionInner(driver, plan, settings, resume);
  } finally {
    // A SET in a migration's file outlives its transaction: the next migration starts clean.
    await driver.resetSession().catch(() => {});
  }
}

async function runSectionInner(driver: Driver, plan: SectionPlan, settings: RunSettings, resume?: Resume): Promise<RunResult> {
  const t0 = performance.now();
  const m = plan.migration;
  const done: HistoryResult = plan.direction === 'up' ? 'applied' : 'rolled back';
  const elapsed = () => Math.round(performance.now() - t0);
  const count = plan.statements.length;
  const base = { version: m.id, name: m.name, direction: plan.direction, checksum: m.checksum, file: plan.section.file ?? m.file };
  const cleanedUp: string[] = [];
  let attempts = 0;

  const runStatements = async (step: Step) => {
    for (let i = step.from; i < step.to; i++) {
      settings.onStatement?.(i, count);
      try {
        await driver.execute(plan.statements[i].text);
      } catch (e) {
        throw new StatementFailed(i, e);
      }
    }
  };

  /** Runs a transactional step, retrying on lock timeouts; `finish` runs inside the transaction after the statements. */
  const runTxStep = async (step: Step, finish: () => Promise<void>) => {
    for (let attempt = 1; ; attempt++) {
      attempts++;
      await driver.execute('BEGIN');
      try {
        for (const s of timeoutSql(true, settings)) await driver.execute(s);
        await runStatements(step);
        await finish();
        await driver.execute('COMMIT');
        return;
      } catch (e) {
        await driver.execute('ROLLBACK').catch(() => {});
        if (await shouldRetry(e, attempt)) continue;
        throw e;
      }
    }
  };

  const shouldRetry = async (e: unknown, attempt: number) => {
    const cause = e instanceof StatementFailed ? e.cause : e;
    if (serverError(cause).code !== LOCK_NOT_AVAILABLE || attempt > settings.retries) return false;
    const wait = settings.retryBackoffMs * 2 ** (attempt - 1);
    const where = e instanceof StatementFailed ? ` at statement ${e.index + 1}` : '';
    settings.log(`${m.id}: lock timeout${where} (attempt ${attempt} of ${settings.retries + 1}); trying again in ${(wait / 1000).toFixed(1)} s`);
    await sleep(wait);
    return true;
  };

  const fail = (e: unknown, committed: number): Failure => {
    const idx = e instanceof StatementFailed ? e.index : -1;
    const cause = e instanceof StatementFailed ? e.cause : e;
    const server = serverError(cause);
    const stmt = idx >= 0 ? plan.statements[idx] : undefined;
    const pos = stmt ? locateFailure(stmt, server) : { line: 1, column: 1 };
    const file = stmt?.chunk.file ?? base.file;
    const what = stmt
      ? `${file}:${pos.line}:${pos.column}: statement ${idx + 1} of ${count} failed: ${firstLine(stmt.text)}`
      : `${file}: ${m.id} failed`;
    const kept =
      committed > 0
        ? `\n  statements 1-${committed} of ${m.id} ran outside a single transaction and stay committed; the history records it as partial`
        : `\n  nothing of ${m.id} was ${plan.direction === 'up' ? 'applied' : 'rolled back'}: its transaction was rolled back`;
    return {
      file,
      line: pos.line,
      column: pos.column,
      statementIndex: idx + 1,
      statementCount: count,
      statement: stmt?.text ?? '',
      server,
      committed,
      message: (settings.redact ?? ((t: string) => t))(`${what}\n  server: ${describeServerError(server).replace(/\n/g, '\n  ')}${kept}`),
    };
  };

  // The usual case: one transaction, history row included.
  const single = !resume && plan.steps.every((s) => s.kind === 'tx') && plan.steps.length <= 1;
  if (single) {
    const step = plan.steps[0] ?? { kind: 'tx' as const, from: 0, to: 0 };
    try {
      await runTxStep(step, async () => {
        await insertRow(driver, settings.schema, {
          ...base,
          result: done,
          duration_ms: elapsed(),
          progress: count,
          progress_checksum: prefixChecksum(plan, count),
        });
        await settings.onComplete?.(driver);
      });
      return { ok: true, result: done, durationMs: elapsed(), attempts, cleanedUp };
    } catch (e) {
      const failure = fail(e, 0);
      await insertRow(driver, settings.schema, { ...base, result: 'failed', duration_ms: elapsed(), error: failure.message }).catch((err) =>
        settings.log(`could not record the failure in the history table: ${serverError(err).message}`),
      );
      return { ok: false, result: 'failed', durationMs: elapsed(), attempts, failure, cleanedUp };
    }
  }

  // Several steps: a `running` row first, progress moved forward step by step.
  const start = resume?.progress ?? 0;
  const rowId =
    resume?.rowId ??
    (await insertRow(driver, settings.schema, { ...base, result: 'running', progress: 0, progress_checksum: prefixChecksum(plan, 0) }));
  let progress = start;
  try {
    for (const step of plan.steps) {
      if (step.to <= start) continue;
      const last = step === plan.steps[plan.steps.length - 1];
      const record = async () => {
        await updateRow(driver, settings.schema, rowId, {
          progress: step.to,
          progress_checksum: prefixChecksum(plan, step.to),
          // A resumed run records the file as it is now: the history must not claim drift for the fix.
          ...(last ? { result: done, duration_ms: elapsed(), error: null, checksum: base.checksum } : {}),
        });
        if (last) await settings.onComplete?.(driver);
      };
      if (step.kind === 'tx') {
        await runTxStep(step, record);
      } else {
        await runBareStep(driver, plan, step, settings, !!resume && step.from === start, cleanedUp, shouldRetry, runStatements);
        attempts++;
        // The progress and the tool's row (after the last step) move together.
        await inTransaction(driver, record);
      }
      progress = step.to;
    }
    // Resumed with every step already done (it was killed just before writing the result).
    if (start >= count) {
      await inTransaction(driver, async () => {
        await updateRow(driver, settings.schema, rowId, { result: done, duration_ms: elapsed(), error: null, checksum: base.checksum });
        await settings.onComplete?.(driver);
      });
    }
    return { ok: true, result: done, durationMs: elapsed(), attempts, resumedFrom: resume ? start : undefined, cleanedUp };
  } catch (e) {
    const failure = fail(e, progress);
    const result: HistoryResult = progress > 0 ? 'partial' : 'failed';
    await updateRow(driver, settings.schema, rowId, { result, duration_ms: elapsed(), error: failure.message }).catch((err) =>
      settings.log(`could not record the failure in the history table: ${serverError(err).message}`),
    );
    return { ok: false, result, durationMs: elapsed(), attempts, resumedFrom: resume ? start : undefined, failure, cleanedUp };
  }
}

/**
 * One statement outside a transaction. A CONCURRENTLY statement interrupted half way
 * (killed, cancelled, timed out) leaves part of its work committed; `recoveryFor` says
 * how to settle that before each attempt (skip a statement that had finished, drop its
 * debris, or finish it another way) and what to clean after a failed one, so the
 * migration can simply run again.
 */
async function runBareStep(
  driver: Driver,
  plan: SectionPlan,
  step: Step,
  settings: RunSettings,
  resuming: boolean,
  cleanedUp: string[],
  shouldRetry: (e: unknown, attempt: number) => Promise<boolean>,
  runStatements: (step: Step) => Promise<void>,
): Promise<void> {
  const recovery = recoveryFor(plan.statements[step.from]);
  const context = (attempt: number): RecoveryContext => ({
    driver,
    resuming: resuming && attempt === 1,
    retrying: attempt > 1,
    statementNo: step.from + 1,
    log: (message) => settings.log(`${plan.migration.id}: ${message}`),
    cleanedUp: (what) => cleanedUp.push(what),
  });
  for (let attempt = 1; ; attempt++) {
    const settled = recovery ? await recovery.settle(context(attempt)) : { action: 'run' as const };
    if (settled.action === 'skip') return;
    try {
      for (const s of timeoutSql(false, settings)) await driver.execute(s);
      try {
        if (settled.action === 'instead') {
          settings.onStatement?.(step.from, plan.statements.length);
          await driver.execute(settled.sql).catch((e) => {
            throw new StatementFailed(step.from, e);
          });
          cleanedUp.push(settled.done);
        } else await runStatements(step);
      } finally {
        await driver.execute('RESET lock_timeout; RESET statement_timeout').catch(() => {});
      }
      return;
    } catch (e) {
      await recovery?.afterFailure(context(attempt));
      if (await shouldRetry(e, attempt)) continue;
      throw e;
    }
  }
}
