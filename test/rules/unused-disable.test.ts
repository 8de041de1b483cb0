import rule from '../../rules/unused-disable.js';
import { ruleCases } from '../helpers/rule-cases.js';

const knex = 'migrations/20240101120000_t.js';

ruleCases(rule, {
  valid: [
    // Each suppresses a finding.
    '-- migratelint-disable-next-line require-concurrent-index -- small table\nCREATE INDEX i ON t (a);',
    '-- migratelint-disable\nCREATE INDEX i ON t (a);',
    '-- migratelint-disable-next-line no-drop-table -- legacy\nDROP TABLE old_t;',
    // An unknown rule is reported by unknown-rule, not here too.
    '-- migratelint-disable-next-line no-such-rule\nSELECT 1;',
    // Not a directive.
    '-- see migratelint docs\nSELECT 1;',
  ],
  invalid: [
    {
      sql: '-- migratelint-disable-next-line require-concurrent-index -- small table\nCREATE TABLE t (id bigint);',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 73,
      message: 'migratelint-disable-next-line for "require-concurrent-index" suppresses nothing here; remove it',
    },
    { sql: '-- migratelint-disable\nCREATE TABLE t (id bigint);', line: 1, column: 1, endLine: 1, endColumn: 23, message: 'migratelint-disable suppresses nothing here; remove it' },
    { sql: '-- migratelint-disable-next-line\nSELECT 1;', line: 1, column: 1, endLine: 1, endColumn: 33, message: 'migratelint-disable-next-line suppresses nothing here; remove it' },
    // One rule of the list is used, the other is not.
    {
      sql: '/* migratelint-disable no-drop-table, require-concurrent-index */\nCREATE INDEX i ON t (a);',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 66,
      message: 'migratelint-disable for "no-drop-table" suppresses nothing here; remove it',
    },
    // disable-next-line covers the next statement only, not the DROP TABLE after it.
    {
      sql: 'SELECT 1;\n-- migratelint-disable-next-line no-drop-table\nCREATE INDEX CONCURRENTLY i ON t (a);\nDROP TABLE t;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 47,
      message: /for "no-drop-table" suppresses nothing here/,
    },
    {
      sql: "exports.up = (knex) => {\n  // migratelint-disable-next-line no-drop-table\n  return knex.raw('SELECT 1');\n};\nexports.down = (knex) => knex.raw('SELECT 1');\n",
      filename: knex,
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 49,
      message: 'migratelint-disable-next-line for "no-drop-table" suppresses nothing here; remove it',
    },
  ],
});
