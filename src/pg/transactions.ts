/**
 * Which statements of a section run inside a transaction, and which share one.
 *
 * Two things decide it:
 * - how the section reaches the server (`Wrapping`): the migration tool runs the whole
 *   section in one transaction (`true`: `settings.transaction` over the format's default,
 *   `section.transaction`); it sends statements one by one, each its own transaction
 *   (`false`); it sends the section as ONE query string of several statements, which
 *   PostgreSQL runs as one implicit transaction (`'one-query'`: golang-migrate, dbmate
 *   `transaction:false`, Prisma, diesel without its transaction); or nobody knows
 *   (`undefined`: a plain `.sql` file, which psql runs statement by statement and most
 *   tools wrap);
 * - the file's own `BEGIN` / `START TRANSACTION` ... `COMMIT` / `ROLLBACK` / `END` / `ABORT`.
 *
 * The model follows what PostgreSQL does with the statements in order: inside an open
 * transaction, `BEGIN` is ignored (with a warning) and the first `COMMIT` ends the
 * transaction, the framework's included; outside one, each statement is its own
 * transaction (autocommit). In a query string of several statements there is no
 * "outside": a `BEGIN` turns the implicit transaction into an explicit one, and after a
 * `COMMIT` the next statement opens a new implicit transaction (PostgreSQL's protocol
 * documentation, "Multiple Statements in a Simple Query"). A `DO` block is one statement,
 * so the statements found inside it always run in a transaction: the one around the DO,
 * or its own.
 *
 * Where the framework is unknown, a statement outside an explicit block has no known
 * transaction (`inTransaction` undefined); statements inside the same explicit block
 * are known to share one whatever the framework does.
 */
import type { Statement } from '../ir/types.js';
import { FORMATS, type MigrationFormat } from '../formats/index.js';

/** How a section reaches the server; see the module comment. */
export type Wrapping = boolean | undefined | 'one-query';

export interface Transaction {
  /** Sequential id, in statement order. */
  readonly id: number;
  /**
   * Opened by the file's BEGIN (else by the framework, autocommit, a DO block, or the
   * server for a query string of several statements, until a BEGIN in it makes it explicit).
   */
  readonly explicit: boolean;
  /**
   * Whether every statement of this transaction is known: then a statement outside it
   * is known to run in another transaction. False for a DO block's own transaction when
   * the framework is unknown (it may be part of the framework's transaction).
   */
  readonly complete: boolean;
  /** The statement that opened it (BEGIN), when explicit. */
  readonly begin?: Statement;
  /** Opened by PostgreSQL for a query string of several statements (`Wrapping` 'one-query'). */
  readonly implicit?: boolean;
  /** The statement that closed it (COMMIT, ROLLBACK, ...), when the file closes it. */
  end?: Statement;
  /** Every statement run in it, in order (BEGIN and COMMIT included). */
  readonly statements: Statement[];
}

export interface TransactionProblem {
  kind:
    /** BEGIN while a transaction the file opened is still open. */
    | 'nested-begin'
    /** BEGIN with no COMMIT/ROLLBACK before the end of the section. */
    | 'unclosed'
    /** Transaction control in a section the framework already runs in a transaction. */
    | 'control-in-wrapped';
  stmt: Statement;
  /** For `nested-begin`: the BEGIN of the open transaction. */
  opener?: Statement;
}

/** A transaction while the section is being read: a BEGIN may still make an implicit one explicit. */
type OpenTransaction = { -readonly [K in keyof Transaction]: Transaction[K] };

interface Place {
  inTransaction: boolean | undefined;
  tx?: Transaction;
}

const OPEN = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSE = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);

/** Whether a statement opens (`open`) or ends (`close`) a transaction block; savepoints are neither. */
export function transactionControl(stmt: Statement): 'open' | 'close' | undefined {
  if (stmt.kind !== 'TransactionStmt') return undefined;
  const kind = stmt.node?.kind;
  if (OPEN.has(kind)) return 'open';
  if (CLOSE.has(kind)) return 'close';
  return undefined;
}

export class SectionTransactions {
  readonly transactions: Transaction[] = [];
  readonly problems: TransactionProblem[] = [];
  private readonly places = new Map<Statement, Place>();

