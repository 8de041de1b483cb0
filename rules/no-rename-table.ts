import { defineRule, qualifiedName, type Statement } from './kit/index.js';

/** Whether a statement after `from` creates a view named `name`: the compatibility-view pattern. */
function viewKeepsOldName(all: readonly Statement[], from: Statement, name: string): boolean {
  const i = all.indexOf(from);
  return all.slice(i + 1).some((s) => s.kind === 'ViewStmt' && s.node.view?.relname === name);
}

export default defineRule({
  id: 'no-rename-table',
  severity: 'error',
  summary: 'Renaming a table (or moving it to another schema) breaks the application code still using the old name',
  docs: {
    why:
      'The moment the migration commits, every query that names the old table fails with "relation does not ' +
      'exist". During a deploy the code already running was written against the old name, and it keeps ' +
      'running until the new version has replaced it everywhere; code that uses the new name cannot run before ' +
      'the migration. There is no order of deploy and migration in which a plain rename is safe. ALTER TABLE ' +
      '... SET SCHEMA has the same effect for queries that find the table through the search path. ' +
      'Down migrations are not checked (they exist to undo the up), nor tables created earlier in the ' +
      'same migration.',
    safe:
      'Rename the table and, in the same transaction, create a view with the old name over it ' +
      '(CREATE VIEW old_name AS SELECT * FROM new_name): a simple view like that accepts INSERT, UPDATE and ' +
      'DELETE, so old code keeps working. Move the code to the new name, then drop the view in a later ' +
      'migration. A rename followed by such a view in the same migration is not reported.',
    bad: 'ALTER TABLE customers RENAME TO clients;',
    good: 'ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT * FROM clients;',
  },
  check({ sectionName, statements, report, createdBefore }) {
    if (sectionName !== 'up') return;
    for (const s of statements.of('RenameStmt')) {
      if (s.node.renameType !== 'OBJECT_TABLE') continue;
      const old = s.node.relation?.relname;
      if (!old || createdBefore(s).table(old) || viewKeepsOldName(statements.all, s, old)) continue;
      report(s, `renaming table ${qualifiedName(s.node.relation)} to ${s.node.newname} breaks every query that still uses the name ${old}, such as those of the application already running`);
    }
    for (const s of statements.of('AlterObjectSchemaStmt')) {
      if (s.node.objectType !== 'OBJECT_TABLE') continue;
      const old = s.node.relation?.relname;
      if (!old || createdBefore(s).table(old) || viewKeepsOldName(statements.all, s, old)) continue;
      report(s, `moving table ${qualifiedName(s.node.relation)} to schema ${s.node.newschema} breaks every query that still finds it under its old schema`);
    }
  },
});
