import type { Driver } from '../exec/drivers/types.js';
import { quoteLiteral } from '../exec/sql.js';
import { changeLogSetup, changesSql } from './change-log.js';
import { DEPENDENTS_SQL, SNAPSHOT_LISTS, STAMPS_SQL, snapshotSql, toObject } from './snapshot-query.js';
import type { Snapshot } from './snapshot.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SNAPSHOT = 'migratelint_snapshot';
const PARTIAL = 'migratelint_snapshot_partial';
const STAMPS = 'migratelint_snapshot_stamps';
const DEPENDENTS = 'migratelint_snapshot_dependents';
const CHANGES = 'migratelint_snapshot_changes';
/**
 * How many recent snapshots a new one may be built from: after the up, after the down, and
 * the one before the up (the schema again when the cycle's transaction is rolled back
 * whole, to run the migration step by step).
 */
const RECENT = 3;

/** What STAMPS_SQL returns: the global stamp and one per relation, function and type (oid → stamp). */
interface Stamps {
  g: string;
  r: Map<number, string>;
  p: Map<number, string>;
  t: Map<number, string>;
}

/** Where the change log stood when a snapshot was taken (see change-log.ts). */
interface LogMark {
  g: string;
  /** The last entry id handed out. */
  max: number;
  /** The newest entry there was (0: none). */
  last: number;
}

/** The change log as read for a new snapshot: its mark, and what the base is chosen by. */
interface LogState extends LogMark {
  /** Of the recent snapshots' `last` entries, those still there. */
  alive: Set<number>;
  /** The entries after the floor it was read from, and their owners. */
  entries: Map<number, string | null>;
}

/** A snapshot and what the next one is built from. */
interface Taken {
  snapshot: Snapshot;
  /** Read with the stamps query (no change log). */
  stamps?: Stamps;
  /** Read with the change log. */
  log?: LogMark;
  /** The keys of the snapshot's objects by owner: `r<oid>`, `p<oid>`, `t<oid>`, and `g` for schemas and extensions. */
  owners: Map<string, string[]>;
}

/** Which owner a row of a list belongs to. */
const OWNER_PREFIX: Record<(typeof SNAPSHOT_LISTS)[number], string> = {
  schemas: 'g',
  extensions: 'g',
  relations: 'r',
  columns: 'r',
  indexes: 'r',
  constraints: 'r',
  types: 't',
  functions: 'p',
  triggers: 'r',
  policies: 'r',
};

/**
 * Reads snapshots through prepared statements: planning the catalog query costs about as
 * much as running it. After the first, each snapshot describes again only what changed
 * since the one before and keeps the rest; the trial takes two per migration, and a
 * migration changes few objects. What changed comes from the change log when there is one
 * (change-log.ts: what DDL touched, as PostgreSQL reports it), else from the catalog
 * stamps (snapshot-query.ts: a scan of every catalog row the descriptions are made of). A
 * migration that deallocates the statements (DISCARD ALL) gets them prepared again.
 */
export class SnapshotReader {
  private prepared = false;
  /** The latest snapshots, newest first: what the next one is built from. */
  private recent: Taken[] = [];
  /** How the snapshots were made, for the benchmark: full reads, partial reads, unchanged. */
  readonly counts = { full: 0, partial: 0, unchanged: 0 };

  /** The change log's schema while the log works (its setup can fail: not a superuser). */
  private logSchema: string | undefined;
  /** The next snapshot reads everything: the catalogs changed without the log seeing it. */
  private distrusted = false;
  /** Each index the snapshots described, and its table: where a dropped index's entry goes. */
  private readonly indexTable = new Map<number, number>();

  constructor(
    private readonly driver: Driver,
    private readonly ignoreSchemas: readonly string[] = [],
    /** False: every snapshot reads everything (what the incremental one is checked against). */
    private readonly incremental = true,
    /**
     * The schema to keep a change log in (event triggers, change-log.ts): snapshots then
     * describe again what the log names, without the stamps query. It must be among
     * `ignoreSchemas`.
     */
    private readonly changeLog?: string,
  ) {}

  /** Whether snapshots follow the change log (its event triggers could be made). */
  get followsLog(): boolean {
    return this.logSchema !== undefined;
  }

  /** The next snapshot reads everything: something changed the catalogs that the log does not see. */
  distrust(): void {
    this.distrusted = true;
  }

