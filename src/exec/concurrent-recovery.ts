/**
 * The CONCURRENTLY statements run as several transactions of their own inside the
 * server, so a kill, a cancel or an error part way commits some of their work and not
 * the rest. Running the statement again as written then fails or leaves debris:
 *
 * - CREATE INDEX CONCURRENTLY leaves an INVALID index under the statement's name;
 * - DROP INDEX CONCURRENTLY may have finished (nothing left to drop);
 * - REINDEX INDEX|TABLE CONCURRENTLY leaves INVALID `<index>_ccnew` (before the swap)
 *   or `<index>_ccold` (after it) indexes next to the original;
 * - DETACH PARTITION CONCURRENTLY leaves the partition "detach pending", and from then
 *   on only `DETACH PARTITION … FINALIZE` is accepted.
 *
 * `recoveryFor` gives, per statement, what to settle before an attempt (skip a statement
 * that had finished, clean up, or run a statement that finishes the job instead) and what
 * to clean after a failed one. Facts come from the catalog, never from the error text.
 */
import type { Statement } from '../ir/types.js';
import { hasOption, nameParts } from '../pg/ast.js';
import type { Driver } from './drivers/types.js';
import { serverError } from './errors.js';
import { quoteIdent } from './sql.js';

export interface RecoveryContext {
  driver: Driver;
  /** A killed run is resumed at this statement (its first attempt in this run). */
  resuming: boolean;
  /** An earlier attempt of this run failed (a lock timeout) and this one tries again. */
  retrying: boolean;
  /** 1-based, for messages. */
  statementNo: number;
  log(message: string): void;
  /** Something the interruption left that was dropped or finished, for the run's report. */
  cleanedUp(what: string): void;
}

export type Settled =
  /** Nothing to settle: run the statement as written. */
  | { action: 'run' }
  /** The statement had finished before the interruption. */
  | { action: 'skip' }
  /** Run this instead: it finishes what the interrupted statement started; `done` goes to the report once it ran. */
  | { action: 'instead'; sql: string; done: string };

export interface Recovery {
  /** Before each attempt. */
  settle(ctx: RecoveryContext): Promise<Settled>;
  /** After a failed attempt: drop what it left behind (best effort: a failure here is logged). */
  afterFailure(ctx: RecoveryContext): Promise<void>;
}

type RangeVarLike = { schemaname?: string; relname?: string } | undefined;

