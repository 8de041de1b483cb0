/**
 * What a backup holds, as a list of tables with their row counts and schema: recorded in
 * the sidecar when the backup is taken, and read again from a scratch copy when
 * `backups --verify` restores it, so the two can be compared.
 */

/** The one thing both drivers, a bare PGlite and a scratch connection offer. */
export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface ColumnContents {
  name: string;
  /** format_type(): `numeric(10,2)`, `character varying(20)`. */
  type: string;
  notNull: boolean;
}

export interface TableContents {
  /** `schema.table` to show, quoted where PostgreSQL would quote it (format('%I.%I')). */
  table: string;
  schema: string;
  name: string;
  /** The table's own rows (FROM ONLY: a partitioned parent counts none, its partitions count theirs). */
  rows: number;
  columns: ColumnContents[];
  /** Constraints (primary key, unique, check, foreign key, exclusion) by name, with pg_get_constraintdef. */
  constraints: { name: string; def: string }[];
  /** Indexes that back no constraint (those come with their constraint), with pg_get_indexdef. */
  indexes: { name: string; def: string }[];
}

export interface BackupContents {
  tables: TableContents[];
}

/**
 * Every ordinary and partitioned table outside the system schemas, except those an extension
 * owns: pg_dump dumps neither their definition nor their rows (CREATE EXTENSION makes them
 * again), so they are no part of what a backup holds.
 */
const TABLES_SQL = `
  SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS table, n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
   ORDER BY 2`;

/**
 * Reads the tables, their row counts and schema. Run it inside one REPEATABLE READ
 * transaction (or on a database nobody writes to) for counts that belong together.
 */
export async function readContents(db: Queryable, wanted: (t: { schema: string; name: string }) => boolean = () => true): Promise<BackupContents> {
  // Names print schema-qualified only when off the search_path, and a restored copy need not
  // have the original's (a database's own search_path is not in its dump): with pg_catalog
  // alone, every name outside it is qualified, alike on both sides. Put back afterwards (a
  // failure inside a transaction is rolled back, and the setting with it).
  const [{ searchPath }] = await db.query<{ searchPath: string }>(`SELECT current_setting('search_path') AS "searchPath"`);
  await db.query(`SELECT set_config('search_path', 'pg_catalog', false)`);
  try {
    return { tables: await readTables(db, wanted) };
  } finally {
    await db.query(`SELECT set_config('search_path', $1, false)`, [searchPath]).catch(() => {});
  }
}

async function readTables(db: Queryable, wanted: (t: { schema: string; name: string }) => boolean): Promise<TableContents[]> {
  const tables: TableContents[] = [];
  const all = await db.query<{ oid: number; table: string; schema: string; name: string }>(TABLES_SQL);
  for (const { oid, table, schema, name } of all.filter(wanted)) {
    const columns = await db.query<ColumnContents>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS "notNull"
         FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [oid],
    );
    const constraints = await db.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = $1 AND contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY conname`,
      [oid],
    );
    const indexes = await db.query<{ name: string; def: string }>(
      `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = $1)
        ORDER BY ic.relname`,
      [oid],
    );
    const [{ n }] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${table}`);
    tables.push({ table, schema, name, rows: Number(n), columns, constraints, indexes });
  }
  return tables;
}

export const totalRows = (c: BackupContents) => c.tables.reduce((sum, t) => sum + t.rows, 0);

/** 48213 → `48,213`: row counts are read by people. */
export const count = (n: number) => n.toLocaleString('en-US');

export const rowCount = (n: number) => `${count(n)} ${n === 1 ? 'row' : 'rows'}`;

/** Tables are matched by their raw names: how one is quoted for showing does not matter. */
const keyOf = (t: { schema: string; name: string }) => `${t.schema}\0${t.name}`;

const columnText = (c: ColumnContents) => `${c.type}${c.notNull ? ' NOT NULL' : ''}`;

/** Named things (constraints, indexes) recorded vs restored: missing, extra, or defined otherwise. */
function compareNamed(table: string, what: string, recorded: { name: string; def: string }[], restored: { name: string; def: string }[]): string[] {
  const problems: string[] = [];
  const found = new Map(restored.map((x) => [x.name, x.def]));
  for (const r of recorded) {
    const def = found.get(r.name);
    if (def === undefined) problems.push(`table ${table}: ${what} ${r.name} is missing (the backup recorded ${r.def})`);
    else if (def !== r.def) problems.push(`table ${table}: ${what} ${r.name} is ${def}, the backup recorded ${r.def}`);
  }
  const names = new Set(recorded.map((r) => r.name));
  for (const x of restored) if (!names.has(x.name)) problems.push(`table ${table}: ${what} ${x.name} is not in the backup's record`);
  return problems;
}

function compareColumns(table: string, recorded: ColumnContents[], restored: ColumnContents[]): string[] {
  const problems: string[] = [];
  const found = new Map(restored.map((c) => [c.name, c]));
  for (const r of recorded) {
    const c = found.get(r.name);
    if (!c) problems.push(`table ${table}: column ${r.name} is missing (the backup recorded ${columnText(r)})`);
    else if (columnText(c) !== columnText(r)) problems.push(`table ${table}: column ${r.name} is ${columnText(c)}, the backup recorded ${columnText(r)}`);
  }
  const names = new Set(recorded.map((c) => c.name));
  for (const c of restored) if (!names.has(c.name)) problems.push(`table ${table}: column ${c.name} is not in the backup's record`);
  if (!problems.length && recorded.map((c) => c.name).join('\0') !== restored.map((c) => c.name).join('\0')) {
    problems.push(`table ${table}: the columns are in another order than the backup recorded`);
  }
  return problems;
}

/**
 * What differs between the contents a backup recorded and those of its restored copy, one
 * line each, tables and row counts first (the likeliest damage), then the schema.
 */
export function compareContents(recorded: BackupContents, restored: BackupContents): string[] {
  const problems: string[] = [];
  const found = new Map(restored.tables.map((t) => [keyOf(t), t]));
  const schema: string[] = [];
  for (const r of recorded.tables) {
    const t = found.get(keyOf(r));
    if (!t) {
      problems.push(`table ${r.table} is missing (the backup recorded ${rowCount(r.rows)})`);
      continue;
    }
    if (t.rows !== r.rows) problems.push(`table ${r.table} has ${rowCount(t.rows)}, the backup recorded ${count(r.rows)}`);
    schema.push(...compareColumns(r.table, r.columns, t.columns));
    schema.push(...compareNamed(r.table, 'constraint', r.constraints, t.constraints));
    schema.push(...compareNamed(r.table, 'index', r.indexes, t.indexes));
  }
  const names = new Set(recorded.tables.map(keyOf));
  for (const t of restored.tables) if (!names.has(keyOf(t))) problems.push(`table ${t.table} (${rowCount(t.rows)}) is not in the backup's record`);
  return [...problems, ...schema];
}
