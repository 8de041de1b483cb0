import { createdInUp, defineRule, unwrap } from './kit/index.js';

export default defineRule({
  id: 'no-drop-schema',
  severity: 'error',
  summary: 'DROP SCHEMA deletes a schema, and with CASCADE everything in it',
  docs: {
    why:
      'A schema holds tables, views, functions and types. DROP SCHEMA without CASCADE fails unless the schema ' +
      'is already empty; with CASCADE it silently deletes every object inside and every object elsewhere ' +
      'that depends on them, with all their data. Which objects those are is decided by the production ' +
      'database, not by what the migration shows. A schema created earlier in the same migration is not ' +
      'reported, nor, in a down migration, a schema its up migration created.',
    safe:
      'Drop the objects in the schema explicitly, by name, in a reviewed migration (after a backup), and ' +
      'drop the schema itself without CASCADE, so it fails if anything was missed.',
    bad: 'DROP SCHEMA reporting CASCADE;',
    good: 'DROP VIEW reporting.daily_sales;\nDROP TABLE reporting.sales_cache;',
  },
  check({ migration, sectionName, statements, report }) {
    if (sectionName === 'down' && migration.up.state !== 'present') return;
    const created = new Set<string>(sectionName === 'down' ? createdInUp(migration).schemas : []);
    for (const s of statements) {
      if (s.kind === 'CreateSchemaStmt' && s.node.schemaname) created.add(s.node.schemaname);
      if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_SCHEMA') continue;
      const names = (s.node.objects ?? [])
        .map((o: unknown) => unwrap(o))
        .flatMap((u: [string, any] | undefined) => (u?.[0] === 'String' ? [u[1].sval as string] : []))
        .filter((n: string) => !created.has(n));
      if (names.length === 0) continue;
      const cascade = s.node.behavior === 'DROP_CASCADE' ? ' with CASCADE deletes every object in it and every object depending on them' : ' deletes it (and fails unless it is empty)';
      report(s, `DROP SCHEMA ${names.join(', ')}${cascade}`);
    }
  },
});
