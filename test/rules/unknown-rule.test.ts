import rule from '../../rules/unknown-rule.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    '-- migratelint-disable-next-line require-concurrent-index -- table has 40 rows\nCREATE INDEX i ON t (a);',
    // The reason after ` -- ` is not read as rule names.
    '-- migratelint-disable-next-line no-drop-table -- legacy, drop-table is gone\nDROP TABLE t;',
    // Not directives.
    '-- see migratelint-disable-next-line foo\nSELECT 1;',
    "SELECT '-- migratelint-disable-next-line foo';",
  ],
  invalid: [
    {
      sql: '-- migratelint-disable-next-line require-concurent-index\nCREATE INDEX i ON t (a);',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 57,
      message: 'migratelint-disable-next-line names unknown rule "require-concurent-index"',
    },
    { sql: '/* migratelint-disable no-drop-tables */\nDROP TABLE t;', line: 1, column: 1, endLine: 1, endColumn: 41, message: 'migratelint-disable names unknown rule "no-drop-tables"' },
    // One unknown name in a list.
    {
      sql: 'SELECT 1;\n  -- migratelint-disable-next-line no-drop-table, drop-table\nDROP TABLE t;',
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 61,
      message: 'migratelint-disable-next-line names unknown rule "drop-table"',
    },
    // Comments in code migrations.
    {
      sql: "exports.up = (knex) => {\n  // migratelint-disable-next-line no-delete-without-wher\n  return knex('sessions').del();\n};\nexports.down = () => {};\n",
      filename: 'migrations/20240101120000_t.js',
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 58,
      message: 'migratelint-disable-next-line names unknown rule "no-delete-without-wher"',
    },
    {
      sql: "from alembic import op\n\nrevision = 'a1'\ndown_revision = None\n\ndef upgrade():\n    # migratelint-disable-next-line no-drop-tabel\n    op.drop_table('orders')\n\ndef downgrade():\n    pass\n",
      filename: 'migrations/versions/a1_x.py',
      line: 7,
      column: 5,
      endLine: 7,
      endColumn: 50,
      message: /names unknown rule "no-drop-tabel"/,
    },
  ],
});
