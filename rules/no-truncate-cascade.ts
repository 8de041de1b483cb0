import { defineRule, qualifiedName } from './kit/index.js';

export default defineRule({
  id: 'no-truncate-cascade',
  severity: 'error',
  summary: 'TRUNCATE ... CASCADE also empties every table that references these',
  docs: {
    why:
      'TRUNCATE ... CASCADE empties, besides the tables named, every table with a foreign key to them, ' +
      'and the tables referencing those, recursively. Which tables that reaches is decided by the ' +
      'production schema, not by the migration. TRUNCATE also takes an ACCESS EXCLUSIVE lock on each ' +
      'table it empties.',
    safe: 'Name every table to empty in one TRUNCATE, without CASCADE; it fails if a referencing table is left out.',
    bad: 'TRUNCATE orders CASCADE;',
    good: 'TRUNCATE orders, order_items;',
  },
  check({ statements, report }) {
    for (const s of statements.of('TruncateStmt')) {
      if (s.node.behavior !== 'DROP_CASCADE') continue;
      const names = (s.node.relations ?? []).map((r: any) => qualifiedName(r.RangeVar)).join(', ');
      report(s, `TRUNCATE ${names} CASCADE also empties every table that references ${names}, recursively`);
    }
  },
});
