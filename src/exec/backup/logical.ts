/**
 * The logical backup format: the COPY text of some tables' rows, after a manifest with each
 * table's definition, so a table a migration dropped can be recreated before its rows go back.
 *
 *   -- migratelint logical backup 1
 *   -- {"tables":[TableDef, ...]}
 *   COPY "public"."t" ("a", "b") FROM stdin;
 *   ...rows...
 *   \.
 */
import fs from 'node:fs';
import type { Driver } from '../drivers/types.js';
import { ExecError } from '../errors.js';
import { quoteIdent } from '../sql.js';
import { LOGICAL_MAGIC, writeAtomically } from './meta.js';
import { readContents, type BackupContents } from './contents.js';

interface ColumnDef {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: string;
  generated: string;
}

export interface TableDef {
  /** Quoted `schema.table`. */
  table: string;
  schema: string;
  name: string;
  columns: ColumnDef[];
  /** Columns written by COPY (generated columns left out). */
  copyColumns: string[];
  constraints: { name: string; type: string; def: string }[];
  indexes: string[];
  sequences: { name: string; column: string; lastValue: string; isCalled: boolean }[];
  rows: number;
}

async function userTables(driver: Driver): Promise<string[]> {
  const rows = await driver.query<{ t: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND c.relname <> 'migratelint_migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

async function describeTable(driver: Driver, name: string): Promise<TableDef | undefined> {
  const [rel] = await driver.query<{ oid: number; schema: string; name: string }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`,
    [name],
  );
  if (!rel) return undefined;
  const columns = await driver.query<ColumnDef>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
            pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity::text AS identity, a.attgenerated::text AS generated
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [rel.oid],
  );
  const constraints = await driver.query<{ name: string; type: string; def: string }>(
    `SELECT conname AS name, contype::text AS type, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1 AND contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY contype = 'f', conname`,
    [rel.oid],
  );
  // Indexes that back a constraint come back with the constraint.
  const indexes = await driver.query<{ def: string }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = $1)`,
    [rel.oid],
  );
  const seqs = await driver.query<{ name: string; column: string }>(
    `SELECT format('%I.%I', n.nspname, s.relname) AS name, a.attname AS column
       FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace n ON n.oid = s.relnamespace
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refobjid = $1 AND d.deptype IN ('a', 'i')`,
    [rel.oid],
  );
  const sequences = [];
  for (const s of seqs) {
    const [v] = await driver.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${s.name}`);
    sequences.push({ name: s.name, column: s.column, lastValue: v.last_value, isCalled: v.is_called });
  }
  const table = `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`;
  const [{ n }] = await driver.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return {
    table,
    schema: rel.schema,
    name: rel.name,
    columns,
    copyColumns: columns.filter((c) => !c.generated).map((c) => c.name),
    constraints,
    indexes: indexes.map((i) => i.def),
    sequences,
    rows: n,
  };
}

/**
 * Writes the backup; returns the tables in it (a named table that does not exist yet is left
 * out) and their contents as the sidecar records them, read in the same snapshot.
 */
export async function writeLogicalBackup(
  driver: Driver,
  file: string,
  tables: string[] | undefined,
  onProgress?: (n: number) => void,
): Promise<{ tables: string[]; contents: BackupContents }> {
  const names = tables ?? (await userTables(driver));
  const defs: TableDef[] = [];
  const parts: Buffer[] = [];
  let bytes = 0;
  let contents: BackupContents;
  // One snapshot for every table: a consistent backup even while others write.
  await driver.execute('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    for (const name of names) {
      const def = await describeTable(driver, name);
      if (!def) continue; // created by a pending migration: nothing to keep yet
      defs.push(def);
      const header = Buffer.from(`COPY ${def.table} (${def.copyColumns.map(quoteIdent).join(', ')}) FROM stdin;\n`);
      const data = await driver.copyOut(def.table, def.copyColumns, (n) => onProgress?.(bytes + n));
      bytes += data.length;
      parts.push(header, data, Buffer.from('\\.\n'));
    }
    const inBackup = new Set(defs.map((d) => `${d.schema}\0${d.name}`));
    contents = await readContents(driver, (t) => inBackup.has(`${t.schema}\0${t.name}`));
    await driver.execute('COMMIT');
  } catch (e) {
    await driver.execute('ROLLBACK').catch(() => {});
    throw e;
  }
  const manifest = Buffer.from(`${LOGICAL_MAGIC}\n-- ${JSON.stringify({ tables: defs })}\n`);
  writeAtomically(file, Buffer.concat([manifest, ...parts]));
  onProgress?.(fs.statSync(file).size);
  return { tables: defs.map((d) => d.table), contents };
}

export function parseLogical(data: Buffer): { tables: TableDef[]; copies: Map<string, Buffer> } {
  const text = data.toString('utf8');
  const lines = text.split('\n');
  if (lines[0] !== LOGICAL_MAGIC || !lines[1]?.startsWith('-- {')) throw new ExecError('not a migratelint logical backup');
  const { tables } = JSON.parse(lines[1].slice(3)) as { tables: TableDef[] };
  const copies = new Map<string, Buffer>();
  let i = 2;
  for (const def of tables) {
    if (!lines[i]?.startsWith(`COPY ${def.table} `)) throw new ExecError(`logical backup is damaged near the data of ${def.table}`);
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '\\.') end++;
    if (end >= lines.length) throw new ExecError(`logical backup is cut short in the data of ${def.table}`);
    const body = lines.slice(start, end);
    copies.set(def.table, Buffer.from(body.length ? `${body.join('\n')}\n` : '', 'utf8'));
    i = end + 1;
  }
  return { tables, copies };
}

/**
 * The statements that recreate a table, without its foreign keys: those are added once
 * every table's rows are back, as the tables they reference may not be filled yet.
 */
function createTableSql(def: TableDef): string[] {
  const out: string[] = [];
  for (const s of def.sequences) {
    const col = def.columns.find((c) => c.name === s.column);
    if (col && !col.identity) out.push(`CREATE SEQUENCE IF NOT EXISTS ${s.name}`);
  }
  const cols = def.columns.map((c) => {
    let sql = `${quoteIdent(c.name)} ${c.type}`;
    if (c.generated === 's' && c.default) sql += ` GENERATED ALWAYS AS (${c.default}) STORED`;
    else if (c.identity) sql += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
    else if (c.default) sql += ` DEFAULT ${c.default}`;
    if (c.notNull) sql += ' NOT NULL';
    return sql;
  });
  for (const con of def.constraints.filter((c) => c.type !== 'f')) cols.push(`CONSTRAINT ${quoteIdent(con.name)} ${con.def}`);
  out.push(`CREATE TABLE ${def.table} (\n  ${cols.join(',\n  ')}\n)`);
  for (const s of def.sequences) {
    const col = def.columns.find((c) => c.name === s.column);
    if (col && !col.identity) out.push(`ALTER SEQUENCE ${s.name} OWNED BY ${def.table}.${quoteIdent(s.column)}`);
  }
  out.push(...def.indexes);
  return out;
}

/** In one transaction: a failure leaves every table as it was. */
export async function restoreLogical(driver: Driver, data: Buffer, log: (m: string) => void): Promise<void> {
  const { tables, copies } = parseLogical(data);
  await driver.execute('BEGIN');
  try {
    const recreated: TableDef[] = [];
    const existing: TableDef[] = [];
    for (const def of tables) {
      const [row] = await driver.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [def.table]);
      if (row.ok) existing.push(def);
      else {
        for (const sql of createTableSql(def)) await driver.execute(sql);
        recreated.push(def);
        log(`recreated table ${def.table}`);
      }
    }
    // One TRUNCATE for all of them, so foreign keys between them do not refuse it.
    if (existing.length) await driver.execute(`TRUNCATE ${existing.map((d) => d.table).join(', ')}`);
    for (const def of tables) await driver.copyIn(def.table, def.copyColumns, copies.get(def.table) ?? Buffer.alloc(0));
    for (const def of recreated) {
      for (const con of def.constraints.filter((c) => c.type === 'f')) {
        await driver.execute(`ALTER TABLE ${def.table} ADD CONSTRAINT ${quoteIdent(con.name)} ${con.def}`);
      }
    }
    for (const def of tables) {
      for (const s of def.sequences) {
        const [exists] = await driver.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [s.name]);
        if (exists.ok) await driver.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [s.name, s.lastValue, s.isCalled]);
      }
    }
    await driver.execute('COMMIT');
  } catch (e) {
    await driver.execute('ROLLBACK').catch(() => {});
    throw e;
  }
}
