import { defineRule, nameParts, nodeBody, notValidFix, validateDomainConstraint } from './kit/index.js';

export default defineRule({
  id: 'require-not-valid-domain-constraint',
  severity: 'error',
  fixable: true,
  summary: 'ALTER DOMAIN ... ADD CONSTRAINT (or SET NOT NULL) checks every column of the domain, blocking writes',
  docs: {
    why:
      'Adding a constraint to a domain makes PostgreSQL check every value of every column that uses the domain, in ' +
      'every table, and it holds a SHARE lock on each of those tables while doing so: no INSERT, UPDATE or DELETE ' +
      'on any of them until the check is over (and, in a transaction, until COMMIT). ALTER DOMAIN ... SET NOT NULL ' +
      'does the same.',
    safe:
      'Add CHECK constraints with NOT VALID (enforced for new values at once), then run ALTER DOMAIN ... VALIDATE ' +
      'CONSTRAINT in a separate transaction. There is no NOT VALID form of SET NOT NULL for domains: put NOT NULL ' +
      'on the table columns instead (see no-set-not-null-without-check). Domains created earlier in the same ' +
      'migration are not reported. `migratelint lint --fix` adds NOT VALID only together with a new migration after this one that holds the VALIDATE (for the SQL formats it writes migrations for); elsewhere it leaves the constraint and prints how.',
    bad: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);',
    good:
      'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0) NOT VALID;\n' +
      '-- in a later migration:\nALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_check;',
  },
  check({ statements, report, createdBefore, migration }) {
    for (const s of statements.of('AlterDomainStmt')) {
      const parts = nameParts(s.node.typeName);
      if (createdBefore(s).type(parts[parts.length - 1])) continue;
      const domain = parts.join('.');
      const con = nodeBody(s.node.def, 'Constraint');
      if (s.node.subtype === 'C' && con?.contype === 'CONSTR_CHECK' && !con.skip_validation) {
        report(
          s,
          `ALTER DOMAIN ${domain} ADD CONSTRAINT checks every column of type ${domain} in every table, holding SHARE on each: blocks writes to them; add it NOT VALID and VALIDATE it in a separate transaction`,
          {
            location: con.location,
            fix: notValidFix(
              s,
              con.location,
              migration.sources.get(s.chunk.file),
              'add NOT VALID (then ALTER DOMAIN ... VALIDATE CONSTRAINT in a separate transaction)',
              validateDomainConstraint(parts, con.conname),
            ),
          },
        );
      } else if (s.node.subtype === 'O') {
        report(
          s,
          `ALTER DOMAIN ${domain} SET NOT NULL checks every column of type ${domain} in every table, holding SHARE on each: blocks writes to them; it has no NOT VALID form`,
        );
      }
    }
  },
});
