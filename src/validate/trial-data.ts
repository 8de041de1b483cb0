import type { Migration, Statement } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';
import { quoteIdent, quoteLiteral } from '../exec/sql.js';
import { nameParts } from '../pg/ast.js';
import { filledByDatabase, valueFor, type ColumnInfo } from './trial-data-values.js';

/**
 * Rows in the trial (`--trial-data`, on by default). Before each cycle, the tables the
 * migration changes (up or down: `changedTables`) get a generated row, respecting column
 * types, enums, NOT NULL, foreign keys (parents are filled first) and, by trying again with
 * NULLs, checks. The trial then reads those tables after the up and after down → up
 * again, and trial-data-compare.ts reports what the down lost.
 *
 * Rows stay, like production's: the next migrations run on tables that hold rows, so an up
 * that cannot run on a table with rows (ADD COLUMN ... NOT NULL without a default) fails
 * here as it would there. A table that stays short of rows after a few tries (a check the
 * values do not meet, a trigger that fails, a type migratelint has no value for) is left as
 * it is, and said so.
 */

/**
 * Rows each table the migration changes should hold before its cycle. One: enough for every
 * check (a row lost, a column's value lost, an up that cannot run on rows), and what a
 * table that holds one row by design (a site's settings) accepts.
 */
const ROWS_PER_TABLE = 1;
/** At most this many rows are read per table; a bigger one (seed data) is not compared. */
export const READ_LIMIT = 200;
/** How deep foreign keys are followed to fill parent tables. */
const PARENT_DEPTH = 4;

/** Where the trial's helper function lives: the trial's own schema, left out of snapshots. */
const ROWS_FUNCTION = 'rows_of';
const TABLE_INFO = 'migratelint_table_info';

export interface TableInfo {
  /** `schema.table`, quoted where needed (format('%I.%I')). */
  name: string;
  columns: ColumnInfo[];
  constraints: { kind: 'p' | 'u' | 'f'; name: string; cols: string[]; ref: string | null; refcols: string[] | null }[];
}

/** A table's rows as JSON objects (to_jsonb of each row), at most READ_LIMIT + 1 of them. */
export type TableRows = Map<string, Record<string, unknown>[]>;

/** What a cycle's data check works on: the tables, as they were before the up, with their rows. */
export interface DataPlan {
  tables: TableInfo[];
  before: TableRows;
}

export interface NotFilled {
  table: string;
  reason: string;
  /** The migration before whose cycle it happened. */
  migration: string;
}

/** What the trial did with rows, for the JSON (`groups[].data`) and the summary. */
export interface DataCoverage {
  /** Distinct tables that held generated rows at some point. */
  tables: number;
  /** Rows inserted. */
  rows: number;
  /** Cycles whose down → up was checked for lost rows. */
  checked: number;
  notFilled: NotFilled[];
}

export function newDataCoverage(): DataCoverage {
  return { tables: 0, rows: 0, checked: 0, notFilled: [] };
}

const TABLE_INFO_SQL = `
SELECT format('%I.%I', n.nspname, c.relname) AS name,
  (SELECT coalesce(json_agg(json_build_object(
      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
      -- not deparsed (the costly part): whether there is a default, and whether it calls
      -- nextval(regclass) (oid 1574), a serial's
      'hasDefault', d.adbin IS NOT NULL, 'serial', coalesce(d.adbin::text ~ ':funcid 1574 ', false),
      'identity', a.attidentity <> '', 'generated', a.attgenerated <> '',
      'base', bt.typname, 'category', bt.typcategory, 'kind', bt.typtype,
      'labels', CASE WHEN bt.typtype = 'e' THEN (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = bt.oid) END,
      'len', CASE WHEN bt.typname IN ('varchar', 'bpchar') AND m.mod > 4 THEN m.mod - 4
                  WHEN bt.typname IN ('bit', 'varbit') AND m.mod > 0 THEN m.mod END
    ) ORDER BY a.attnum), '[]')
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
     CROSS JOIN LATERAL (SELECT CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS mod) m
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT coalesce(json_agg(json_build_object('kind', k.contype, 'name', k.conname,
      'cols', (SELECT json_agg(a.attname ORDER BY u.i) FROM unnest(k.conkey) WITH ORDINALITY u(num, i)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num),
      'ref', CASE WHEN k.contype = 'f' THEN format('%I.%I', rn.nspname, rc.relname) END,
      'refcols', CASE WHEN k.contype = 'f' THEN (SELECT json_agg(a.attname ORDER BY u.i) FROM unnest(k.confkey) WITH ORDINALITY u(num, i)
                 JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num) END)), '[]')
     FROM pg_constraint k LEFT JOIN pg_class rc ON rc.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u', 'f')) AS constraints
  FROM unnest($1::text[]) AS x(name)
  JOIN pg_class c ON c.oid = to_regclass(x.name)
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.oid <> ALL($2::oid[])
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_%'
   AND n.nspname <> $3`;

