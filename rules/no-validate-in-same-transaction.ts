import { defineRule, nodeBody, quoted, tableAlterCommands, type Statement } from './kit/index.js';

export default defineRule({
  id: 'no-validate-in-same-transaction',
  severity: 'error',
  summary: 'VALIDATE CONSTRAINT in the same transaction as its NOT VALID add keeps the strong lock during the check',
  docs: {
    why:
      'NOT VALID exists to split a constraint into a quick add and a slow check that does not block traffic. ' +
      'But locks are held until the end of the transaction: when VALIDATE CONSTRAINT runs in the transaction ' +
      'that added the constraint, the ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE (FOREIGN KEY) lock the ' +
      'add took is still held while every row is read, so reads and/or writes wait exactly as if NOT VALID had ' +
      'not been written.',
    safe:
      'Commit between the two: put VALIDATE CONSTRAINT in the next migration (or, in a migration that does not ' +
      'run in a transaction, after a COMMIT). On its own, VALIDATE takes SHARE UPDATE EXCLUSIVE, which lets ' +
      'reads and writes go on. Constraints on a table created earlier in the same migration are not reported.',
    bad:
      'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;',
    good:
      'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n' +
      '-- in the next migration:\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;',
  },
  check({ statements, report, createdBefore, sameTransaction }) {
    const added = new Map<string, { stmt: Statement; lock: string }>();
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation?.relname;
      for (const cmd of tableAlterCommands(s)) {
        const con = nodeBody(cmd.def, 'Constraint');
        if (cmd.subtype === 'AT_AddConstraint' && con?.skip_validation && con.conname) {
          added.set(`${table}\u0000${con.conname}`, { stmt: s, lock: con.contype === 'CONSTR_FOREIGN' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE' });
        }
        if (cmd.subtype !== 'AT_ValidateConstraint') continue;
        const add = added.get(`${table}\u0000${cmd.name}`);
        if (!add || createdBefore(add.stmt).table(table)) continue;
        const same = add.stmt === s || sameTransaction(add.stmt, s) === true;
        if (!same) continue;
        const where = add.stmt === s ? 'in the same statement' : `on line ${add.stmt.range.start.line}`;
        report(
          s,
          `VALIDATE CONSTRAINT ${cmd.name} runs in the same transaction as its NOT VALID add ${where}: the ${add.lock} lock ` +
            `that add took on ${quoted(s.node.relation)} is held while every row is checked; validate it in a separate transaction`,
        );
      }
    }
  },
});
