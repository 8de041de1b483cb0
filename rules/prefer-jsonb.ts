import { columnLabel, defineRule, renameTypeEdit, upColumnTypes } from './kit/index.js';

export default defineRule({
  id: 'prefer-jsonb',
  severity: 'warn',
  fixable: true,
  summary: 'A json column where jsonb is almost always wanted',
  docs: {
    why:
      'json stores the text as given and re-parses it on every access. It has no equality operator, so ' +
      'a json column cannot be compared with =, used in DISTINCT, GROUP BY or UNION (without ALL), or given ' +
      'a btree index, and it lacks the containment and existence operators (@>, ?) and the GIN indexing ' +
      'that jsonb has. Converting later is an ' +
      'ALTER COLUMN ... TYPE jsonb, which rewrites the whole table under an ACCESS EXCLUSIVE lock. json is ' +
      'only the right choice when the exact input text must be kept: key order, duplicate keys, whitespace.',
    safe:
      'Declare the column jsonb. The suggested fix does that for new columns and type changes. If the ' +
      'exact text really must be preserved, keep json and say why in a disable comment.',
    bad: 'CREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL);',
    good: 'CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);',
  },
  check(ctx) {
    const source = (file: string) => ctx.migration.sources.get(file);
    for (const use of upColumnTypes(ctx)) {
      const t = use.type;
      if (!t.builtin || t.name !== 'json') continue;
      const edit = renameTypeEdit(use.stmt, use.typeName, 'json', 'jsonb', source(use.stmt.chunk.file));
      ctx.report(use.stmt, `column ${columnLabel(use)} is declared json${t.array ? '[]' : ''}: use jsonb`, {
        location: use.typeName.location,
        ...(edit ? { fix: { description: 'change json to jsonb', edits: [edit] } } : {}),
      });
    }
  },
});
