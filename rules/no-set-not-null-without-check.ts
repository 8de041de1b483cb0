import { defineRule, nameParts, nodeBody, quoted, tableAlterCommands, type Statement } from './kit/index.js';

interface Proof {
  name?: string;
  add: Statement;
  /** Where it was validated: the add itself (added without NOT VALID), a VALIDATE, or not yet. */
  validatedBy?: Statement;
}

/** Whether a CHECK expression is exactly `col IS NOT NULL`. */
function provesNotNull(expr: any, column: string): boolean {
  const test = expr?.NullTest;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return false;
  const fields = nameParts(test.arg?.ColumnRef?.fields);
  return fields.length > 0 && fields[fields.length - 1] === column;
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
      'Before 12 there is no way around the scan: run it when the table is small or traffic is low. Columns of a ' +
      'table created earlier in the same migration are not reported.',
    bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    good:
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n' +
      '-- in the next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n' +
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
  },
  check({ statements, report, createdBefore, sameTransaction, pgVersion }) {
    // CHECK constraints proving `col IS NOT NULL`, by table, in statement order.
    const proofs = new Map<string, { column: string; proof: Proof }[]>();
    const proofsOf = (table: string) => proofs.get(table) ?? proofs.set(table, []).get(table)!;

    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation?.relname ?? '';
      const live = !createdBefore(s).table(table);
      for (const cmd of tableAlterCommands(s)) {
        const con = nodeBody(cmd.def, 'Constraint');
        if (cmd.subtype === 'AT_AddConstraint' && con?.contype === 'CONSTR_CHECK') {
          const column = nameParts(nodeBody(nodeBody(con.raw_expr, 'NullTest')?.arg, 'ColumnRef')?.fields).pop();
          if (column && provesNotNull(con.raw_expr, column)) {
            proofsOf(table).push({ column, proof: { name: con.conname, add: s, validatedBy: con.skip_validation ? undefined : s } });
          }
          continue;
        }
        // PostgreSQL 18: ADD CONSTRAINT name NOT NULL col NOT VALID, validated later, also proves it.
        if (cmd.subtype === 'AT_AddConstraint' && con?.contype === 'CONSTR_NOTNULL' && con.skip_validation) {
          const column = nameParts(con.keys).pop();
          if (column) proofsOf(table).push({ column, proof: { name: con.conname, add: s } });
          continue;
        }
        if (cmd.subtype === 'AT_ValidateConstraint') {
          for (const p of proofsOf(table)) if (p.proof.name === cmd.name && !p.proof.validatedBy) p.proof.validatedBy = s;
          continue;
        }
        if (cmd.subtype === 'AT_DropConstraint') {
          proofs.set(table, proofsOf(table).filter((p) => p.proof.name !== cmd.name));
          continue;
        }
        let column: string | undefined;
        if (cmd.subtype === 'AT_SetNotNull') column = cmd.name;
        else if (cmd.subtype === 'AT_AddConstraint' && con?.contype === 'CONSTR_NOTNULL') column = nameParts(con.keys).pop();
        if (!column || !live) continue;

        const what = `SET NOT NULL on ${quoted(s.node.relation)}.${column} takes ACCESS EXCLUSIVE on ${quoted(s.node.relation)}: blocks reads and writes while every row is scanned`;
        if (pgVersion < 12) {
          report(s, `${what} (before PostgreSQL 12 no CHECK constraint can spare the scan)`);
          continue;
        }
        const candidates = proofsOf(table).filter((p) => p.column === column).map((p) => p.proof);
        const good = candidates.find((p) => p.validatedBy && p.validatedBy !== p.add && sameTransaction(p.add, p.validatedBy) !== true);
        if (good) continue;
        const p = candidates[candidates.length - 1];
        const name = p?.name ? ` ${p.name}` : '';
        let why: string;
        if (!p) why = `first add CHECK (${column} IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction`;
        else if (!p.validatedBy) why = `the CHECK${name} on line ${p.add.range.start.line} is NOT VALID and never validated, so it cannot spare the scan; VALIDATE it in a separate transaction first`;
        else if (p.validatedBy === p.add) why = `the CHECK${name} on line ${p.add.range.start.line} was validated as it was added, under ACCESS EXCLUSIVE; add it NOT VALID and VALIDATE it in a separate transaction`;
        else why = `the CHECK${name} was validated (line ${p.validatedBy.range.start.line}) in the same transaction as its add (line ${p.add.range.start.line}), so its scan ran under ACCESS EXCLUSIVE; commit between the two`;
        report(s, `${what}; ${why}`);
      }
    }
  },
});