  /**
   * Prepares the statements now. Inside a transaction a failed PREPARE (the name taken by
   * an earlier reader on this session) would abort it, so the trial prepares before.
   */
  async prepare(): Promise<void> {
    const list = `ARRAY[${this.ignoreSchemas.map((s) => quoteLiteral(s)).join(', ')}]::text[]`;
    await this.prepareOne(SNAPSHOT, ` AS ${snapshotSql(false).replace('%IGNORE%', list)}`);
    if (this.incremental) {
      await this.prepareOne(PARTIAL, `(oid[], oid[], oid[]) AS ${snapshotSql(true).replace('%IGNORE%', list)}`);
      await this.prepareOne(STAMPS, ` AS ${STAMPS_SQL.replace('%IGNORE%', list)}`);
      await this.prepareOne(DEPENDENTS, `(oid[], oid[], oid[]) AS ${DEPENDENTS_SQL}`);
      if (this.changeLog && !this.prepared) await this.setUpLog(this.changeLog);
      if (this.logSchema) await this.prepareOne(CHANGES, `(bigint, bigint[]) AS ${changesSql(this.logSchema)}`);
    }
    this.prepared = true;
  }

  /** Makes the change log; without it (no right to make event triggers) the stamps query serves. */
  private async setUpLog(schema: string): Promise<void> {
    try {
      await this.driver.execute(changeLogSetup(schema));
      this.logSchema = schema;
    } catch {
      this.logSchema = undefined;
    }
  }

  private async prepareOne(name: string, rest: string): Promise<void> {
    const sql = `PREPARE ${name}${rest}`;
    try {
      await this.driver.execute(sql);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P05') throw e; // duplicate_prepared_statement: another reader's
      await this.driver.execute(`DEALLOCATE ${name}`);
      await this.driver.execute(sql);
    }
  }

  private async run(sql: string): Promise<string> {
    if (!this.prepared) await this.prepare();
    const once = async () => Object.values((await this.driver.query<Record<string, string>>(sql))[0])[0];
    try {
      return await once();
    } catch (e) {
      if ((e as { code?: string }).code !== '26000') throw e; // invalid_sql_statement_name: deallocated
      await this.prepare();
      return once();
    }
  }

  private async stamps(): Promise<Stamps> {
    const raw = JSON.parse(await this.run(`EXECUTE ${STAMPS}`));
    const map = (pairs: [number, string][]) => new Map(pairs);
    return { g: raw.g, r: map(raw.r), p: map(raw.p), t: map(raw.t) };
  }

  async take(): Promise<Snapshot> {
    if (this.incremental && !this.prepared) await this.prepare();
    if (this.logSchema) return this.takeFromLog();
    const stamps = this.incremental ? await this.stamps() : undefined;
    const base = stamps && this.closest(stamps);
    if (!stamps || !base) return this.full({ stamps });
    return this.build(base.last, base.changed, base.gone, { stamps });
  }

  /** A snapshot built from the one the change log shows the fewest changes since. */
  private async takeFromLog(): Promise<Snapshot> {
    const floor = this.recent.length ? Math.min(...this.recent.map((t) => t.log?.max ?? 0)) : 0;
    const log = await this.changes(floor, this.recent.map((t) => t.log?.last ?? 0));
    const base = this.distrusted ? undefined : this.closestByLog(log);
    this.distrusted = false;
    if (!base) return this.full({ log });
    return this.build(base.last, base.changed, [], { log });
  }

  private async changes(floor: number, lasts: number[]): Promise<LogState> {
    const raw = JSON.parse(await this.run(`EXECUTE ${CHANGES}(${floor}, '{${lasts.join(',')}}')`));
    return {
      g: raw.g,
      max: Number(raw.max),
      last: Number(raw.last),
      alive: new Set((raw.alive as number[]).map(Number)),
      entries: new Map((raw.e as [number, string | null][]).map(([id, owner]) => [Number(id), owner])),
    };
  }

