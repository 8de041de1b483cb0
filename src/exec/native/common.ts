/**
 * What the native history modules share: finding a tool's table (and its columns, so a
 * table another tool owns under the same name, or an older layout, is recognised), the
 * plan migrations of one format, and the bytes of a migration file as the tool hashes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationFormat } from '../../ir/types.js';
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';
import { quoteIdent } from '../sql.js';
import { ExecError } from '../errors.js';
import type { NativeState } from './types.js';

/** A table found in the database. */
export interface FoundTable {
  /** Quoted `"schema"."name"`, for statements. */
  sql: string;
  /** `schema.name`, for reports. */
  display: string;
  schema: string;
  name: string;
  columns: Set<string>;
}

/**
 * Finds a table as the tool would: by its name on the search_path (tools create their
 * table in the current schema unless configured otherwise), or in the given schema.
 * undefined when there is none.
 */
export async function findTable(driver: Driver, name: string, schema?: string): Promise<FoundTable | undefined> {
  const ref = schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
  const [row] = await driver.query<{ schema: string; name: string; columns: string[] | string | null }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`,
    [ref],
  );
  if (!row) return undefined;
  return {
    sql: `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`,
    display: `${row.schema}.${row.name}`,
    schema: row.schema,
    name: row.name,
    columns: new Set(parseArray(row.columns)),
  };
}

/** A text[] as either driver returns it (an array; a '{a,b}' literal as a fallback). */
function parseArray(v: string[] | string | null): string[] {
  if (Array.isArray(v)) return v;
  if (!v) return [];
  return v
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean)
    .map((s) => s.replace(/^"|"$/g, ''));
}

/** Whether a found table has every column a layout needs. */
export const hasColumns = (t: FoundTable, ...cols: string[]): boolean => cols.every((c) => t.columns.has(c));

/** The plan's migrations of one format. */
export const ofFormat = (plan: readonly PlannedMigration[], format: MigrationFormat): PlannedMigration[] =>
  plan.filter((p) => p.format === format);

export function emptyState(table: string): NativeState {
  return { table, applied: new Set(), dirty: [], unknown: [] };
}

/**
 * The state of a history that is a set of versions, one row per applied migration and
 * nothing else (dbmate's and Rails' `schema_migrations`, diesel's table): a migration of
 * `format` is applied when its version is a row; rows no migration has are `unknown`.
 */
export async function readVersionSet(
  driver: Driver,
  t: FoundTable,
  plan: readonly PlannedMigration[],
  format: MigrationFormat,
  versionOf: (p: PlannedMigration) => string | undefined,
): Promise<NativeState> {
  const state = emptyState(t.display);
  const rows = new Set((await driver.query<{ version: unknown }>(`SELECT version::text AS version FROM ${t.sql}`)).map((r) => str(r.version)));
  const known = new Set<string>();
  for (const p of ofFormat(plan, format)) {
    const v = versionOf(p);
    if (v === undefined) continue;
    known.add(v);
    if (rows.has(v)) state.applied.add(p.id);
  }
  for (const v of rows) if (!known.has(v)) state.unknown.push(v);
  return state;
}

export const base = (file: string): string => path.basename(file);
/** The file name without its (last) extension. */
export const stem = (file: string): string => path.basename(file).replace(/\.[^.]*$/, '');
/** The folder a migration's file is in (diesel and Prisma name a migration by it). */
export const folderName = (file: string): string => path.basename(path.dirname(file));

/** A migration file's text as migratelint read it (BOM removed). */
export function sourceText(p: PlannedMigration, file: string = p.file): string {
  const text = p.migration.sources.get(file);
  if (text !== undefined) return text;
  try {
    return stripBom(fs.readFileSync(path.resolve(file), 'utf8'));
  } catch {
    throw new ExecError(`cannot read ${file}`);
  }
}

const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

/**
 * The bytes of a migration file, as a tool that hashes the whole file sees them (a byte
 * order mark included). The file on disk is used when it still holds the text that was
 * read (paths are relative to the working directory); otherwise the text read, as UTF-8.
 */
export function fileBytes(p: PlannedMigration, file: string = p.file): Buffer {
  const text = p.migration.sources.get(file);
  try {
    const buf = fs.readFileSync(path.resolve(file));
    if (text === undefined || stripBom(buf.toString('utf8')) === text) return buf;
  } catch {
    // not on disk (any more): the text read stands in for it
  }
  if (text === undefined) throw new ExecError(`cannot read ${file}`);
  return Buffer.from(text, 'utf8');
}

/** A number column as text (int8 arrives as a string from pg and a bigint from PGlite). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** A bigint from a version string; undefined when it is not a number. */
export function toBig(v: string | undefined | null): bigint | undefined {
  if (v === undefined || v === null || !/^-?\d+$/.test(v.trim())) return undefined;
  return BigInt(v.trim());
}
