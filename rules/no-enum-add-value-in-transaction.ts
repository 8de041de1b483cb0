import { defineRule, findNodes, howToRunOutsideTransaction, nameParts, whyInTransaction, type RuleContext, type Statement } from './kit/index.js';

/**
 * What to do about it before PostgreSQL 12, in the words of the migration's tool (its
 * format's `outsideTransaction`): leave the DO block or the file's own BEGIN ... COMMIT first.
 */
function remedy(ctx: RuleContext, s: Statement): string {
  const how = `add the value without a transaction: ${howToRunOutsideTransaction(ctx.migration)}`;
  if (ctx.embeddedIn(s)) return `move it out of the DO block, and ${how}`;
  if (ctx.transactionOf(s)?.explicit) return `move it out of the BEGIN ... COMMIT, and ${how}`;
  return how;
}

export default defineRule({
  id: 'no-enum-add-value-in-transaction',
  severity: 'error',
  summary: 'ALTER TYPE ... ADD VALUE fails in a transaction before PostgreSQL 12; after, the new value is unusable until COMMIT',
  docs: {
    why:
      'Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block at all ("cannot run ' +
      'inside a transaction block"), so a migration tool that wraps migrations in a transaction fails on it. From ' +
      '12 it may run in a transaction, but the new label cannot be used until that transaction commits: an INSERT, ' +
      'UPDATE or default that uses it in the same transaction fails with "unsafe use of new value". Both rules are ' +
      'lifted when the enum type itself was created in the same transaction. Where the value goes (BEFORE / AFTER) ' +
      'does not matter: adding a value takes no lock on the tables that use the type, and is not reported.',
    safe:
      'Add enum values in a migration of their own, and use them (backfills, new defaults) in a later migration. ' +
      'Before PostgreSQL 12 that migration must run without a transaction.',
    bad: "ALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;",
    good: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';\n-- the UPDATE that uses 'refunded' comes in the next migration, V8__mark_refunded.sql",
    file: 'V7__order_status_refunded.sql',
  },
  check(ctx) {
    const { statements, report, pgVersion, inTransactionAt, transactionOf, sameTransaction } = ctx;
    const creations = new Map<string, Statement>();
    for (const s of statements.of('CreateEnumStmt')) {
      const name = nameParts(s.node.typeName).pop();
      if (name && !creations.has(name)) creations.set(name, s);
    }
    for (const s of statements.of('AlterEnumStmt')) {
      if (s.node.oldVal || !s.node.newVal) continue; // RENAME VALUE
      if (inTransactionAt(s) !== true) continue;
      const type = nameParts(s.node.typeName).join('.');
      const created = creations.get(nameParts(s.node.typeName).pop() ?? '');
      if (created && statements.all.indexOf(created) < statements.all.indexOf(s) && sameTransaction(created, s) === true) continue;

      if (pgVersion < 12) {
        report(s, `ALTER TYPE ${type} ADD VALUE cannot run ${whyInTransaction(ctx, s)} before PostgreSQL 12: the migration fails here; ${remedy(ctx, s)}`);
        continue;
      }
      const tx = transactionOf(s);
      if (!tx) continue;
      const label: string = s.node.newVal;
      for (const later of tx.statements.slice(tx.statements.indexOf(s) + 1)) {
        const use = findNodes(later.node, 'A_Const').find((c) => c.sval?.sval === label);
        if (!use) continue;
        report(
          later,
          `'${label}' is added to enum ${type} on line ${s.range.start.line} in this same transaction: PostgreSQL refuses to use it before that transaction commits ("unsafe use of new value"); use it in a later migration`,
          { location: use.location },
        );
        break;
      }
    }
  },
});
