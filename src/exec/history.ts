import os from 'node:os';
import type { Driver } from './drivers/types.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { safeUser } from './lock.js';
import { toolVersion } from '../meta.js';

export const HISTORY_TABLE = 'migratelint_migrations';
export const DEFAULT_HISTORY_SCHEMA = 'public';

/**
 * One row per attempt, never rewritten except by the run that owns it:
 * - `applied` / `rolled back`: the up / down finished (written in its last transaction);
 * - `failed`: the attempt failed and nothing of it stayed (its transaction rolled back);
 * - `running`: a migration with steps outside a transaction is under way (or was killed);
 * - `partial`: such a migration failed after some of its steps were committed.
 * A migration's state is its latest row that is not `failed`.
 */
export type HistoryResult = 'applied' | 'rolled back' | 'failed' | 'running' | 'partial';

export interface HistoryRow {
  id: number;
  version: string;
  name: string | null;
  direction: 'up' | 'down';
  result: HistoryResult;
  checksum: string;
  file: string | null;
  applied_at: Date;
  applied_by: string;
  duration_ms: number | null;
  progress: number;
  progress_checksum: string | null;
  error: string | null;
  tool_version: string | null;
  /** Why a human recorded this row (`migratelint repair --reason`); null for rows a run wrote. */
  note: string | null;
}

export function historyTable(schema: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(HISTORY_TABLE)}`;
}

export function appliedBy(): string {
  return `${safeUser()}@${os.hostname()}`;
}

export async function historyExists(driver: Driver, schema: string): Promise<boolean> {
  const [row] = await driver.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [historyTable(schema)]);
  return !!row?.ok;
}

export async function ensureHistory(driver: Driver, schema: string): Promise<void> {
  if (await historyExists(driver, schema)) {
    // Tables made before `repair` existed have no note column; only then is one added.
    const [has] = await driver.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'note' AND NOT attisdropped) AS ok`,
      [historyTable(schema)],
    );
    if (!has?.ok) await driver.execute(`ALTER TABLE ${historyTable(schema)} ADD COLUMN note text`);
    return;
  }
  const table = historyTable(schema);
  const statements = [
    schema === 'public' ? '' : `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${table} (
      id bigserial PRIMARY KEY,
      version text NOT NULL,
      name text,
      direction text NOT NULL CHECK (direction IN ('up', 'down')),
      result text NOT NULL CHECK (result IN ('applied', 'rolled back', 'failed', 'running', 'partial')),
      checksum text NOT NULL,
      file text,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      applied_by text NOT NULL,
      duration_ms integer,
      progress integer NOT NULL DEFAULT 0,
      progress_checksum text,
      error text,
      tool_version text,
      note text
    )`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${HISTORY_TABLE}_version_idx`)} ON ${table} (version, id)`,
    `COMMENT ON TABLE ${table} IS ${quoteLiteral('Migrations applied by migratelint: one row per attempt')}`,
  ].filter(Boolean);
  await driver.execute('BEGIN');
  try {
    for (const s of statements) await driver.execute(s);
    await driver.execute('COMMIT');
  } catch (e) {
    await driver.execute('ROLLBACK').catch(() => {});
    throw e;
  }
}

export async function readHistory(driver: Driver, schema: string): Promise<HistoryRow[]> {
  if (!(await historyExists(driver, schema))) return [];
  const rows = await driver.query<HistoryRow>(`SELECT * FROM ${historyTable(schema)} ORDER BY id`);
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    progress: Number(r.progress),
    duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
    note: r.note ?? null,
  }));
}

export interface MigrationState {
  version: string;
  /** The latest row that is not `failed`: what the database holds of this migration. */
  current?: HistoryRow;
  /** The latest `applied` row (when, by whom, duration, checksum). */
  lastApplied?: HistoryRow;
  /** The latest row of all, when it is a failure. */
  lastFailure?: HistoryRow;
}

export type StateKind = 'applied' | 'pending' | 'partial' | 'running';

/** A row that stands for what a tool's own history table records (see native-view.ts), not one migratelint wrote. */
export const isNativeRow = (row: HistoryRow | undefined): boolean => row?.id === 0;

export function stateKind(state: MigrationState | undefined): StateKind {
  const cur = state?.current;
  if (!cur) return 'pending';
  if (cur.result === 'applied') return 'applied';
  if (cur.result === 'rolled back') return 'pending';
  return cur.result === 'running' ? 'running' : 'partial';
}

export function migrationStates(rows: HistoryRow[]): Map<string, MigrationState> {
  const out = new Map<string, MigrationState>();
  for (const row of rows) {
    let s = out.get(row.version);
    if (!s) out.set(row.version, (s = { version: row.version }));
    if (row.result === 'failed') s.lastFailure = row;
    else {
      s.current = row;
      s.lastFailure = undefined;
    }
    if (row.result === 'applied') s.lastApplied = row;
  }
  return out;
}

export interface NewRow {
  version: string;
  name?: string;
  direction: 'up' | 'down';
  result: HistoryResult;
  checksum: string;
  file?: string;
  duration_ms?: number;
  progress?: number;
  progress_checksum?: string;
  error?: string;
  note?: string;
}

export async function insertRow(driver: Driver, schema: string, row: NewRow): Promise<number> {
  const [r] = await driver.query<{ id: string | number }>(
    `INSERT INTO ${historyTable(schema)}
       (version, name, direction, result, checksum, file, applied_by, duration_ms, progress, progress_checksum, error, tool_version${row.note === undefined ? '' : ', note'})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12${row.note === undefined ? '' : ', $13'}) RETURNING id`,
    [
      row.version,
      row.name ?? null,
      row.direction,
      row.result,
      row.checksum,
      row.file ?? null,
      appliedBy(),
      row.duration_ms ?? null,
      row.progress ?? 0,
      row.progress_checksum ?? null,
      row.error ?? null,
      toolVersion(),
      ...(row.note === undefined ? [] : [row.note]),
    ],
  );
  return Number(r.id);
}

export async function updateRow(
  driver: Driver,
  schema: string,
  id: number,
  fields: Partial<Pick<HistoryRow, 'result' | 'duration_ms' | 'progress' | 'progress_checksum' | 'error' | 'checksum'>>,
): Promise<void> {
  const keys = Object.keys(fields) as (keyof typeof fields)[];
  if (!keys.length) return;
  const sets = keys.map((k, i) => `${quoteIdent(k)} = $${i + 2}`);
  await driver.query(`UPDATE ${historyTable(schema)} SET ${sets.join(', ')} WHERE id = $1`, [id, ...keys.map((k) => fields[k] ?? null)]);
}
