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
    // PL/pgSQL bodies that compile, including what only the catalog can check (types, %TYPE, tables).
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND $$;',
    "CREATE OR REPLACE FUNCTION f(p_id bigint) RETURNS SETOF int AS $body$\nDECLARE\n  r orders%ROWTYPE;\n  n orders.total%TYPE;\n  m money_type;\nBEGIN\n  FOR r IN SELECT * FROM orders WHERE id = p_id LOOP\n    RETURN NEXT r.id;\n  END LOOP;\n  RAISE NOTICE 'done %', n;\nEXCEPTION WHEN unique_violation THEN NULL;\nEND\n$body$ LANGUAGE plpgsql;",
    "CREATE PROCEDURE p() LANGUAGE plpgsql AS 'BEGIN COMMIT; END';",
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN CREATE TYPE mood AS ENUM ('ok'); END IF; END $$;",
    // Not PL/pgSQL: other languages' bodies are not read here.
    'CREATE FUNCTION f() RETURNS int LANGUAGE plpython3u AS $$ return 1 $$;',
    "CREATE FUNCTION f() RETURNS int LANGUAGE c AS 'mylib', 'f';",
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;',
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
    // PL/pgSQL bodies PostgreSQL compiles when CREATE FUNCTION / PROCEDURE or DO runs, at the
    // place PostgreSQL 15 reports (each position checked against a real server).
    {
      sql: 'CREATE FUNCTION city_of(p_user bigint) RETURNS bigint LANGUAGE plpgsql AS $$\nBEGIN\n  SELEC city_id FROM users WHERE id = p_user;\n  RETURN 1;\nEND $$;',
      line: 3,
      column: 3,
      endLine: 3,
      endColumn: 8,
      message: 'PostgreSQL cannot compile this PL/pgSQL function body: syntax error at or near "SELEC"',
    },
    // An SQL statement inside the body: the token PostgreSQL points at, not the `;` where PL/pgSQL noticed.
    {
      sql: 'CREATE OR REPLACE FUNCTION f() RETURNS void AS $$\nBEGIN\n  UPDATE t SET a = 1 WHERE (b = 2) WHERE c = 3;\nEND;\n$$ LANGUAGE plpgsql;',
      line: 3,
      column: 36,
      endLine: 3,
      endColumn: 41,
      message: 'PostgreSQL cannot compile this PL/pgSQL function body: syntax error at or near "WHERE"',
    },
    { sql: 'DO $$\nBEGIN\n  counter := 1;\nEND $$;', line: 3, column: 3, endLine: 3, endColumn: 10, message: 'PostgreSQL cannot compile this PL/pgSQL DO block body: "counter" is not a known variable' },
    { sql: 'DO $$\nBEGIN\n  PERFORM 1\nEND $$;', line: 4, column: 5, endLine: 4, endColumn: 6, message: 'PostgreSQL cannot compile this PL/pgSQL DO block body: syntax error at end of input' },
    { sql: "CREATE PROCEDURE p() LANGUAGE plpgsql AS 'BEGIN COMMIT; ROLLBAK; END';", line: 1, column: 57, endLine: 1, endColumn: 64, message: /PL\/pgSQL procedure body: syntax error at or near "ROLLBAK"/ },
    { sql: 'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;', line: 1, column: 70, message: /function body: RETURN cannot have a parameter in function returning void$/ },
    // check_function_bodies off (pg_dump output): CREATE succeeds, the first call fails.
    {
      sql: 'SET check_function_bodies = false;\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN SELEC 1; END $$;',
      line: 2,
      column: 63,
      message: 'PostgreSQL cannot compile this PL/pgSQL function body: syntax error at or near "SELEC" (check_function_bodies is off here, so it fails when first called)',
    },
    // Raw SQL in code: the same statement IR, the position mapped through the string.
    {
      sql: "exports.up = (knex) => knex.raw(`\n  CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\n  BEGIN\n    SELEC city_id FROM cities;\n  END $$`);\nexports.down = (knex) => knex.raw('DROP FUNCTION f');\n",
      filename: knex,
      line: 4,
      column: 5,
      endLine: 4,
      endColumn: 10,
      message: 'PostgreSQL cannot compile this PL/pgSQL function body: syntax error at or near "SELEC"',
    },
    {
      sql: alembic('    op.execute("""\n        DO $$ BEGIN\n            UPDATE t SET a = 1 WHERE WHERE b;\n        END $$\n    """)'),
      filename: alembicFile,
      line: 9,
      column: 38,
      message: /DO block body: syntax error at or near "WHERE"/,
    },
  ],
});