const quotedName = (schema: string | undefined, name: string) => `${schema ? `${quoteIdent(schema)}.` : ''}${quoteIdent(name)}`;

/**
 * The tables statements change, structure or rows, quoted as SQL names: the target of
 * ALTER TABLE, a rename, CREATE INDEX, DROP TABLE, TRUNCATE, INSERT, UPDATE, DELETE,
 * MERGE, COPY. A table a view or a query only reads needs no rows: its migration cannot
 * lose them or fail on them.
 */
export function changedTables(statements: readonly Statement[]): string[] {
  const out = new Set<string>();
  const add = (rv: { schemaname?: string; relname?: string } | undefined) => {
    if (rv?.relname) out.add(quotedName(rv.schemaname, rv.relname));
  };
  for (const s of statements) {
    const n = s.node;
    if (!n) continue;
    switch (s.kind) {
      case 'AlterTableStmt':
      case 'IndexStmt':
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'MergeStmt':
      case 'CopyStmt':
        add(n.relation);
        break;
      case 'RenameStmt':
        if (n.renameType === 'OBJECT_TABLE' || n.renameType === 'OBJECT_COLUMN') add(n.relation);
        break;
      case 'TruncateStmt':
        for (const r of n.relations ?? []) add(r.RangeVar);
        break;
      case 'DropStmt':
        if (n.removeType !== 'OBJECT_TABLE') break;
        for (const o of n.objects ?? []) {
          const parts = nameParts(o.List?.items);
          if (parts.length) add({ schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined, relname: parts[parts.length - 1] });
        }
        break;
    }
  }
  return [...out];
}

/** The relations a statement names (RangeVar nodes: typed fields hold them bare), quoted as SQL names. */
export function namedRelations(statements: readonly Statement[]): string[] {
  const out = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (typeof obj.relname === 'string' && 'relpersistence' in obj) {
      out.add(quotedName(typeof obj.schemaname === 'string' ? obj.schemaname : undefined, obj.relname));
    }
    for (const child of Object.values(obj)) visit(child);
  };
  for (const s of statements) if (s.node) visit(s.node);
  return [...out];
}

export class TrialData {
  /** Row numbers are unique over the whole trial, so unique columns never collide. */
  private counter = 0;
  private readonly everFilled = new Set<string>();
  private readonly reported = new Set<string>();
  /** The migration tool's history tables: bookkeeping, never filled (see framework-tables.ts). */
  private skip: number[] = [];

  constructor(
    private readonly driver: Driver,
    private readonly schema: string,
    readonly coverage: DataCoverage,
  ) {}

  /** Tables that held generated rows at some point (their number is `coverage.tables`). */
  get filled(): ReadonlySet<string> {
    return this.everFilled;
  }

  /**
   * Counts back to zero after replayed cycles (see trial-cycle.ts): another trial database
   * counted them. What was filled and said stays known, so it is not said twice.
   */
  forgetCounts(): void {
    Object.assign(this.coverage, { rows: 0, checked: 0, notFilled: [] });
  }

  /**
   * Creates the function that reads tables by name (dynamic SQL), in the trial's schema,
   * and notes the tool's history tables (`historyTables`, unqualified) to leave alone.
   */
  async prepare(historyTables: readonly string[] = []): Promise<void> {
    const skip = await this.driver.query<{ oid: number }>('SELECT to_regclass(quote_ident(x))::oid AS oid FROM unnest($1::text[]) x', [historyTables]);
    this.skip = skip.map((r) => r.oid).filter((o) => o !== null);
    await this.prepareTableInfo();
    const fn = `${quoteIdent(this.schema)}.${ROWS_FUNCTION}`;
    await this.driver.execute(`CREATE OR REPLACE FUNCTION ${fn}(tables text[], lim int) RETURNS jsonb LANGUAGE plpgsql AS $mlt$
DECLARE t text; r jsonb; res jsonb := '{}';
BEGIN
  FOREACH t IN ARRAY tables LOOP
    IF to_regclass(t) IS NOT NULL AND (SELECT relkind FROM pg_class WHERE oid = to_regclass(t)) IN ('r', 'p') THEN
      EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(x)), ''[]'') FROM (SELECT * FROM %s LIMIT %s) x', t, lim) INTO r;
      res := res || jsonb_build_object(t, r);
    END IF;
  END LOOP;
  RETURN res;
END $mlt$`);
  }

