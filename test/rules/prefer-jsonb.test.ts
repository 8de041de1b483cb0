import { expect, it } from 'vitest';
import rule from '../../rules/prefer-jsonb.js';
import { applyFixes } from '../../src/engine/apply-fixes.js';
import { lintText } from '../../src/lint.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE TABLE events (payload jsonb);',
    'ALTER TABLE events ADD COLUMN payload jsonb;',
    "SELECT '{}'::json;",
    'CREATE TABLE t (c text); -- json',
    'CREATE TABLE t (json text);',
    // Down migrations recreate what the up removed, as it was.
    { sql: '-- migrate:up\nALTER TABLE t DROP COLUMN c;\n-- migrate:down\nALTER TABLE t ADD COLUMN c json;\n', filename: 'db/migrations/20240101000000_x.sql' },
  ],
  invalid: [
    {
      sql: 'CREATE TABLE events (id bigint, payload json NOT NULL);',
      line: 1,
      column: 41,
      endLine: 1,
      endColumn: 45,
      message: 'column events.payload is declared json: use jsonb',
      output: 'CREATE TABLE events (id bigint, payload jsonb NOT NULL);',
    },
    {
      sql: 'ALTER TABLE events ADD COLUMN payload JSON;',
      line: 1,
      column: 39,
      endLine: 1,
      endColumn: 43,
      message: 'column events.payload is declared json: use jsonb',
      output: 'ALTER TABLE events ADD COLUMN payload jsonb;',
    },
    {
      sql: 'ALTER TABLE events ALTER COLUMN payload TYPE pg_catalog.json;',
      line: 1,
      column: 46,
      message: 'column events.payload is declared json: use jsonb',
      output: 'ALTER TABLE events ALTER COLUMN payload TYPE pg_catalog.jsonb;',
    },
    {
      sql: 'CREATE TABLE t (a json, b json[], c jsonb);',
      line: 1,
      column: 19,
      endLine: 1,
      endColumn: 23,
      count: 2,
      message: 'column t.a is declared json: use jsonb',
      output: 'CREATE TABLE t (a jsonb, b jsonb[], c jsonb);',
    },
    // A knex builder call: reported at the call, but SQL printed from a builder cannot be edited.
    {
      sql: "exports.up = (knex) => knex.schema.createTable('events', (t) => {\n  t.json('payload');\n});\nexports.down = (knex) => knex.schema.dropTable('events');\n",
      filename: 'migrations/20240101000000_events.js',
      line: 2,
      column: 3,
      message: 'column events.payload is declared json: use jsonb',
      output: null,
    },
  ],
});

async function fixed(sql: string): Promise<string> {
  const found = await findingsOf(rule, sql);
  return applyFixes(sql, found.flatMap((f) => f.fix?.edits ?? []));
}

it('fixes json to jsonb, keeping case of the rest, qualification and quoting', async () => {
  expect(await fixed('CREATE TABLE events (id bigint, payload json NOT NULL);')).toBe('CREATE TABLE events (id bigint, payload jsonb NOT NULL);');
  expect(await fixed('CREATE TABLE t (\n  a JSON,\n  b pg_catalog.json[],\n  c "json"\n);')).toBe('CREATE TABLE t (\n  a jsonb,\n  b pg_catalog.jsonb[],\n  c "jsonb"\n);');
  expect(await fixed('ALTER TABLE t ALTER COLUMN p TYPE json USING p::json;')).toBe('ALTER TABLE t ALTER COLUMN p TYPE jsonb USING p::json;');
});

it('the fixed text has no finding left', async () => {
  const sql = 'CREATE TABLE événements (données json, b json);\nALTER TABLE x ADD c json;';
  const out = await fixed(sql);
  expect(out).toBe('CREATE TABLE événements (données jsonb, b jsonb);\nALTER TABLE x ADD c jsonb;');
  expect(await findingsOf(rule, out)).toEqual([]);
  expect((await lintText(out, 'm.sql')).findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
});

it('describes the fix', async () => {
  const result = await lintText('CREATE TABLE t (p json);', 'm.sql');
  const f = result.findings.find((x) => x.ruleId === 'prefer-jsonb');
  expect(f?.fix).toEqual({
    description: 'change json to jsonb',
    edits: [{ file: 'm.sql', range: { start: { line: 1, column: 19 }, end: { line: 1, column: 23 } }, text: 'jsonb' }],
  });
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});
