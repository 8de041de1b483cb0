import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DbTarget, PostgresTarget } from '../url.js';
import type { Driver } from '../drivers/types.js';
import { DEFAULT_BACKUP_DIR } from './meta.js';

/**
 * A restore never replaces the database in place: it loads the backup into a new database
 * (PostgreSQL) or a new data directory (PGlite) next to the old one, checks it, and only
 * then swaps the names. While it runs, a marker (JSON) says what is being restored and the
 * names involved, so a restore killed at any moment can be finished or undone afterwards:
 * `migratelint restore --resume` / `--undo`.
 *
 * - PGlite: the marker lives next to the data directory (`<dir>.restore.json`). The swap is
 *   two renames (`<dir>` → `<dir>.before-restore-<stamp>`, `<dir>.restoring-<stamp>` →
 *   `<dir>`); which of the three directories exist says how far it got.
 * - PostgreSQL: the marker lives in the backup directory; the server itself is the truth:
 *   `<db>_mlt_restore_<stamp>` (the copy being loaded) and `<db>_mlt_before_<stamp>` (the
 *   old database after the swap). Both renames run in one transaction, so `<db>` is always
 *   either the old or the restored database.
 *
 * Phases: `loading` (the copy may be incomplete), `ready` (the copy is loaded and checked;
 * the swap may have happened), `swapped` (the swap committed), `undoing` (an undo started).
 */
export type RestorePhase = 'loading' | 'ready' | 'swapped' | 'undoing';

export interface RestoreMarker {
  version: 1;
  kind: 'pglite' | 'postgres';
  /** The database, password masked. */
  db: string;
  /** The backup being restored, and its checksum when the restore started. */
  file: string;
  sha256: string;
  /** The safety backup taken of the database before it was touched. */
  safety?: string;
  phase: RestorePhase;
  stamp: string;
  pid: number;
  host: string;
  startedAt: string;
  pglite?: { dir: string; fresh: string; aside: string; trash: string; hadDir: boolean };
  postgres?: { database: string; restoreDb: string; beforeDb: string };
}

// ---------------------------------------------------------------------------------------
// The marker file

