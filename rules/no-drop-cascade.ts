import { defineRule, nameParts, qualifiedName, tableAlterCommands, unwrap } from './kit/index.js';

const OBJECT_WORDS: Record<string, string> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_SCHEMA: 'SCHEMA',
  OBJECT_TYPE: 'TYPE',
  OBJECT_DOMAIN: 'DOMAIN',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_FUNCTION: 'FUNCTION',
  OBJECT_PROCEDURE: 'PROCEDURE',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_INDEX: 'INDEX',
  OBJECT_EXTENSION: 'EXTENSION',
  OBJECT_TRIGGER: 'TRIGGER',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
};

function droppedName(object: unknown): string {
  const u = unwrap(object);
  if (!u) return '';
  if (u[0] === 'List') return nameParts(u[1].items).join('.');
  if (u[0] === 'String') return u[1].sval;
  if (u[0] === 'ObjectWithArgs') return nameParts(u[1].objname).join('.');
  if (u[0] === 'TypeName') return nameParts(u[1].names).join('.');
  return '';
}

export default defineRule({
  id: 'no-drop-cascade',
  severity: 'error',
  summary: 'DROP ... CASCADE silently drops every object that depends on the one named',
  docs: {
    why:
      'CASCADE makes PostgreSQL drop every dependent object too: views, foreign keys from other tables, ' +
      'functions, columns typed with a dropped type, and for DROP SCHEMA everything in the schema. ' +
      'Which objects those are depends on the production database, not on the migration, so the ' +
      'migration can remove far more than its author saw in review.',
    safe:
      'Drop the dependent objects explicitly, by name, first, then drop the object without CASCADE ' +
      '(RESTRICT is the default): if something still depends on it, the migration fails instead of ' +
      'silently destroying it.',
    bad: 'DROP TABLE customers CASCADE;',
    good: 'ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;\nDROP TABLE customers;',
  },
  check({ statements, report }) {
    for (const s of statements.of('DropStmt')) {
      // A framework's own CASCADE (Django's schema editor), with nothing known to depend on what it drops.
      if (s.node.behavior !== 'DROP_CASCADE' || s.chunk.frameworkCascade) continue;
      const what = OBJECT_WORDS[s.node.removeType ?? ''] ?? 'object';
      const names = (s.node.objects ?? []).map(droppedName).filter(Boolean).join(', ');
      report(s, `DROP ${what}${names ? ` ${names}` : ''} ... CASCADE also drops every object that depends on it`);
    }
    for (const s of statements.of('AlterTableStmt')) {
      if (s.chunk.frameworkCascade) continue;
      // ALTER TYPE ... DROP ATTRIBUTE ... CASCADE reaches dependents too: every ALTER counts.
      for (const c of tableAlterCommands(s, 'any')) {
        if (c.behavior !== 'DROP_CASCADE') continue;
        const what = c.subtype === 'AT_DropColumn' ? 'COLUMN' : c.subtype === 'AT_DropConstraint' ? 'CONSTRAINT' : '';
        report(
          s,
          `ALTER TABLE ${qualifiedName(s.node.relation)} DROP ${what} ${c.name ?? ''} CASCADE also drops every object that depends on it`.replace(/\s+/g, ' '),
          { location: s.node.relation?.location },
        );
      }
    }
    for (const s of statements.of('DropOwnedStmt')) {
      if (s.node.behavior === 'DROP_CASCADE') report(s, 'DROP OWNED ... CASCADE also drops every object that depends on the owned objects');
    }
  },
});
