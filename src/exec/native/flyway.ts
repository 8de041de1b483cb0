/**
 * Flyway's `flyway_schema_history`, checked against flyway/flyway:
 * - flyway-database/flyway-database-postgresql/.../PostgreSQLDatabase.java (getRawCreateScript,
 *   `SELECT current_user` for installed_by);
 * - flyway-core/.../database/base/Database.java (getInsertStatement);
 * - flyway-core/.../schemahistory/SchemaHistory.java (calculateInstalledRank: the last rank + 1)
 *   and JdbcTableSchemaHistory.java (doAddAppliedMigration);
 * - flyway-core/.../resolver/ChecksumCalculator.java and util/BomFilter.java (the checksum);
 * - flyway-core/.../resolver/sql/SqlMigrationResolver.java and resource/ResourceNameParser.java
 *   (script = the path relative to its location, description = the name with `_` as spaces);
 * - flyway-core/api/MigrationVersion.java (`1_1` is written `1.1`; versions compare as numbers
 *   with trailing zeros ignored, so `1.0` is `1`);
 * - flyway-core/.../info/MigrationInfoServiceImpl.java (what counts as applied: a versioned
 *   migration's rows, unless a later DELETE row (repair of a missing migration) or undo
 *   marks it gone; versions at or below a BASELINE are never run; a repeatable counts only
 *   when its newest row carries the file's current checksum).
 *
 * The table, as Flyway creates it in the default schema:
 *
 *   CREATE TABLE "s"."flyway_schema_history" (
 *       "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
 *       "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER,
 *       "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
 *       "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
 *   ALTER TABLE ... ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
 *   CREATE INDEX "flyway_schema_history_s_idx" ON ... ("success");
 *
 * A row with success = false is a failed migration (Flyway records them for migrations
 * that ran outside a transaction): Flyway refuses to migrate until `flyway repair`
 * removes it. Undo (`U` files, Flyway Teams) is recorded as a row of type UNDO_SQL,
 * which marks the version undone (pending again).
 *
 * Not reproduced: placeholder replacement in repeatable migrations (`${...}`) before
 * their checksum, and execution_time (migratelint does not hand the duration over;
 * recorded as 0).
 */
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';
import type { NativeHistory, NativeState } from './types.js';
import { quoteIdent } from '../sql.js';
import { emptyState, findTable, hasColumns, ofFormat, sourceText, type FoundTable } from './common.js';

const TABLE = 'flyway_schema_history';

// ---- checksum -------------------------------------------------------------------------

let crcTable: Int32Array | undefined;

function crc32Update(crc: number, bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c;
}

/**
 * Flyway's checksum of a script: CRC-32 over the UTF-8 bytes of each line without its
 * line ending (lines as Java's BufferedReader.readLine splits them: at \n, \r or \r\n),
 * a byte order mark dropped from the first line; as a signed 32-bit int. So the checksum
 * does not change with line endings.
 */
export function flywayChecksum(text: string): number {
  const encoder = new TextEncoder();
  let crc = 0;
  let start = 0;
  let first = true;
  const n = text.length;
  const line = (end: number) => {
    let s = text.slice(start, end);
    if (first && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    first = false;
    crc = crc32Update(crc, encoder.encode(s));
  };
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) {
      line(i);
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < n) line(n);
  return crc | 0;
}

// ---- names and versions -------------------------------------------------------------------

interface FlywayName {
  prefix: string;
  /** As Flyway writes it (`1_1` → `1.1`); undefined for a repeatable. */
  version?: string;
  description: string;
}

/** A Flyway file name (`V1_1__add_index.sql`, `U1__init.sql`, `R__view.sql`), as ResourceNameParser reads it. */
export function parseFlywayName(file: string): FlywayName | undefined {
  const m = /^([VUR])(.*?)__(.*)\.sql$/i.exec(path.basename(file));
  if (!m) return undefined;
  const version = m[2] === '' ? undefined : m[2].replace(/_/g, '.');
  return { prefix: m[1].toUpperCase(), version, description: m[3].replace(/_/g, ' ') };
}

/** A version's identity as MigrationVersion compares it: numeric parts, trailing zeros dropped. */
export function flywayVersionKey(v: string): string {
  const parts = v.replace(/_/g, '.').split(/\.(?=\d)/).map((p) => (/^\d+$/.test(p) ? BigInt(p).toString() : p));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts.join('.');
}