  /**
   * Of the recent snapshots, the one the log shows the fewest changes since, and which
   * owners changed: those of the entries made since. A rollback takes entries back newest
   * first, so a snapshot whose newest entry is gone may have seen others that are (a
   * rollback to before it) and is not a base; one whose newest entry is there saw nothing
   * that is gone. Undefined when none is a base (schemas, extensions, roles or search_path
   * changed since each), or when the log names a change it cannot place (`x`).
   */
  private closestByLog(now: LogState) {
    let best: { last: Taken; changed: Record<'r' | 'p' | 't', number[]> } | undefined;
    let bestSize = Infinity;
    candidates: for (const last of this.recent) {
      const then = last.log;
      if (!then || then.g !== now.g || (then.last > 0 && !now.alive.has(then.last))) continue;
      const owners = new Set<string>();
      for (const [id, owner] of now.entries) if (id > then.max && owner) owners.add(owner);
      const changed = { r: new Set<number>(), p: new Set<number>(), t: new Set<number>() };
      for (const owner of owners) {
        const kind = owner[0];
        const oid = Number(owner.slice(1));
        if (kind === 'r' || kind === 'p' || kind === 't') changed[kind].add(oid);
        // Schemas and extensions as they were (the global stamps are equal): every partial
        // describes them again anyway.
        else if (kind === 'g') continue;
        else if (kind === 'i') {
          // A dropped index is its table's change. One no snapshot described was made since
          // (an index backing a constraint goes with the constraint's or the table's entry).
          const table = this.indexTable.get(oid);
          if (table !== undefined) changed.r.add(table);
        } else continue candidates;
      }
      const size = changed.r.size + changed.p.size + changed.t.size;
      if (size < bestSize) {
        best = { last, changed: { r: [...changed.r], p: [...changed.p], t: [...changed.t] } };
        bestSize = size;
      }
    }
    return best;
  }

  /** A snapshot from `last` with these owners described again and those gone left out. */
  private async build(last: Taken, changed: Record<'r' | 'p' | 't', number[]>, gone: string[], state: Pick<Taken, 'stamps' | 'log'>): Promise<Snapshot> {
    if (!changed.r.length && !changed.p.length && !changed.t.length && !gone.length) {
      this.counts.unchanged++;
      this.remember({ ...last, stamps: state.stamps, log: state.log });
      return last.snapshot;
    }
    this.counts.partial++;
    const snapshot: Snapshot = new Map(last.snapshot);
    const owners = new Map(last.owners);
    for (const owner of gone) this.forget(owner, snapshot, owners);
    const described = await this.describe(changed.r, changed.p, changed.t, snapshot, owners);
    // What names a renamed object reads differently now (a view, a foreign key, a trigger).
    const renamed = renames(described, last, snapshot, owners);
    if (renamed.r.length || renamed.p.length || renamed.t.length) {
      const list = (oids: number[]) => `'{${oids.join(',')}}'`;
      const [r, p, t] = JSON.parse(await this.run(`EXECUTE ${DEPENDENTS}(${list(renamed.r)}, ${list(renamed.p)}, ${list(renamed.t)})`)) as number[][];
      const fresh = (prefix: string, oids: number[]) => oids.filter((o) => !described.has(`${prefix}${o}`));
      await this.describe(fresh('r', r), fresh('p', p), fresh('t', t), snapshot, owners);
    }
    this.remember({ snapshot, owners, stamps: state.stamps, log: state.log });
    return snapshot;
  }

  /**
   * Of the recent snapshots, the one these stamps differ least from, and how. The trial
   * rolls the down back (to a savepoint after the up): the schema then is the one read
   * after the up, not the one read after the down.
   */
  private closest(stamps: Stamps) {
    let best: { last: Taken; changed: Record<'r' | 'p' | 't', number[]>; gone: string[] } | undefined;
    for (const last of this.recent) {
      if (!last.stamps || last.stamps.g !== stamps.g) continue;
      const changed = { r: changes(last.stamps.r, stamps.r), p: changes(last.stamps.p, stamps.p), t: changes(last.stamps.t, stamps.t) };
      const gone = [...dropped('r', last.stamps.r, stamps.r), ...dropped('p', last.stamps.p, stamps.p), ...dropped('t', last.stamps.t, stamps.t)];
      const size = (b: NonNullable<typeof best>) => b.changed.r.length + b.changed.p.length + b.changed.t.length + b.gone.length;
      const candidate = { last, changed, gone };
      if (!best || size(candidate) < size(best)) best = candidate;
    }
    return best;
  }

  private remember(taken: Taken): void {
    // Only the mark is compared later: the entries read for this snapshot are not kept.
    const log = taken.log && { g: taken.log.g, max: taken.log.max, last: taken.log.last };
    this.recent = [{ ...taken, log }, ...this.recent].slice(0, RECENT);
  }

