import { defineRule, lockOnTable, nameParts, nodeBody, quoted, tableAlterCommands, type ConstraintFacts, type Origin, type Statement } from './kit/index.js';

/** Where a proof was added or validated, for messages: a line of this migration, or an earlier migration. */
const where = (o: Origin) => (o.statement ? `on line ${o.line}` : `in ${o.migration}`);

/**
 * Whether a constraint proving the column has no NULL spares SET NOT NULL its scan
 * without having scanned under a long ACCESS EXCLUSIVE itself in this migration: valid,
 * and, when it was validated here, added NOT VALID and validated in another transaction.
 * A proof validated by an earlier migration spares the scan however that one did it
 * (that migration's own hazard).
 */
function sparesScan(p: ConstraintFacts, sameTransaction: (a: Statement, b: Statement) => boolean | undefined): boolean {
  if (!p.validated) return false;
  const validatedBy = p.validated.statement;
  if (!validatedBy) return true;
  if (p.validatedOnAdd) return false;
  const addedBy = p.added.statement;
  return !addedBy || sameTransaction(addedBy, validatedBy) !== true;
}

/** Why the last proof the model knows does not spare the scan, in words. */
function whyNot(p: ConstraintFacts | undefined, column: string): string {
  if (!p) return `first add CHECK (${column} IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction`;
  const what = `${p.kind === 'not-null' ? 'NOT NULL constraint' : 'CHECK'} ${p.name}`;
  if (!p.validated) return `the ${what} ${where(p.added)} is NOT VALID and never validated, so it cannot spare the scan; VALIDATE it in a separate transaction first`;
  if (p.validatedOnAdd) return `the ${what} ${where(p.added)} was validated as it was added, under ACCESS EXCLUSIVE; add it NOT VALID and VALIDATE it in a separate transaction`;
  return `the ${what} was validated (line ${p.validated.line}) in the same transaction as its add (line ${p.added.line}), so its scan ran under ACCESS EXCLUSIVE; commit between the two`;
}

export default defineRule({
  id: 'no-set-not-null-without-check',
  severity: 'error',
  summary: 'SET NOT NULL on an existing column scans the table under ACCESS EXCLUSIVE unless a validated CHECK proves it',
  docs: {
    why:
      'ALTER TABLE ... ALTER COLUMN ... SET NOT NULL takes an ACCESS EXCLUSIVE lock and reads every row to check ' +
      'that none is NULL: every query on the table, reads included, waits for the whole scan. From PostgreSQL 12 ' +
      'the scan is skipped when a valid CHECK (col IS NOT NULL) constraint already proves the column has no NULL, ' +
      'so SET NOT NULL holds the lock only for a moment. That only helps if the CHECK was itself validated without ' +
      'a long strong lock: added NOT VALID, then validated in another transaction.',
    safe:
      'On PostgreSQL 12 and later: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; in a separate ' +
      'transaction VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: traffic goes on); then SET NOT NULL, and drop the ' +
      'now redundant CHECK. On PostgreSQL 18 a NOT NULL constraint can itself be added NOT VALID and validated. ' +
      'Before 12 there is no way around the scan: run it when the table is small or traffic is low. The CHECK may ' +
      'come from an earlier migration: the migrations linted are replayed in their plan order, so the two-step ' +
      '(ADD ... NOT VALID in one migration, VALIDATE and SET NOT NULL in the next) passes. Columns of a table ' +
      'created earlier in the same migration (or, with --changed-since, by an earlier migration of the change set) ' +
      'are not reported.',
    bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    good:
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n' +
      '-- in the next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n' +
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
  },
  check({ statements, report, createdBefore, schema, sameTransaction, pgVersion }) {
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation?.relname ?? '';
      if (createdBefore(s).table(table)) continue;
      for (const cmd of tableAlterCommands(s)) {
        const con = nodeBody(cmd.def, 'Constraint');
        let column: string | undefined;
        if (cmd.subtype === 'AT_SetNotNull') column = cmd.name;
        // PostgreSQL 18: ADD CONSTRAINT name NOT NULL col, unless NOT VALID (a proof in the making), scans like SET NOT NULL.
        else if (cmd.subtype === 'AT_AddConstraint' && con?.contype === 'CONSTR_NOTNULL' && !con.skip_validation) column = nameParts(con.keys).pop();
        if (!column) continue;

        const what = `SET NOT NULL on ${quoted(s.node.relation)}.${column} takes ACCESS EXCLUSIVE on ${quoted(s.node.relation)}: blocks reads and writes while every row is scanned`;
        if (pgVersion < 12) {
          report(s, `${what} (before PostgreSQL 12 no CHECK constraint can spare the scan)`, { lock: lockOnTable(s.node.relation, 'ACCESS EXCLUSIVE', 'scan') });
          continue;
        }
        // Proofs from earlier migrations and from this one, as the schema model knows them just before.
        const proofs = schema.before(s).constraints(table).filter((c) => c.notNullColumn === column && (c.kind === 'check' || c.kind === 'not-null'));
        if (proofs.some((p) => sparesScan(p, sameTransaction))) continue;
        report(s, `${what}; ${whyNot(proofs[proofs.length - 1], column)}`, { lock: lockOnTable(s.node.relation, 'ACCESS EXCLUSIVE', 'scan') });
      }
    }
  },
});