  /**
   * The tables of these names (those that are tables now). Prepared once: planning the
   * query costs several times running it for one table.
   */
  async tableInfo(names: readonly string[]): Promise<TableInfo[]> {
    if (!names.length) return [];
    const list = (items: readonly (string | number)[], type: string) => `ARRAY[${items.map((i) => quoteLiteral(String(i))).join(', ')}]::${type}[]`;
    const run = () => this.driver.query<TableInfo>(`EXECUTE ${TABLE_INFO} (${list(names, 'text')}, ${list(this.skip, 'oid')})`);
    try {
      return await run();
    } catch (e) {
      if ((e as { code?: string }).code !== '26000') throw e; // deallocated (DISCARD ALL in a migration)
      await this.prepareTableInfo();
      return run();
    }
  }

  private async prepareTableInfo(): Promise<void> {
    const sql = `PREPARE ${TABLE_INFO} (text[], oid[]) AS ${TABLE_INFO_SQL.replace('$3', quoteLiteral(this.schema))}`;
    try {
      await this.driver.execute(sql);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P05') throw e; // an earlier trial's, on this session
      await this.driver.execute(`DEALLOCATE ${TABLE_INFO}`);
      await this.driver.execute(sql);
    }
  }

  /** Of these tables (SQL names), those that exist and hold rows, by their canonical names. */
  async holdingRows(names: readonly string[]): Promise<string[]> {
    const tables = await this.tableInfo(names);
    const rows = await this.read([...new Set(tables.map((t) => t.name))]);
    return [...rows].filter(([, r]) => r.length > 0).map(([name]) => name);
  }

  /** The tables the trial has put rows in that still exist. */
  async generatedTables(): Promise<string[]> {
    return (await this.tableInfo([...this.everFilled])).map((t) => t.name);
  }

  /** Up to READ_LIMIT + 1 rows of each table that exists, by name. */
  async read(names: readonly string[]): Promise<TableRows> {
    const out: TableRows = new Map();
    if (!names.length) return out;
    const [row] = await this.driver.query<{ r: Record<string, Record<string, unknown>[]> | string }>(
      `SELECT ${quoteIdent(this.schema)}.${ROWS_FUNCTION}($1::text[], $2) AS r`,
      [names, READ_LIMIT + 1],
    );
    const r: Record<string, Record<string, unknown>[]> = typeof row.r === 'string' ? JSON.parse(row.r) : row.r;
    for (const [name, rows] of Object.entries(r)) out.set(name, rows);
    return out;
  }

  /**
   * Fills the tables the migration changes to ROWS_PER_TABLE rows (parents first) and reads
   * them. Runs inside the cycle's transaction. Undefined when it changes no table.
   */
  async before(m: Migration, label: string): Promise<DataPlan | undefined> {
    const named = changedTables([...m.up.statements, ...m.down.statements]);
    // `users` and `public.users` are one table.
    const tables = [...new Map((await this.tableInfo(named)).map((t) => [t.name, t])).values()];
    if (!tables.length) return undefined;
    const known = new Map(tables.map((t) => [t.name, t]));
    const first = await this.read(tables.map((t) => t.name));
    let counts = new Map([...first].map(([name, r]) => [name, r.length]));
    let inserted = 0;
    const visiting = new Set<string>();
    const fill = async (t: TableInfo, depth: number): Promise<void> => {
      if (visiting.has(t.name) || (counts.get(t.name) ?? 0) >= ROWS_PER_TABLE) return;
      visiting.add(t.name);
      for (const fk of t.constraints) {
        if (fk.kind !== 'f' || !fk.ref || fk.ref === t.name || depth >= PARENT_DEPTH) continue;
        let parent = known.get(fk.ref);
        if (!parent) {
          [parent] = await this.tableInfo([fk.ref]);
          if (!parent) continue;
          known.set(parent.name, parent);
          counts = new Map([...counts, ...(await this.counts([parent.name]))]);
        }
        await fill(parent, depth + 1);
      }
      const added = await this.fillTable(t, counts.get(t.name) ?? 0, label);
      counts.set(t.name, (counts.get(t.name) ?? 0) + added);
      inserted += added;
    };
    for (const t of tables) await fill(t, 0);
    // Inserts may run triggers that write to the other tables: read them all again then.
    return { tables, before: inserted ? await this.read(tables.map((t) => t.name)) : first };
  }