/** `"schema"."name"` or `"name"`, resolved by the server like the statement resolves it. */
export function relationName(rv: RangeVarLike): string | undefined {
  if (!rv?.relname) return undefined;
  return rv.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname)}` : quoteIdent(rv.relname);
}

const RUN: Settled = { action: 'run' };

/** How to settle an interrupted run of this statement, or undefined when it needs nothing. */
export function recoveryFor(stmt: Statement): Recovery | undefined {
  const node = stmt.node;
  if (!node) return undefined;
  if (stmt.kind === 'IndexStmt' && node.concurrent) return createIndexRecovery(node);
  if (stmt.kind === 'DropStmt' && node.concurrent && node.removeType === 'OBJECT_INDEX') return dropIndexRecovery(node);
  if (stmt.kind === 'ReindexStmt' && hasOption(node.params, 'concurrently')) return reindexRecovery(node);
  if (stmt.kind === 'AlterTableStmt') return detachRecovery(node);
  return undefined;
}

// --- CREATE INDEX CONCURRENTLY ------------------------------------------------------

interface IndexRow {
  oid: number;
  name: string;
}

async function invalidIndexesOf(driver: Driver, table: string): Promise<IndexRow[]> {
  return driver.query<IndexRow>(
    `SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = to_regclass($1) AND NOT i.indisvalid`,
    [table],
  );
}

async function dropIndex(ctx: RecoveryContext, name: string, leftBy: string): Promise<void> {
  try {
    await ctx.driver.execute(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    ctx.cleanedUp(name);
    ctx.log(`dropped the INVALID index ${name} left by the ${leftBy}`);
  } catch (e) {
    ctx.log(`could not drop the INVALID index ${name}: ${serverError(e).message}`);
  }
}

/**
 * A build that failed or was killed leaves an INVALID index: it is dropped so the
 * statement can run again. A resumed build that had in fact finished (the index exists
 * and is valid) is skipped.
 */
function createIndexRecovery(node: any): Recovery {
  const table = relationName(node.relation);
  const index = node.idxname ? relationName({ schemaname: node.relation?.schemaname, relname: node.idxname }) : undefined;
  // The INVALID indexes that were there before this statement ran are someone else's.
  let before: Set<number> | undefined;
  return {
    async settle(ctx) {
      if (ctx.resuming && index) {
        const [row] = await ctx.driver.query<{ valid: boolean | null }>(
          `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)) AS valid`,
          [index],
        );
        if (row?.valid === true) {
          ctx.log(`index ${index} already exists and is valid: statement ${ctx.statementNo} had finished before the interruption`);
          return { action: 'skip' };
        }
        if (row?.valid === false) await dropIndex(ctx, index, 'interrupted build');
      }
      if (!before && table) before = new Set((await invalidIndexesOf(ctx.driver, table)).map((i) => i.oid));
      return RUN;
    },
    async afterFailure(ctx) {
      if (!table) return;
      for (const idx of await invalidIndexesOf(ctx.driver, table).catch(() => [])) {
        if (!before?.has(idx.oid)) await dropIndex(ctx, idx.name, 'failed concurrent build');
      }
    },
  };
}

// --- DROP INDEX CONCURRENTLY ---------------------------------------------------------

/** A resumed drop whose indexes are all gone had finished. */
function dropIndexRecovery(node: any): Recovery {
  const names = (node.objects ?? []).map((o: any) => nameParts(o.List?.items).map(quoteIdent).join('.'));
  return {
    async settle(ctx) {
      if (!ctx.resuming) return RUN;
      const [row] = await ctx.driver.query<{ n: number }>(`SELECT count(to_regclass(x))::int AS n FROM unnest($1::text[]) AS x`, [names]);
      if (row?.n !== 0) return RUN;
      ctx.log(`the index is already gone: statement ${ctx.statementNo} had finished before the interruption`);
      return { action: 'skip' };
    },
    async afterFailure() {},
  };
}

// --- REINDEX INDEX|TABLE CONCURRENTLY -----------------------------------------------

/**
 * The INVALID indexes an interrupted REINDEX … CONCURRENTLY of `target` left: named
 * after an index it rebuilds plus `_ccnew`/`_ccold` and a number (the server shortens the
 * original name to fit, so the original only has to start with what precedes the
 * suffix), on the target's table or, for REINDEX TABLE, that table's TOAST table.
 */
async function reindexLeftovers(driver: Driver, target: string, isIndex: boolean): Promise<string[]> {
  const rows = await driver.query<{ name: string }>(
    `WITH tables AS (
       SELECT CASE WHEN $2 THEN (SELECT indrelid FROM pg_index WHERE indexrelid = to_regclass($1)) ELSE to_regclass($1)::oid END AS oid
     ), with_toast AS (
       SELECT oid FROM tables
       UNION SELECT c.reltoastrelid FROM pg_class c JOIN tables t ON c.oid = t.oid WHERE NOT $2 AND c.reltoastrelid <> 0
     ), rebuilt AS (
       SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid IN (SELECT oid FROM with_toast) AND (NOT $2 OR i.indexrelid = to_regclass($1))
     )
     SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid IN (SELECT oid FROM with_toast) AND NOT i.indisvalid
        AND c.relname ~ '_cc(new|old)[0-9]*$'
        AND EXISTS (SELECT 1 FROM rebuilt r WHERE r.relname <> c.relname AND starts_with(r.relname, regexp_replace(c.relname, '_cc(new|old)[0-9]*$', '')))
      ORDER BY c.relname`,
    [target, isIndex],
  );
  return rows.map((r) => r.name);
}

/**
 * Its leftovers are dropped before a resumed or repeated attempt and after a failed one:
 * the rerun would build another copy next to them, and REINDEX TABLE would skip (warn
 * about) the INVALID ones, leaving them for good.
 */
function reindexRecovery(node: any): Recovery | undefined {
  const isIndex = node.kind === 'REINDEX_OBJECT_INDEX';
  if (!isIndex && node.kind !== 'REINDEX_OBJECT_TABLE') return undefined;
  const target = relationName(node.relation);
  if (!target) return undefined;
  const dropLeftovers = async (ctx: RecoveryContext, leftBy: string) => {
    for (const name of await reindexLeftovers(ctx.driver, target, isIndex).catch(() => [])) await dropIndex(ctx, name, leftBy);
  };
  return {
    async settle(ctx) {
      if (ctx.resuming || ctx.retrying) await dropLeftovers(ctx, 'interrupted REINDEX CONCURRENTLY');
      return RUN;
    },
    async afterFailure(ctx) {
      await dropLeftovers(ctx, 'failed REINDEX CONCURRENTLY');
    },
  };
}

// --- ALTER TABLE … DETACH PARTITION … CONCURRENTLY ----------------------------------

type DetachState = 'attached' | 'pending' | 'detached' | 'unknown';

async function detachState(driver: Driver, parent: string, partition: string): Promise<DetachState> {
  const [row] = await driver.query<{ partition_exists: boolean; pending: boolean | null }>(
    `SELECT to_regclass($2) IS NOT NULL AS partition_exists,
            (SELECT inhdetachpending FROM pg_inherits WHERE inhparent = to_regclass($1) AND inhrelid = to_regclass($2)) AS pending`,
    [parent, partition],
  );
  if (!row?.partition_exists) return 'unknown';
  if (row.pending === null) return 'detached';
  return row.pending ? 'pending' : 'attached';
}

/**
 * A detach interrupted after its first transaction leaves the partition pending detach:
 * the statement as written is refused from then on (SQLSTATE 55000), so FINALIZE, which
 * does the second half, runs instead. A resumed or repeated detach that finds the
 * partition no longer attached had finished.
 */
function detachRecovery(node: any): Recovery | undefined {
  const cmd = (node.cmds ?? [])
    .map((c: any) => c.AlterTableCmd)
    .find((c: any) => c?.subtype === 'AT_DetachPartition' && c.def?.PartitionCmd?.concurrent);
  const parent = relationName(node.relation);
  const partition = relationName(cmd?.def?.PartitionCmd?.name);
  if (!parent || !partition) return undefined;
  const finalize = `ALTER TABLE ${parent} DETACH PARTITION ${partition} FINALIZE`;
  return {
    async settle(ctx) {
      const state = await detachState(ctx.driver, parent, partition);
      if (state === 'pending') {
        ctx.log(`partition ${partition} of ${parent} was left pending detach by an interrupted DETACH PARTITION CONCURRENTLY: finishing it with ${finalize}`);
        return { action: 'instead', sql: finalize, done: `${partition}: pending detach from ${parent} finalized` };
      }
      if (state === 'detached' && (ctx.resuming || ctx.retrying)) {
        ctx.log(`partition ${partition} is already detached from ${parent}: statement ${ctx.statementNo} had finished before the interruption`);
        return { action: 'skip' };
      }
      return RUN;
    },
    async afterFailure(ctx) {
      // Said now, so the failure's "nothing was applied" is not the whole story.
      if ((await detachState(ctx.driver, parent, partition).catch(() => 'unknown')) === 'pending') {
        ctx.log(`partition ${partition} is left pending detach from ${parent}; the next run finishes it with ${finalize}`);
      }
    },
  };
}