  /** Describes these owners again (and the schemas and extensions), in place; returns the owners described. */
  private async describe(r: number[], p: number[], t: number[], snapshot: Snapshot, owners: Map<string, string[]>): Promise<Set<string>> {
    const list = (oids: number[]) => `'{${oids.join(',')}}'`;
    const raw = JSON.parse(await this.run(`EXECUTE ${PARTIAL}(${list(r)}, ${list(p)}, ${list(t)})`));
    const described = new Set(['g', ...r.map((o) => `r${o}`), ...p.map((o) => `p${o}`), ...t.map((o) => `t${o}`)]);
    for (const owner of described) this.forget(owner, snapshot, owners);
    addRows(raw, snapshot, owners, this.indexTable);
    return described;
  }

  private forget(owner: string, snapshot: Snapshot, owners: Map<string, string[]>): void {
    for (const key of owners.get(owner) ?? []) snapshot.delete(key);
    owners.delete(owner);
  }

  private async full(state: Pick<Taken, 'stamps' | 'log'>): Promise<Snapshot> {
    this.counts.full++;
    const raw = JSON.parse(await this.run(`EXECUTE ${SNAPSHOT}`));
    const snapshot: Snapshot = new Map();
    const owners = new Map<string, string[]>();
    addRows(raw, snapshot, owners, this.indexTable);
    if (state.stamps || state.log) this.remember({ snapshot, owners, ...state });
    return snapshot;
  }
}

/** Oids whose stamp is new or different. */
function changes(before: Map<number, string>, now: Map<number, string>): number[] {
  const out: number[] = [];
  for (const [oid, stamp] of now) if (before.get(oid) !== stamp) out.push(oid);
  return out;
}

/** A relation's column names by number (attnum), from its objects' keys. */
function columnNames(keys: readonly string[], snapshot: Snapshot): Map<number, string> {
  const out = new Map<number, string>();
  for (const key of keys) {
    const o = snapshot.get(key);
    if (o?.kind === 'column' && o.order !== undefined) out.set(o.order, o.name);
  }
  return out;
}

/**
 * The owners described again that existed before under another name: a function or type
 * whose key changed, a relation whose own key changed or with a column (by number) of
 * another name.
 */
function renames(described: ReadonlySet<string>, last: Taken, snapshot: Snapshot, owners: Map<string, string[]>): { r: number[]; p: number[]; t: number[] } {
  const out = { r: [] as number[], p: [] as number[], t: [] as number[] };
  for (const owner of described) {
    const before = last.owners.get(owner);
    const now = owners.get(owner);
    if (owner === 'g' || !before || !now) continue;
    const kind = owner[0] as 'r' | 'p' | 't';
    let renamed: boolean;
    if (kind !== 'r') renamed = before[0] !== now[0];
    else {
      const relKey = (keys: string[]) => keys.find((k) => k.startsWith('rel '));
      renamed = relKey(before) !== relKey(now);
      if (!renamed) {
        const was = columnNames(before, last.snapshot);
        for (const [num, name] of columnNames(now, snapshot)) if (was.has(num) && was.get(num) !== name) renamed = true;
      }
    }
    if (renamed) out[kind].push(Number(owner.slice(1)));
  }
  return out;
}

/** Owners that no longer exist. */
function dropped(prefix: string, before: Map<number, unknown>, now: Map<number, unknown>): string[] {
  const out: string[] = [];
  for (const oid of before.keys()) if (!now.has(oid)) out.push(`${prefix}${oid}`);
  return out;
}

function addRows(raw: any, snapshot: Snapshot, owners: Map<string, string[]>, indexTable: Map<number, number>): void {
  for (const list of SNAPSHOT_LISTS) {
    for (const row of raw[list] as any[]) {
      if (list === 'indexes') indexTable.set(Number(row.x), Number(row.o));
      const object = toObject(list, row);
      if (!object) continue;
      snapshot.set(object[0], object[1]);
      const owner = OWNER_PREFIX[list] === 'g' ? 'g' : `${OWNER_PREFIX[list]}${row.o}`;
      const keys = owners.get(owner);
      if (keys) keys.push(object[0]);
      else owners.set(owner, [object[0]]);
    }
  }
}

/** Reads the schema of the database the driver is connected to. */
export async function takeSnapshot(driver: Driver, ignoreSchemas: readonly string[] = []): Promise<Snapshot> {
  return new SnapshotReader(driver, ignoreSchemas, false).take();
}