  private async counts(names: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.read(names);
    return new Map([...rows].map(([name, r]) => [name, r.length]));
  }

  /** Inserts rows until the table holds ROWS_PER_TABLE; returns how many went in. */
  private async fillTable(t: TableInfo, has: number, label: string): Promise<number> {
    let added = 0;
    let lastError = '';
    const parents = new Map<string, string[][]>();
    for (const fk of t.constraints) {
      if (fk.kind !== 'f' || !fk.ref || !fk.refcols) continue;
      parents.set(fk.name, fk.ref === t.name ? [] : await this.parentKeys(fk.ref, fk.refcols));
    }
    for (let i = has; i < ROWS_PER_TABLE; i++) {
      const n = ++this.counter;
      let inserted = false;
      // Second try: every nullable column NULL, which meets most checks the values do not.
      for (const sparse of [false, true]) {
        const row = this.rowFor(t, n, i, parents, sparse);
        if (typeof row === 'string') {
          lastError = row;
          break;
        }
        const sql = row.columns.length
          ? `INSERT INTO ${t.name} (${row.columns.map(quoteIdent).join(', ')}) VALUES (${row.values.join(', ')})`
          : `INSERT INTO ${t.name} DEFAULT VALUES`;
        try {
          await this.driver.execute(`SAVEPOINT migratelint_row; ${sql}; RELEASE SAVEPOINT migratelint_row`);
          inserted = true;
          break;
        } catch (e) {
          await this.driver.execute('ROLLBACK TO SAVEPOINT migratelint_row; RELEASE SAVEPOINT migratelint_row');
          lastError = (e as Error).message;
        }
      }
      if (!inserted) break;
      added++;
    }
    this.coverage.rows += added;
    if (added > 0 && !this.everFilled.has(t.name)) {
      this.everFilled.add(t.name);
      this.coverage.tables++;
    }
    if (has + added < ROWS_PER_TABLE && lastError && !this.reported.has(t.name)) {
      this.reported.add(t.name);
      this.coverage.notFilled.push({ table: t.name, reason: lastError, migration: label });
    }
    return added;
  }

  /** Up to ten rows of the referenced columns, as text. */
  private async parentKeys(table: string, cols: readonly string[]): Promise<string[][]> {
    const list = cols.map((c) => `${quoteIdent(c)}::text`).join(', ');
    const where = cols.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
    const rows = await this.driver.query<{ k: string[] }>(`SELECT ARRAY[${list}] AS k FROM ${table} WHERE ${where} LIMIT 10`);
    return rows.map((r) => r.k);
  }

  /** The columns and literals of one generated row, or why there is none. */
  private rowFor(t: TableInfo, n: number, i: number, parents: Map<string, string[][]>, sparse: boolean): { columns: string[]; values: string[] } | string {
    const byColumn = new Map<string, string>();
    const inKey = new Set<string>();
    for (const k of t.constraints) if (k.kind !== 'f') for (const c of k.cols) inKey.add(c);
    for (const fk of t.constraints) {
      if (fk.kind !== 'f' || !fk.refcols) continue;
      const keys = parents.get(fk.name) ?? [];
      const cols = fk.cols.map((c) => t.columns.find((x) => x.name === c)!);
      if (!keys.length) {
        const required = cols.find((c) => c.notnull && !c.hasDefault);
        if (required) return `no row in ${fk.ref} to reference (${fk.name})`;
        for (const c of cols) byColumn.set(c.name, 'NULL');
        continue;
      }
      const key = keys[i % keys.length];
      cols.forEach((c, j) => byColumn.set(c.name, key[j] === null ? 'NULL' : `${quoteLiteral(key[j])}::${c.type}`));
    }
    const columns: string[] = [];
    const values: string[] = [];
    for (const c of t.columns) {
      if (filledByDatabase(c)) continue;
      let value = byColumn.get(c.name);
      if (value === undefined) {
        if (sparse && !c.notnull && !inKey.has(c.name)) value = 'NULL';
        else value = valueFor(c, n);
      }
      if (value === undefined) {
        if (!c.notnull) value = 'NULL';
        else if (c.hasDefault) continue;
        else return `no value for column ${c.name} of type ${c.type}`;
      }
      columns.push(c.name);
      values.push(value);
    }
    return { columns, values };
  }
}
