#!/usr/bin/env node
/**
 * Writes src/pg/function-volatility.generated.ts: the volatility (IMMUTABLE, STABLE,
 * VOLATILE) of PostgreSQL's built-in functions and of the functions of the contrib
 * extensions migrations use in defaults (uuid-ossp, pgcrypto, ...), read from a real
 * server's pg_proc. Rules use it to tell `DEFAULT now()` (STABLE: one value, no table
 * rewrite) from `DEFAULT clock_timestamp()` (VOLATILE: a value per row, a rewrite).
 *
 *   scripts/with-postgres.sh node scripts/gen-function-volatility.mjs
 *
 * Needs MIGRATELINT_TEST_PG_URL (with-postgres.sh sets it) and a role that may create
 * a database. The extensions are created in a scratch database, dropped afterwards.
 * The output is sorted and has no timestamp: the same server gives the same file.
 *
 * Left out: functions no expression can call (taking or returning `internal`, trigger
 * and handler functions, type input/output functions), procedures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = path.join(root, 'src', 'pg', 'function-volatility.generated.ts');
const url = process.env.MIGRATELINT_TEST_PG_URL;
if (!url) {
  console.error('gen-function-volatility: MIGRATELINT_TEST_PG_URL is not set; run it through scripts/with-postgres.sh');
  process.exit(2);
}

/** Contrib extensions whose functions show up in column defaults, generated columns and index expressions. */
const EXTENSIONS = ['uuid-ossp', 'pgcrypto', 'citext', 'hstore', 'ltree', 'pg_trgm', 'unaccent', 'fuzzystrmatch', 'intarray', 'cube', 'earthdistance', 'isn'];

/** Pseudo-types that mark a function as machinery (support, handler, I/O) rather than callable from SQL. */
const HIDDEN_TYPES = ['internal', 'cstring', 'trigger', 'event_trigger', 'language_handler', 'fdw_handler', 'index_am_handler', 'table_am_handler', 'tsm_handler'];

const FUNCTIONS = `
  SELECT p.proname AS name, p.pronargs AS arity, p.provolatile AS v
  FROM pg_proc p
  WHERE p.prokind <> 'p'
    AND NOT EXISTS (
      SELECT 1 FROM unnest(p.proargtypes::oid[] || p.prorettype) AS t(oid)
      WHERE t.oid = ANY ($1::regtype[]::oid[]))`;

const client = new pg.Client({ connectionString: url });
await client.connect();
const version = (await client.query('SHOW server_version')).rows[0].server_version.split(' ')[0];
const builtin = (await client.query(`${FUNCTIONS} AND p.pronamespace = 'pg_catalog'::regnamespace`, [HIDDEN_TYPES])).rows;

const scratch = `migratelint_volatility_${process.pid}`;
await client.query(`CREATE DATABASE ${scratch}`);
const extensions = new Map();
try {
  const db = new pg.Client({ connectionString: withDatabase(url, scratch) });
  await db.connect();
  try {
    for (const ext of EXTENSIONS) {
      await db.query(`CREATE EXTENSION "${ext}" CASCADE`);
      const rows = (
        await db.query(
          `${FUNCTIONS} AND EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e' AND e.extname = $2)`,
          [HIDDEN_TYPES, ext],
        )
      ).rows;
      extensions.set(ext, rows);
    }
  } finally {
    await db.end();
  }
} finally {
  await client.query(`DROP DATABASE ${scratch}`);
  await client.end();
}

fs.writeFileSync(outFile, render(version, builtin, extensions));
console.log(`gen-function-volatility: wrote ${path.relative(root, outFile)} from PostgreSQL ${version} (${builtin.length} built-in functions)`);

function withDatabase(connection, database) {
  const u = new URL(connection);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The more volatile of two: `v` over `s` over `i`. */
function worst(a, b) {
  const rank = { i: 0, s: 1, v: 2 };
  return a === undefined || rank[b] > rank[a] ? b : a;
}

/**
 * One line per name: `name x` when every overload has volatility x, otherwise
 * `name x 1s 2i`: the most volatile first (for calls whose argument count matches no
 * entry, e.g. through defaults or VARIADIC), then the most volatile per argument count.
 */
function lines(rows) {
  const byName = new Map();
  for (const r of rows) {
    let arities = byName.get(r.name);
    if (!arities) byName.set(r.name, (arities = new Map()));
    arities.set(r.arity, worst(arities.get(r.arity), r.v));
  }
  const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const arities = byName.get(name);
    const all = [...arities.values()].reduce(worst);
    if ([...arities.values()].every((v) => v === all)) return `${name} ${all}`;
    const split = [...arities.entries()].sort((a, b) => a[0] - b[0]).map(([n, v]) => `${n}${v}`);
    return `${name} ${all} ${split.join(' ')}`;
  });
}

function render(version, builtin, extensions) {
  const block = (rows) => '`\n' + lines(rows).join('\n') + '\n`';
  const ext = [...extensions.entries()].map(([name, rows]) => `  '${name}': ${block(rows)},`).join('\n');
  return `// Generated by scripts/gen-function-volatility.mjs from PostgreSQL ${version}: do not edit.
// Regenerate: scripts/with-postgres.sh node scripts/gen-function-volatility.mjs
//
// One line per function name: \`name x\`, x the volatility of every overload (i IMMUTABLE,
// s STABLE, v VOLATILE); or \`name x 1s 2i\` when overloads differ: x the most volatile,
// then the most volatile per argument count.

/** The server version these facts were read from. */
export const VOLATILITY_SOURCE = 'PostgreSQL ${version}';

/** Functions in pg_catalog. */
export const BUILTIN_FUNCTIONS = ${block(builtin)};

/** Functions of contrib extensions, by extension. */
export const EXTENSION_FUNCTIONS: Record<string, string> = {
${ext}
};
`;
}