export function pgliteMarkerPath(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.restore.json`;
}

/** One marker per target in the backup directory (the same directory may serve several databases). */
export function postgresMarkerPath(target: PostgresTarget, backupDir: string): string {
  const key = crypto.createHash('sha256').update(target.display).digest('hex').slice(0, 12);
  return path.join(backupDir, `restore-in-progress-${key}.json`);
}

export function markerPath(target: DbTarget, backupDir: string): string | undefined {
  if (target.kind === 'pglite') return target.dataDir ? pgliteMarkerPath(target.dataDir) : undefined;
  return postgresMarkerPath(target, backupDir);
}

export function readMarker(file: string): RestoreMarker | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as RestoreMarker;
    return m && m.version === 1 ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Through a temporary name (ending in .json, so `backups` never lists it), then a rename: never half a marker. */
export function writeMarker(file: string, marker: RestoreMarker): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file.replace(/\.json$/, '')}.${process.pid}.tmp.json`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(marker, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function removeMarker(file: string): void {
  fs.rmSync(file, { force: true });
  removeStaleTemporaries(file, true);
}

/** Temporary files of marker writes killed half way (`<marker>.<pid>.tmp.json`): those of processes that are gone, or all. */
export function removeStaleTemporaries(file: string, all = false): void {
  const dir = path.dirname(file);
  const stem = `${path.basename(file).replace(/\.json$/, '')}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) {
    const m = f.startsWith(stem) ? /^(\d+)\.tmp\.json$/.exec(f.slice(stem.length)) : null;
    if (m && (all || !pidAlive(Number(m[1])))) fs.rmSync(path.join(dir, f), { force: true });
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function newMarker(fields: Omit<RestoreMarker, 'version' | 'pid' | 'host' | 'startedAt' | 'phase'>): RestoreMarker {
  return { version: 1, phase: 'loading', pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), ...fields };
}

/** The process that wrote the marker still runs (on this host): the restore is in progress, not interrupted. */
export function markerOwnerAlive(m: RestoreMarker): boolean {
  if (m.pid === process.pid || m.host !== os.hostname()) return false;
  return pidAlive(m.pid);
}

// ---------------------------------------------------------------------------------------
// PGlite: which directories exist

export function pgliteNames(dir: string, stamp: string) {
  const d = dir.replace(/[\\/]+$/, '');
  return { dir: d, fresh: `${d}.restoring-${stamp}`, aside: `${d}.before-restore-${stamp}`, trash: `${d}.restore-trash-${stamp}` };
}

/**
 * - `untouched`: nothing was changed (the copy was not started, or an undo finished);
 * - `before-swap`: `<dir>` is the old database, the copy is next to it (complete when the phase is past `loading`);
 * - `in-swap`: killed between the two renames: `<dir>` is missing, both copies are next to it;
 * - `after-swap`: `<dir>` is the restored database, the old one is still next to it;
 * - `done`: the restore finished; only the marker was left.
 */
export type PgliteRestoreState = 'untouched' | 'before-swap' | 'in-swap' | 'after-swap' | 'done';

export function pgliteRestoreState(m: RestoreMarker): PgliteRestoreState {
  const p = m.pglite!;
  const dir = fs.existsSync(p.dir);
  const fresh = fs.existsSync(p.fresh);
  const aside = fs.existsSync(p.aside);
  if (aside) return dir ? 'after-swap' : 'in-swap';
  if (fresh) return dir || !p.hadDir ? 'before-swap' : 'in-swap';
  return m.phase === 'loading' || m.phase === 'undoing' ? 'untouched' : 'done';
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: which databases exist

const STAMP_DIGITS = 17;
/** PostgreSQL truncates identifiers to 63 bytes: the base name is shortened so the suffix always fits. */
const PREFIX_BYTES = 63 - '_mlt_restore_'.length - STAMP_DIGITS;

/** A sortable stamp for database names: digits of the UTC time to the millisecond. */
export function pgStamp(d = new Date()): string {
  return d.toISOString().replace(/\D/g, '').slice(0, STAMP_DIGITS);
}

function truncateBytes(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

function namePrefix(db: string): string {
  if (Buffer.byteLength(db) <= PREFIX_BYTES) return db;
  return `${truncateBytes(db, PREFIX_BYTES - 7)}_${crypto.createHash('sha256').update(db).digest('hex').slice(0, 6)}`;
}

export function pgRestoreNames(db: string, stamp: string): { restoreDb: string; beforeDb: string } {
  const p = namePrefix(db);
  return { restoreDb: `${p}_mlt_restore_${stamp}`, beforeDb: `${p}_mlt_before_${stamp}` };
}

export interface PgRestoreState {
  kind: 'none' | 'before-swap' | 'after-swap' | 'missing';
  dbExists: boolean;
  stamp?: string;
  /** Present on the server. */
  restoreDb?: string;
  beforeDb?: string;
  /**
   * Left invalid by an interrupted DROP DATABASE (PostgreSQL marks a database invalid before
   * it removes its files): it can only be dropped, never swapped in or put back.
   */
  restoreInvalid?: boolean;
  beforeInvalid?: boolean;
  /** Leftovers of other interrupted restores of the same database (other stamps). */
  others: string[];
}

/**
 * Reads the state from the server's list of databases: `<db>_mlt_restore_<stamp>` alone is
 * a copy that was never swapped in; `<db>_mlt_before_<stamp>` is the old database after a
 * swap. The marker's stamp is preferred; without a marker, the newest leftover.
 */
export function pgRestoreState(list: DbEntry[], db: string, marker: RestoreMarker | undefined): PgRestoreState {
  const prefix = namePrefix(db);
  const re = /^_mlt_(restore|before)_(\d{17})$/;
  const byStamp = new Map<string, { restore?: string; before?: string }>();
  const names = list.map((d) => d.name);
  const invalid = new Set(list.filter((d) => d.invalid).map((d) => d.name));
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = re.exec(n.slice(prefix.length));
    if (!m) continue;
    const e = byStamp.get(m[2]) ?? {};
    if (m[1] === 'restore') e.restore = n;
    else e.before = n;
    byStamp.set(m[2], e);
  }
  const dbExists = names.includes(db);
  const stamps = [...byStamp.keys()].sort();
  const stamp = marker?.stamp && byStamp.has(marker.stamp) ? marker.stamp : stamps[stamps.length - 1];
  const others = stamps.filter((s) => s !== stamp).flatMap((s) => [byStamp.get(s)!.restore, byStamp.get(s)!.before].filter((x): x is string => !!x));
  if (!stamp) return { kind: 'none', dbExists, others };
  const e = byStamp.get(stamp)!;
  const base = {
    dbExists,
    stamp,
    restoreDb: e.restore,
    beforeDb: e.before,
    restoreInvalid: !!e.restore && invalid.has(e.restore),
    beforeInvalid: !!e.before && invalid.has(e.before),
    others,
  };
  if (!dbExists && (e.before || e.restore)) return { kind: 'missing', ...base };
  if (e.before) return { kind: 'after-swap', ...base };
  return { kind: 'before-swap', ...base };
}

export interface DbEntry {
  name: string;
  invalid: boolean;
}

/** Every database on the server (readable from any database); `invalid`: a DROP DATABASE was interrupted (datconnlimit -2). */
export async function databaseList(driver: Driver): Promise<DbEntry[]> {
  return driver.query<DbEntry>('SELECT datname AS name, datconnlimit = -2 AS invalid FROM pg_database');
}

// ---------------------------------------------------------------------------------------
// What to tell the user

export interface InterruptedRestoreArgs {
  target: DbTarget;
  backupDir: string;
  /** To spell --backup-dir in the suggested command only when it is not the default. */
  cwd?: string;
  /** An open session on the target (PostgreSQL: to find leftovers on the server even without a marker file). */
  driver?: Driver;
}

function commandFor(args: InterruptedRestoreArgs, flag: '--resume' | '--undo'): string {
  let cmd = `migratelint restore ${flag} --db ${args.target.display}`;
  if (args.target.kind === 'postgres' && args.cwd && path.resolve(args.cwd, DEFAULT_BACKUP_DIR) !== path.resolve(args.backupDir)) {
    const rel = path.relative(args.cwd, args.backupDir);
    cmd += ` --backup-dir ${rel && !rel.startsWith('..') ? rel : args.backupDir}`;
  }
  return cmd;
}

function shortFile(file: string, cwd?: string): string {
  if (!cwd) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/**
 * One line (for status, health and apply to print) when a restore of this database was
 * interrupted and not yet finished or undone, naming the exact command for each; undefined
 * when there is nothing to say. A restore still running says so instead. It changes nothing,
 * except that it deletes the marker of a restore that had finished when it was killed.
 */
export async function interruptedRestore(args: InterruptedRestoreArgs): Promise<string | undefined> {
  try {
    return await describeInterrupted(args);
  } catch (e) {
    // status and health must still run: say what could not be read.
    return `could not check for an interrupted restore of ${args.target.display}: ${(e as Error).message}`;
  }
}

async function describeInterrupted(args: InterruptedRestoreArgs): Promise<string | undefined> {
  const file = markerPath(args.target, args.backupDir);
  if (file) removeStaleTemporaries(file);
  const marker = file ? readMarker(file) : undefined;
  const resume = `"${commandFor(args, '--resume')}"`;
  const undo = `"${commandFor(args, '--undo')}"`;
  const what = marker ? `the restore of ${shortFile(marker.file, args.cwd)} into ${args.target.display}` : `a restore into ${args.target.display}`;
  const safety = marker?.safety ? ` (safety backup: ${shortFile(marker.safety, args.cwd)})` : '';
  if (marker && markerOwnerAlive(marker)) return `${what} is in progress (pid ${marker.pid}, since ${marker.startedAt})`;

  if (args.target.kind === 'pglite') {
    if (!args.target.dataDir) return undefined;
    if (!marker) return legacyPglite(args.target.dataDir, args, undo);
    const state = pgliteRestoreState(marker);
    const p = marker.pglite!;
    switch (state) {
      case 'done':
        // Finished; only a deletion of the old directory may have been cut short.
        if (fs.existsSync(p.trash)) return `${what} finished, but the old data directory was left half-deleted in ${path.basename(p.trash)}: delete it with ${resume}`;
        removeMarker(file!); // killed after its last step: nothing left to say
        return undefined;
      case 'untouched':
        return `${what} was interrupted before it changed anything: the database is as it was${safety}; run it again with ${resume}, or forget it with ${undo}`;
      case 'before-swap':
        return (
          `${what} was interrupted before the swap: ${p.hadDir ? 'the database is as it was' : 'there is no database yet'} and the ` +
          `${marker.phase === 'loading' ? 'half-loaded' : 'loaded'} copy ${path.basename(p.fresh)} is next to it${safety}; finish with ${resume} or undo with ${undo}`
        );
      case 'in-swap':
        return `${what} was interrupted while swapping directories: ${args.target.display} is MISSING (the old data is in ${path.basename(p.aside)}, the restored in ${path.basename(p.fresh)})${safety}; finish with ${resume} or undo with ${undo}`;
      case 'after-swap':
        return `${what} was interrupted after the swap: the database holds the restored data and the old one is still in ${path.basename(p.aside)}${safety}; finish (delete it) with ${resume} or put the old one back with ${undo}`;
    }
  }

  // PostgreSQL: the server says how far it got.
  let names: DbEntry[] | undefined;
  let current: string | undefined;
  let own: Driver | undefined;
  try {
    let driver = args.driver?.kind === 'postgres' ? args.driver : undefined;
    if (!driver && marker) {
      const { PgDriver } = await import('../drivers/pg.js');
      driver = own = await PgDriver.open(args.target as PostgresTarget, 'status');
    }
    if (driver) {
      names = await databaseList(driver);
      current = (await driver.query<{ db: string }>('SELECT current_database() AS db'))[0].db;
    }
  } catch {
    names = undefined;
  } finally {
    await own?.close().catch(() => {});
  }
  const db = marker?.postgres?.database ?? current;
  if (!names || !db) {
    if (!marker) return undefined;
    return `${what} was interrupted (${marker.phase}); the server could not be asked how far it got${safety}: finish with ${resume} or undo with ${undo}`;
  }
  const st = pgRestoreState(names, db, marker);
  const others = st.others.length ? `; older leftovers: ${st.others.join(', ')}` : '';
  switch (st.kind) {
    case 'none':
      if (!marker) return undefined;
      if (marker.phase !== 'loading') {
        removeMarker(file!); // finished (or undone), killed after its last step: nothing left to say
        return undefined;
      }
      return `${what} was interrupted before it changed anything: ${db} is as it was${safety}; run it again with ${resume}, or forget it with ${undo}`;
    case 'before-swap':
      return (
        `${what} was interrupted before the swap: ${db} is as it was and the ${marker && marker.stamp === st.stamp && marker.phase !== 'loading' && !st.restoreInvalid ? 'loaded' : 'half-made'} ` +
        `copy ${st.restoreDb} is left over${safety}${others}; finish with ${resume} or drop the copy with ${undo}`
      );
    case 'after-swap':
      if (st.beforeInvalid) {
        return `${what} was interrupted while dropping the old database: ${db} holds the restored data and the half-dropped ${st.beforeDb} is left over${safety}${others}; finish (drop it) with ${resume}`;
      }
      return `${what} was interrupted after the swap: ${db} holds the restored data and the old database is kept as ${st.beforeDb}${safety}${others}; finish (drop it) with ${resume} or put the old one back with ${undo}`;
    case 'missing':
      return `${what} was interrupted: database ${db} is MISSING (${[st.beforeDb && `old: ${st.beforeDb}`, st.restoreDb && `restored: ${st.restoreDb}`].filter(Boolean).join(', ')})${safety}; finish with ${resume} or undo with ${undo}`;
  }
}

/** A data directory moved aside by a migratelint from before the marker (one rename from being back). */
export function legacyAside(dataDir: string): string | undefined {
  if (fs.existsSync(dataDir)) return undefined;
  const parent = path.dirname(dataDir);
  const base = path.basename(dataDir);
  try {
    const aside = fs.readdirSync(parent).find((f) => f.startsWith(`${base}.before-restore-`));
    return aside ? path.join(parent, aside) : undefined;
  } catch {
    return undefined;
  }
}

function legacyPglite(dataDir: string, args: InterruptedRestoreArgs, undo: string): string | undefined {
  const aside = legacyAside(dataDir);
  if (!aside) return undefined;
  return `a restore into ${args.target.display} was interrupted while swapping directories: it is MISSING and the old data is in ${path.basename(aside)}; put it back with ${undo}`;
}
