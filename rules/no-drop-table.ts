import { createdInUp, defineRule, nameParts } from './kit/index.js';

export default defineRule({
  id: 'no-drop-table',
  severity: 'warn',
  summary: 'Dropping a table loses its data and breaks code that still uses it',
  docs: {
    why:
      'DROP TABLE deletes the table\'s rows for good (a down migration can recreate the table, not its data) ' +
      'and makes every query still naming it fail, including those of the application version running ' +
      'during the deploy. It also waits for an ACCESS EXCLUSIVE lock on the table and on every table with a ' +
      'foreign key to it. The rule warns rather than errs because dropping is the normal last step of ' +
      'retiring a table; it cannot see whether the code still uses it. Tables created earlier in the same ' +
      'migration are not reported, nor, in a down migration, tables its up migration created.',
    safe:
      'Stop using the table in the code and deploy that first; drop it in a later migration, after a backup ' +
      '(or rename it to a clearly retired name for a while, if a rollback must be possible). Mark the ' +
      'reviewed drop with a disable comment saying why it is safe.',
    bad: 'DROP TABLE invoices;',
    good: '-- migratelint-disable-next-line no-drop-table -- replaced by billing.invoices in release 7; backed up\nDROP TABLE invoices;',
  },
  check({ migration, sectionName, statements, report, createdBefore }) {
    if (sectionName === 'down' && migration.up.state !== 'present') return;
    const undo = sectionName === 'down' ? createdInUp(migration) : undefined;
    for (const s of statements.of('DropStmt')) {
      if (s.node.removeType !== 'OBJECT_TABLE') continue;
      const created = createdBefore(s);
      const live = (s.node.objects ?? [])
        .map((o: any) => nameParts(o.List?.items))
        .filter((parts: string[]) => parts.length && !created.table(parts[parts.length - 1]) && !undo?.tables.has(parts[parts.length - 1]));
      if (live.length === 0) continue;
      const names = live.map((p: string[]) => p.join('.')).join(', ');
      report(s, `dropping table${live.length > 1 ? 's' : ''} ${names} deletes ${live.length > 1 ? 'their' : 'its'} data and breaks code that still uses ${live.length > 1 ? 'them' : 'it'}`);
    }
  },
});