function compareKeys(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = BigInt(/^\d+$/.test(pa[i] ?? '') ? pa[i] : '0');
    const y = BigInt(/^\d+$/.test(pb[i] ?? '') ? pb[i] : '0');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

interface Entry {
  p: PlannedMigration;
  name: FlywayName;
  /** The version key; undefined for a repeatable. */
  key?: string;
}

function entry(p: PlannedMigration): Entry {
  const parsed = parseFlywayName(p.file);
  const name: FlywayName = parsed ?? {
    prefix: p.repeatable ? 'R' : 'V',
    version: p.repeatable ? undefined : p.migration.version ?? p.id,
    description: (p.migration.name ?? '').replace(/_/g, ' '),
  };
  return { p, name, key: name.version !== undefined ? flywayVersionKey(name.version) : undefined };
}

/** The undo file (`U<version>__...sql`) among the migration's files, when it has one. */
function undoFile(p: PlannedMigration): string | undefined {
  return p.migration.files.find((f) => f !== p.file && parseFlywayName(f)?.prefix === 'U');
}

// ---- rows ---------------------------------------------------------------------------------

interface Row {
  rank: number;
  version: string | null;
  description: string;
  type: string;
  checksum: number | null;
  success: boolean;
}

async function table(driver: Driver): Promise<FoundTable | undefined> {
  const t = await findTable(driver, TABLE);
  return t && hasColumns(t, 'installed_rank', 'version', 'description', 'type', 'success') ? t : undefined;
}

async function rows(driver: Driver, t: FoundTable): Promise<Row[]> {
  const checksum = t.columns.has('checksum') ? 'checksum' : 'NULL::integer';
  const raw = await driver.query<{ rank: number; version: string | null; description: string; type: string; checksum: number | null; success: boolean }>(
    `SELECT installed_rank AS rank, version, description, type, ${checksum} AS checksum, success FROM ${t.sql} ORDER BY installed_rank`,
  );
  return raw.map((r) => ({
    rank: Number(r.rank),
    version: r.version,
    description: r.description,
    type: r.type,
    checksum: r.checksum === null ? null : Number(r.checksum),
    success: !!r.success,
  }));
}

const isUndo = (type: string) => type.startsWith('UNDO_');
const isBaseline = (type: string) => type === 'BASELINE' || type.endsWith('_BASELINE') || type === 'INIT';
/** Rows that stand for no migration of their own. */
const isSynthetic = (type: string) => type === 'SCHEMA' || type === 'DELETE' || isBaseline(type);

interface VersionState {
  /** The newest row that ran the migration (or undid it), not deleted. */
  last?: Row;
}

/**
 * Each version's standing, replaying the rows in rank order: a migration row sets it, an
 * undo row undoes it, a DELETE row (repair of a migration missing on disk) removes it.
 */
function versionStates(all: Row[]): { states: Map<string, VersionState>; baseline?: string } {
  const states = new Map<string, VersionState>();
  let baseline: string | undefined;
  for (const r of all) {
    if (r.version === null) continue;
    const key = flywayVersionKey(r.version);
    if (isBaseline(r.type)) {
      if (baseline === undefined || compareKeys(key, baseline) > 0) baseline = key;
      continue;
    }
    if (r.type === 'SCHEMA') continue;
    const s = states.get(key) ?? {};
    if (r.type === 'DELETE') {
      if (r.success) s.last = undefined;
    } else {
      s.last = r;
    }
    states.set(key, s);
  }
  return { states, baseline };
}

// ---- writing ------------------------------------------------------------------------------

async function ensured(driver: Driver): Promise<FoundTable> {
  await flyway.ensure!(driver);
  return (await table(driver))!;
}

async function insert(
  driver: Driver,
  t: FoundTable,
  row: { version: string | null; description: string; type: string; script: string; checksum: number | null; success: boolean },
): Promise<void> {
  await driver.query(
    `INSERT INTO ${t.sql} ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success")
     VALUES ((SELECT COALESCE(MAX("installed_rank"), 0) + 1 FROM ${t.sql}), $1, $2, $3, $4, $5, current_user, $6, $7)`,
    [row.version, row.description, row.type, row.script, row.checksum, 0, row.success],
  );
}

/** Writes the row Flyway writes for a migration it ran. */
async function recordRun(driver: Driver, t: FoundTable, m: PlannedMigration): Promise<void> {
  const e = entry(m);
  await insert(driver, t, {
    version: e.name.version ?? null,
    description: e.name.description,
    type: 'SQL',
    script: path.basename(m.file),
    checksum: flywayChecksum(sourceText(m)),
    success: true,
  });
}

/**
 * Writes the row Flyway Teams writes for an undo migration (type UNDO_SQL, the undone
 * version, the `U` file). A repeatable has no undo: its rows are removed instead, so
 * Flyway runs it again.
 */
async function recordUndo(driver: Driver, t: FoundTable, m: PlannedMigration): Promise<void> {
  const e = entry(m);
  if (e.key === undefined) {
    await driver.query(`DELETE FROM ${t.sql} WHERE "version" IS NULL AND "description" = $1`, [e.name.description]);
    return;
  }
  const u = undoFile(m);
  const uName = u ? parseFlywayName(u) : undefined;
  await insert(driver, t, {
    version: e.name.version!,
    description: uName?.description ?? e.name.description,
    type: 'UNDO_SQL',
    script: u ? path.basename(u) : `U${e.name.version}__${e.name.description.replace(/ /g, '_')}.sql`,
    checksum: u ? flywayChecksum(sourceText(m, u)) : null,
    success: true,
  });
}

async function isApplied(driver: Driver, t: FoundTable, m: PlannedMigration): Promise<boolean> {
  const e = entry(m);
  const s = e.key === undefined ? undefined : versionStates(await rows(driver, t)).states.get(e.key);
  return !!s?.last && s.last.success && !isUndo(s.last.type);
}

// ---- the history --------------------------------------------------------------------------

export const flyway: NativeHistory = {
  format: 'flyway',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await table(driver);
    if (!t) return undefined;
    const state = emptyState(t.display);
    const all = await rows(driver, t);
    const { states, baseline } = versionStates(all);
    const entries = ofFormat(plan, 'flyway').map(entry);
    const knownVersions = new Set<string>();
    const knownRepeatables = new Set<string>();
    for (const e of entries) {
      if (e.key === undefined) {
        knownRepeatables.add(e.name.description);
        continue;
      }
      knownVersions.add(e.key);
      const last = states.get(e.key)?.last;
      if (last && !last.success) {
        state.dirty.push({
          id: e.p.id,
          message: `Flyway recorded version ${last.version} (${last.description}) as failed (success = false): fix the database, then run flyway repair (or migratelint repair)`,
        });
      } else if (last && !isUndo(last.type)) {
        state.applied.add(e.p.id);
      } else if (baseline !== undefined && compareKeys(e.key, baseline) <= 0) {
        state.applied.add(e.p.id); // at or below the baseline: Flyway never runs it
      }
    }
    // Repeatables: the newest row of a description decides; it counts while the file's checksum is unchanged.
    const latest = new Map<string, Row | undefined>();
    for (const r of all) {
      if (r.version !== null || r.type === 'SCHEMA' || isBaseline(r.type)) continue;
      latest.set(r.description, r.type === 'DELETE' ? (r.success ? undefined : latest.get(r.description)) : r);
    }
    for (const e of entries) {
      if (e.key !== undefined) continue;
      const last = latest.get(e.name.description);
      if (!last) continue;
      if (!last.success) {
        state.dirty.push({
          id: e.p.id,
          message: `Flyway recorded repeatable ${last.description} as failed (success = false): fix the database, then run flyway repair (or migratelint repair)`,
        });
      } else if (last.checksum === flywayChecksum(sourceText(e.p))) {
        state.applied.add(e.p.id);
      }
    }
    for (const [key, s] of states) {
      if (s.last && s.last.success && !isUndo(s.last.type) && !isSynthetic(s.last.type) && !knownVersions.has(key)) state.unknown.push(s.last.version!);
    }
    for (const [description, last] of latest) if (last && last.success && !knownRepeatables.has(description)) state.unknown.push(`R__${description.replace(/ /g, '_')}`);
    return state;
  },

  async ensure(driver) {
    if (await findTable(driver, TABLE)) return;
    const [{ schema }] = await driver.query<{ schema: string }>(`SELECT current_schema() AS schema`);
    const q = `${quoteIdent(schema)}.${quoteIdent(TABLE)}`;
    await driver.execute(`CREATE TABLE ${q} (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
)`);
    await driver.execute(`ALTER TABLE ${q} ADD CONSTRAINT "${TABLE}_pk" PRIMARY KEY ("installed_rank")`);
    await driver.execute(`CREATE INDEX "${TABLE}_s_idx" ON ${q} ("success")`);
  },

  async recordApplied(driver, m) {
    await recordRun(driver, await ensured(driver), m);
  },

  async recordRolledBack(driver, m) {
    await recordUndo(driver, await ensured(driver), m);
  },

  /**
   * As `flyway repair` does, the failed rows of the migration go; then `applied` records
   * a successful run (as `migrate` with skipExecutingMigrations would) unless one stands,
   * and `rolled back` records an undo if a successful run still stands.
   */
  async repair(driver, m, outcome) {
    const t = await ensured(driver);
    const e = entry(m);
    if (e.key === undefined) {
      await driver.query(`DELETE FROM ${t.sql} WHERE "version" IS NULL AND "description" = $1 AND NOT "success"`, [e.name.description]);
    } else {
      const failed = (await rows(driver, t)).filter((r) => r.version !== null && !r.success && flywayVersionKey(r.version) === e.key);
      for (const r of failed) await driver.query(`DELETE FROM ${t.sql} WHERE "installed_rank" = $1`, [r.rank]);
    }
    const applied = e.key === undefined ? false : await isApplied(driver, t, m);
    if (outcome === 'applied' && !applied) await recordRun(driver, t, m);
    if (outcome === 'rolled back' && (applied || e.key === undefined)) await recordUndo(driver, t, m);
  },
};
