import type { Statement } from '../ir/types.js';
import { OffsetConverter } from '../ir/source-text.js';
import type { Driver } from '../exec/drivers/types.js';
import { serverError, type ServerError } from '../exec/errors.js';
import type { Failure } from '../exec/runner.js';
import type { SectionPlan } from '../exec/plan.js';

/**
 * Running a section's statements inside the trial's own open transaction, so that the
 * trial can take the database back to where it was (ROLLBACK TO SAVEPOINT) after a
 * failure, or after a down it only wanted to compare. The executor's runner opens and
 * commits its own transactions, so it cannot be nested in one.
 */

/** Where and why a statement failed: what a trial finding needs of a failure. */
export type TrialFailure = Pick<Failure, 'file' | 'line' | 'column' | 'statementIndex' | 'statementCount' | 'server'>;

/**
 * SQLSTATEs that mean "this works, only not inside a transaction block": the trial runs
 * the migration again the way `apply` does, one transaction per step.
 * 25001 active_sql_transaction (a statement that refuses a transaction block), 55P04
 * unsafe_new_enum_value_usage (an enum value added and used before a commit), 2D000
 * invalid_transaction_termination (a procedure that commits).
 */
const NEEDS_OWN_TRANSACTIONS = new Set(['25001', '55P04', '2D000']);

export function needsOwnTransactions(failure: TrialFailure): boolean {
  return failure.server.code !== undefined && NEEDS_OWN_TRANSACTIONS.has(failure.server.code);
}

/** Whether every step of a plan can share one transaction (nothing CONCURRENTLY, no VACUUM, ...). */
export function fitsInTransaction(plan: SectionPlan): boolean {
  return plan.steps.every((s) => s.kind === 'tx');
}

let savepoints = 0;

/**
 * Runs the plan's statements in the open transaction. On failure the transaction is back
 * where it was before the first statement, and the failure says where it happened.
 * `prelude`: SQL to run first in the same round trip (the session's settings); each round
 * trip into PGlite costs ~0.15 ms, and the trial makes about twenty per migration.
 */
export async function runInTransaction(driver: Driver, plan: SectionPlan, prelude = ''): Promise<TrialFailure | undefined> {
  const name = `migratelint_trial_${++savepoints}`;
  const start = `${prelude ? `${prelude};\n` : ''}SAVEPOINT ${name}`;
  // All statements and the release in one round trip first (most sections run); on an
  // error, again one by one from the savepoint, to know which statement failed and where
  // (a server position is one statement's). The savepoint goes first, alone: a syntax
  // error anywhere in a batch stops the whole batch, the savepoint with it.
  if (plan.statements.length > 1) {
    let started = false;
    try {
      await driver.execute(start);
      started = true;
      await driver.execute(`${plan.statements.map((s) => s.text).join('\n;\n')}\n;\nRELEASE SAVEPOINT ${name}`);
      return undefined;
    } catch (e) {
      if (!started) throw e;
      await driver.execute(`ROLLBACK TO SAVEPOINT ${name}`);
    }
  } else await driver.execute(start);
  for (let i = 0; i < plan.statements.length; i++) {
    try {
      await driver.execute(plan.statements[i].text);
    } catch (e) {
      await driver.execute(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
      return locateFailure(plan, i, serverError(e));
    }
  }
  await driver.execute(`RELEASE SAVEPOINT ${name}`);
  return undefined;
}

/** The file position of a failure: the server's error position mapped through the statement's chunk. */
function locateFailure(plan: SectionPlan, index: number, server: ServerError): TrialFailure {
  const stmt: Statement = plan.statements[index];
  let line = stmt.range.start.line;
  let column = stmt.range.start.column;
  if (server.position !== undefined) {
    const offset = new OffsetConverter(stmt.text).fromCodePoint(server.position - 1);
    const pos = stmt.chunk.position(stmt.start + Math.min(offset, stmt.text.length));
    line = pos.line;
    column = pos.column;
  }
  return { file: stmt.chunk.file, line, column, statementIndex: index + 1, statementCount: plan.statements.length, server };
}