  /**
   * @param statements every statement rules see, DO-block statements right after their DO
   * @param wrapped whether the framework runs the section in a transaction
   * @param parentOf the DO statement an embedded statement came from
   * @param doCommits whether a DO block's body commits or rolls back itself
   */
  constructor(
    statements: readonly Statement[],
    readonly wrapped: Wrapping,
    parentOf: (stmt: Statement) => Statement | undefined = () => undefined,
    doCommits: (stmt: Statement) => boolean = () => false,
  ) {
    const oneQuery = wrapped === 'one-query';
    // What runs a statement that no transaction of the file holds: the tool's transaction, the
    // server's implicit one (one query string), autocommit, or nobody knows.
    const opener = (): OpenTransaction | undefined =>
      wrapped === true ? this.open(false, true) : oneQuery ? this.open(false, true, undefined, true) : undefined;
    let current: OpenTransaction | undefined = opener();
    const doTx = new Map<Statement, Transaction | null>();

    for (const s of statements) {
      const parent = parentOf(s);
      if (parent) {
        this.placeEmbedded(s, parent, doTx, doCommits);
        continue;
      }
      const control = transactionControl(s);
      if (control && wrapped === true) this.problems.push({ kind: 'control-in-wrapped', stmt: s });
      if (control === 'open') {
        if (current?.explicit) this.problems.push({ kind: 'nested-begin', stmt: s, opener: current.begin });
        else if (current?.implicit) Object.assign(current, { explicit: true, begin: s });
        else if (!current) current = this.open(true, true, s);
        this.join(s, current);
        continue;
      }
      if (control === 'close') {
        if (current) {
          this.join(s, current);
          current.end = s;
          current = s.node?.chain ? this.open(true, true, s) : undefined;
        } else if (oneQuery) {
          this.join(s, this.open(false, true, undefined, true));
        } else {
          this.places.set(s, { inTransaction: wrapped === undefined ? undefined : false });
        }
        continue;
      }
      // After the file's COMMIT, a query string's next statement opens a new implicit transaction.
      if (!current && oneQuery) current = opener();
      if (current) this.join(s, current);
      else if (wrapped === undefined) this.places.set(s, { inTransaction: undefined });
      else this.join(s, this.open(false, true), false);
    }
    if (current?.explicit && wrapped !== true && current.begin) this.problems.push({ kind: 'unclosed', stmt: current.begin });
  }

  private open(explicit: boolean, complete: boolean, begin?: Statement, implicit?: boolean): OpenTransaction {
    const tx: OpenTransaction = { id: this.transactions.length + 1, explicit, complete, begin, statements: [], ...(implicit ? { implicit } : {}) };
    this.transactions.push(tx);
    return tx;
  }

  private join(s: Statement, tx: Transaction, inTransaction = true): void {
    tx.statements.push(s);
    this.places.set(s, { inTransaction, tx });
  }

  /** A statement from inside a DO block runs in the DO's transaction, or in one of its own. */
  private placeEmbedded(s: Statement, parent: Statement, doTx: Map<Statement, Transaction | null>, doCommits: (stmt: Statement) => boolean): void {
    if (doCommits(parent)) {
      // The body ends transactions itself: statements run in a transaction, but which is not tracked.
      this.join(s, this.open(false, false));
      return;
    }
    let tx = doTx.get(parent);
    if (tx === undefined) {
      const outer = this.places.get(parent);
      if (outer?.inTransaction === true && outer.tx) tx = outer.tx;
      else if (outer?.tx) tx = outer.tx; // autocommit: the DO's own transaction
      else tx = this.open(false, false); // unknown framework: the DO's statements share one at least
      doTx.set(parent, tx);
    }
    this.join(s, tx!);
  }

  /** Whether `stmt` runs inside a transaction block; undefined when that is not known. */
  inTransactionAt(stmt: Statement): boolean | undefined {
    return this.places.get(stmt)?.inTransaction;
  }

  /** The transaction `stmt` runs in, when known. */
  transactionOf(stmt: Statement): Transaction | undefined {
    return this.places.get(stmt)?.tx;
  }

  /** Whether two statements run in the same transaction: true, false, or undefined when unknown. */
  sameTransaction(a: Statement, b: Statement): boolean | undefined {
    const ta = this.transactionOf(a);
    const tb = this.transactionOf(b);
    if (ta && tb && ta === tb) return true;
    if (ta?.complete && tb?.complete) return false;
    return undefined;
  }
}

/**
 * Why a statement runs in a transaction, in words for messages:
 * `inside a DO block`, `inside the transaction BEGIN opens on line 3`,
 * `inside the transaction flyway runs the migration in`, `inside the one transaction
 * PostgreSQL runs golang-migrate's file in (...)`.
 */
export function whyInTransaction(
  ctx: {
    transactions: SectionTransactions;
    embeddedIn(stmt: Statement): Statement | undefined;
    migration: { format: string };
    section: { transaction?: boolean; statements: readonly Statement[] };
  },
  stmt: Statement,
): string {
  if (ctx.embeddedIn(stmt)) return 'inside a DO block (which always runs in a transaction)';
  const tx = ctx.transactions.transactionOf(stmt);
  if (tx?.explicit && tx.begin) return `inside the transaction opened on line ${tx.begin.range.start.line}`;
  if (tx?.implicit) {
    const format = FORMATS[ctx.migration.format as MigrationFormat];
    const part = format?.down === 'section' ? 'section' : 'file';
    return (
      `inside the one transaction PostgreSQL runs a query of several statements in ` +
      `(${format?.label ?? ctx.migration.format} sends the ${ctx.section.statements.length} statements of this ${part} as one query)`
    );
  }
  return ctx.section.transaction === true
    ? `inside the transaction ${ctx.migration.format} runs the migration in`
    : 'inside the transaction the migration runs in (transaction setting)';
}

/** How to run a statement outside any transaction with the migration's tool, in words for messages. */
export function howToRunOutsideTransaction(migration: { format: string }): string {
  return FORMATS[migration.format as MigrationFormat]?.outsideTransaction ?? 'a migration that runs without a transaction';
}

/** Whether the migration's tool sends a whole file (or section) as one query, so two statements in it share a transaction. */
export function sendsFileAsOneQuery(migration: { format: string }): boolean {
  return FORMATS[migration.format as MigrationFormat]?.sendsOneQuery === true;
}
