import rule from '../../rules/parse-error.js';
import { ruleCases } from '../helpers/rule-cases.js';

const knex = 'migrations/20240101120000_t.js';
const alembicFile = 'migrations/versions/a1_x.py';
const alembic = (upgrade: string) =>
  `from alembic import op\n\nrevision = 'a1'\ndown_revision = None\n\ndef upgrade():\n${upgrade}\n\ndef downgrade():\n    pass\n`;

ruleCases(rule, {
  valid: [
    'CREATE TABLE users (id bigint);',
    'CREATE TABLE "select" (id int);',
    "SELECT 'CREATE TABEL users';",
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
    { sql: "exports.up = (knex) => knex.raw('CREATE TABLE t (id int)');\nexports.down = (knex) => knex.raw('DROP TABLE t');\n", filename: knex },
    { sql: alembic("    op.execute('CREATE TABLE t (id int)')"), filename: alembicFile },
  ],
  invalid: [
    {
      sql: 'CREATE TABEL users (id bigint);',
      line: 1,
      column: 8,
      endLine: 1,
      endColumn: 9,
      message: 'PostgreSQL cannot parse this statement: syntax error at or near "TABEL"',
    },
    // One finding for the bad statement; the others are still parsed.
    {
      sql: 'SELECT 1;\nALTER TABLE users ADD COLUMN;\nCREATE TABLE b (id int);',
      line: 2,
      column: 29,
      endLine: 2,
      endColumn: 29,
      message: 'PostgreSQL cannot parse this statement: syntax error at end of input',
    },
    { sql: 'CREATE TABLE t (id int,);', line: 1, column: 24, endLine: 1, endColumn: 25, message: 'PostgreSQL cannot parse this statement: syntax error at or near ")"' },
    { sql: "INSERT INTO t VALUES ('unterminated);", line: 1, column: 23, endLine: 1, endColumn: 24, message: /unterminated quoted string/ },
    // In the down section of a dbmate file.
    {
      sql: '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t t;\n',
      filename: 'db/migrations/20240101120000_t.sql',
      line: 4,
      column: 14,
      endLine: 4,
      endColumn: 15,
      message: 'PostgreSQL cannot parse this statement: syntax error at or near "t"',
    },
    // Raw SQL inside code: the position is mapped into the string.
    {
      sql: "exports.up = (knex) => knex.raw('CREATE TABEL t (id int)');\nexports.down = (knex) => knex.raw('DROP TABLE t');\n",
      filename: knex,
      line: 1,
      column: 41,
      endLine: 1,
      endColumn: 42,
      message: 'PostgreSQL cannot parse this statement: syntax error at or near "TABEL"',
    },
    { sql: alembic("    op.execute('CREATE TABEL t (id int)')"), filename: alembicFile, line: 7, column: 24, endLine: 7, endColumn: 25, message: /syntax error at or near "TABEL"/ },
    // The file itself does not parse.
    {
      sql: "exports.up = (knex) => {\n  return knex.raw('SELECT 1'\n};\n",
      filename: knex,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 2,
      message: 'cannot parse this file as JavaScript/TypeScript: Unexpected token, expected ","',
    },
    { sql: alembic("    op.execute('SELECT 1)"), filename: alembicFile, line: 7, column: 16, endLine: 7, endColumn: 17, message: 'Python syntax error: unterminated string literal' },
  ],
});
