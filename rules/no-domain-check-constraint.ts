import { defineRule, nameParts, nodeBody } from './kit/index.js';

export default defineRule({
  id: 'no-domain-check-constraint',
  severity: 'warn',
  summary: 'A CHECK on a domain is hard to change later without blocking writes to every table that uses it',
  docs: {
    why:
      'Creating a domain with a CHECK is quick, but the constraint is then shared by every column of that type in ' +
      'every table. Changing it later means ALTER DOMAIN ... ADD CONSTRAINT, which checks all those columns while ' +
      'holding SHARE locks on all those tables (or NOT VALID plus VALIDATE across all of them), and dropping it ' +
      'affects all of them at once. Table CHECK constraints can be changed one table at a time with NOT VALID and ' +
      'VALIDATE CONSTRAINT.',
    safe:
      'Create the domain without the CHECK (or use the base type) and put CHECK constraints on the table columns. ' +
      'If a domain CHECK is wanted anyway, disable this rule for the statement with the reason.',
    bad: 'CREATE DOMAIN email AS text CHECK (VALUE LIKE \'%@%\');',
    good: 'CREATE TABLE users (email text CONSTRAINT users_email_check CHECK (email LIKE \'%@%\'));',
  },
  check({ statements, report }) {
    for (const s of statements.of('CreateDomainStmt')) {
      const domain = nameParts(s.node.domainname).join('.');
      for (const node of s.node.constraints ?? []) {
        const c = nodeBody(node, 'Constraint');
        if (c?.contype !== 'CONSTR_CHECK') continue;
        report(
          s,
          `domain ${domain} is created with a CHECK: changing it later locks every table that uses the domain; prefer CHECK constraints on the table columns`,
          { location: c.location },
        );
      }
    }
  },
});
