import type { Statement } from '../ir/types.js';
import { OffsetConverter } from '../ir/source-text.js';
import type { Driver } from './drivers/types.js';
import { LOCK_NOT_AVAILABLE, describeServerError, serverError, type ServerError } from './errors.js';
import { insertRow, updateRow, type HistoryResult } from './history.js';
import { prefixChecksum, type SectionPlan, type Step } from './plan.js';
import { quoteLiteral } from './sql.js';

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
  /** INVALID indexes dropped after a failed concurrent build. */
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

interface IndexInfo {
  oid: number;
  name: string;
  valid: boolean;
}

async function invalidIndexes(driver: Driver, relation: string): Promise<IndexInfo[]> {
  return driver.query<IndexInfo>(
    `SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name, i.indisvalid AS valid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = to_regclass($1) AND NOT i.indisvalid`,
    [relation],
  );
}

function relationName(rv: { schemaname?: string; relname?: string } | undefined): string | undefined {
  if (!rv?.relname) return undefined;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return rv.schemaname ? `${q(rv.schemaname)}.${q(rv.relname)}` : q(rv.relname);
}

/**
 * One statement outside a transaction. A failed CREATE INDEX CONCURRENTLY leaves an
 * INVALID index behind: it is dropped, so the migration can simply run again. When a
 * killed run is resumed at this statement, a statement that had in fact finished is
 * recognised (the index exists and is valid, the dropped index is gone) and skipped.
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
  const stmt = plan.statements[step.from];
  const node = stmt.node;
  const isCic = stmt.kind === 'IndexStmt' && node?.concurrent;
  const table = isCic ? relationName(node.relation) : undefined;
  const indexName = isCic && node.idxname ? relationName({ schemaname: node.relation?.schemaname, relname: node.idxname }) : undefined;

  if (resuming && isCic && indexName) {
    const [row] = await driver.query<{ valid: boolean | null }>(
      `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)) AS valid`,
      [indexName],
    );
    if (row?.valid === true) {
      settings.log(`${plan.migration.id}: index ${indexName} already exists and is valid: statement ${step.from + 1} had finished before the interruption`);
      return;
    }
    if (row?.valid === false) {
      await driver.execute(`DROP INDEX CONCURRENTLY IF EXISTS ${indexName}`);
      cleanedUp.push(indexName);
      settings.log(`${plan.migration.id}: dropped the INVALID index ${indexName} left by the interrupted build`);
    }
  }
  if (resuming && stmt.kind === 'DropStmt' && node?.concurrent && node.removeType === 'OBJECT_INDEX') {
    const names = (node.objects ?? []).map((o: { List?: { items?: { String?: { sval?: string } }[] } }) =>
      (o.List?.items ?? []).map((i) => `"${String(i.String?.sval).replace(/"/g, '""')}"`).join('.'),
    );
    const [row] = await driver.query<{ n: number }>(`SELECT count(to_regclass(x))::int AS n FROM unnest($1::text[]) AS x`, [names]);
    if (row?.n === 0) {
      settings.log(`${plan.migration.id}: the index is already gone: statement ${step.from + 1} had finished before the interruption`);
      return;
    }
  }

  const before = table ? new Set((await invalidIndexes(driver, table)).map((i) => i.oid)) : new Set<number>();
  for (let attempt = 1; ; attempt++) {
    try {
      for (const s of timeoutSql(false, settings)) await driver.execute(s);
      try {
        await runStatements(step);
      } finally {
        await driver.execute('RESET lock_timeout; RESET statement_timeout').catch(() => {});
      }
      return;
    } catch (e) {
      if (table) {
        for (const idx of await invalidIndexes(driver, table).catch(() => [])) {
          if (before.has(idx.oid)) continue;
          try {
            await driver.execute(`DROP INDEX CONCURRENTLY IF EXISTS ${idx.name}`);
            cleanedUp.push(idx.name);
            settings.log(`${plan.migration.id}: dropped the INVALID index ${idx.name} left by the failed concurrent build`);
          } catch (dropErr) {
            settings.log(`${plan.migration.id}: could not drop the INVALID index ${idx.name}: ${serverError(dropErr).message}`);
          }
        }
      }
      if (await shouldRetry(e, attempt)) continue;
      throw e;
    }
  }
}
