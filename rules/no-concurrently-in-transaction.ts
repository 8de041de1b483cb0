import { defineRule, hasOption, howToRunOutsideTransaction, nodeBody, tableAlterCommands, whyInTransaction, type RuleContext, type Statement } from './kit/index.js';

/** The CONCURRENTLY form a statement uses, if any. */
function concurrentForm(s: Statement): string | undefined {
  switch (s.kind) {
    case 'IndexStmt':
      return s.node.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return s.node.removeType === 'OBJECT_INDEX' && s.node.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt':
      return hasOption(s.node.params, 'concurrently') ? 'REINDEX CONCURRENTLY' : undefined;
    case 'AlterTableStmt':
      return tableAlterCommands(s).some((c) => c.subtype === 'AT_DetachPartition' && nodeBody(c.def, 'PartitionCmd')?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY'
        : undefined;
    default:
      return undefined;
  }
}

/**
 * What to do about it, in the words of the migration's tool (its format's `outsideTransaction`):
 * leave the DO block or the file's own BEGIN ... COMMIT first, where it is in one.
 */
function remedy(ctx: RuleContext, s: Statement): string {
  const how = `run it without a transaction: ${howToRunOutsideTransaction(ctx.migration)}`;
  if (ctx.embeddedIn(s)) return `move it out of the DO block, and ${how}`;
  if (ctx.transactionOf(s)?.explicit) return `move it out of the BEGIN ... COMMIT, and ${how}`;
  return how;
}

export default defineRule({
  id: 'no-concurrently-in-transaction',
  severity: 'error',
  summary: 'CREATE/DROP INDEX, REINDEX and DETACH PARTITION ... CONCURRENTLY fail inside a transaction',
  docs: {
    why:
      'The CONCURRENTLY forms work in several transactions of their own (build, wait for older transactions, ' +
      'validate), so PostgreSQL refuses to run them inside a transaction block: "cannot run inside a transaction ' +
      'block", or "cannot be executed from a function" in a DO block. A migration tool that wraps each migration in ' +
      'a transaction (Flyway, goose, dbmate, diesel, ... by default), an explicit BEGIN, or a DO block makes the ' +
      'migration fail at that statement. So does a tool that sends a whole file as one query (golang-migrate, Prisma, ' +
      'dbmate with transaction:false, diesel with run_in_transaction = false): PostgreSQL runs a query of several ' +
      'statements as one implicit transaction. This is reported even on a table created earlier in the migration, ' +
      'because the statement fails there too.',
    safe:
      'Put the statement in a migration of its own that runs without a transaction (golang-migrate: alone in its ' +
      'file, or x-multi-statement=true; goose: -- +goose NO TRANSACTION; dbmate: -- migrate:up transaction:false and ' +
      'alone in its section; Flyway: alone in its migration; or the tool\'s equivalent), outside any BEGIN and outside ' +
      'DO blocks. `migratelint lint --fix` writes that migration for SQL formats (or, where the statement is the ' +
      'last one left, turns the migration\'s own transaction off), and wraps an Alembic op.execute() call in ' +
      'with op.get_context().autocommit_block():. On a table created in the same ' +
      'transaction, CONCURRENTLY is not needed at all: drop the keyword.',
    bad: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT;',
    good: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
  },
  check(ctx) {
    for (const s of ctx.statements) {
      const form = concurrentForm(s);
      if (!form || ctx.inTransactionAt(s) !== true) continue;
      ctx.report(s, `${form} cannot run ${whyInTransaction(ctx, s)}: the migration fails here; ${remedy(ctx, s)}`);
    }
  },
});
