import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import { sha256 } from '../sha256.js';
import type { StatementEvents } from '../schema/events.js';
import { isCacheFile, isEntry } from './cache-shape.js';

/** The cache folder of a Node project (where tools keep theirs); the library's default. */
export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'migratelint');

/** Outside a Node project: beside migratelint's other state, never a node_modules/ of its own making. */
export const STATE_CACHE_DIR = path.join('.migratelint', 'cache');

/** Where `--cache` keeps results for a run from `cwd`: node_modules/.cache in a Node project, else .migratelint/cache. */
export function defaultCacheDir(cwd: string): string {
  const nodeProject = fs.existsSync(path.join(cwd, 'package.json')) || fs.existsSync(path.join(cwd, 'node_modules'));
  return nodeProject ? DEFAULT_CACHE_DIR : STATE_CACHE_DIR;
}

type DiscardListener = (file: string, reason: string) => void;
const discardListeners = new Set<DiscardListener>();

/**
 * Hears about cache files that were malformed and so discarded (the run goes on without
 * them and writes a new one). The CLI prints one line; the library stays quiet.
 * Returns the function that stops listening.
 */
export function onCacheDiscarded(listener: DiscardListener): () => void {
  discardListeners.add(listener);
  return () => discardListeners.delete(listener);
}

/** A file's text as the frontends see it: they drop a leading BOM, so cached ranges count without one. */
const withoutBom = (text: string | undefined) => (text !== undefined && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

export interface Entry {
  /** Hash of the unit (paths, detected format) and the content of its files. */
  hash: string;
  /** Other files the result depends on (earlier Django migrations), with their content hashes. */
  deps: [string, string][];
  /** Null when the file was not a migration at all. */
  migration: Migration | null;
  findings: Finding[];
  /** Whether it was linted (else it only fed the schema model of a `--changed-since` run, and `findings` is empty). */
  linted: boolean;
  /** What the migrations before it in the plan were (`LintCache.prefix`): its findings hold only after the same ones. */
  prefix: string;
  /** Its up section's schema events, so a later run feeds the model without reading it. */
  schema: StatementEvents[];
}

export interface CacheFile {
  key: string;
  entries: Record<string, Entry>;
}

/**
 * An entry as the run uses it. The cache stores no file text (it would double its
 * size): the files were just read to hash them, and the flagged ones' text is put back.
 */
function revive(entry: Entry, textOf: (file: string) => string | undefined): Entry {
  if (!entry.migration) return entry;
  const flagged = new Set(entry.findings.map((f) => f.file));
  const sources = new Map<string, string>();
  for (const file of entry.migration.files) {
    // Fingerprints and code frames slice this text by the cached ranges: it must be the
    // text those ranges were computed on, or a file with a BOM gets other fingerprints warm.
    const text = flagged.has(file) ? withoutBom(textOf(file)) : undefined;
    if (text !== undefined) sources.set(file, text);
  }
  return { ...entry, migration: { ...entry.migration, sources } };
}

/**
 * A content-hash cache of lint results per migration. One file per run key (tool
 * version + everything in the config that changes results), so changing the config
 * or upgrading migratelint starts afresh; entries of files no longer linted are dropped
 * when the cache is saved.
 */
export class LintCache {
  private readonly file: string;
  private readonly old: Record<string, Entry>;
  private readonly fresh: Record<string, Entry> = {};
  private readonly runKey: string;
  /** Set when the file was malformed: it is rewritten even if nothing changed. */
  private malformed = false;
  hits = 0;
  /** Units linted afresh. */
  misses = 0;
  /** Entries written this run (linted, or read only for the schema model). */
  private written = 0;

  constructor(dir: string, runKey: string) {
    const key = sha256().update(runKey).digest('hex').slice(0, 16);
    this.file = path.join(dir, `lint-${key}.json`);
    this.runKey = runKey;
    this.old = this.read();
  }

  /** The stored entries of this run key; none when the file is missing, of another key, or malformed (then discarded). */
  private read(): Record<string, Entry> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return {};
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return this.discard('not valid JSON');
    }
    if (!isCacheFile(data)) return this.discard('not a migratelint cache');
    if (data.key !== this.runKey) return {};
    // Checked whole before any is used: a result read back wrong would crash a reporter, or lie.
    if (!Object.values(data.entries).every(isEntry)) return this.discard('an entry of the wrong shape');
    return data.entries;
  }

  private discard(reason: string): Record<string, Entry> {
    this.malformed = true;
    for (const listener of discardListeners) listener(this.file, reason);
    return {};
  }

  static hashText(text: string): string {
    return sha256().update(text).digest('hex');
  }

  static hashUnit(unit: MigrationUnit, contents: (string | undefined)[]): string {
    const h = sha256().update(JSON.stringify(unit));
    for (const c of contents) h.update('\0').update(c ?? '\u0000missing');
    return h.digest('hex');
  }

  /**
   * What the migrations before one in the plan left in the schema model, folded in
   * order: each one's name, whether it belongs to the change set, and its schema events.
   * A result depends on them through the model; editing an earlier migration's data
   * statements or comments leaves later results cached.
   */
  static prefix(before: string, label: string, fresh: boolean, events: readonly StatementEvents[]): string {
    return sha256().update(before).update('\0').update(label).update(fresh ? '\0+' : '\0-').update(JSON.stringify(events)).digest('hex');
  }

  /**
   * The entry of a unit whose files, and the other files its result depends on, are
   * unchanged (`depHash` gives a file's current content hash, undefined when it cannot
   * be read). Its schema events hold; its findings only after the same migrations
   * (`usable`).
   */
  find(unit: MigrationUnit, hash: string, depHash: (file: string) => string | undefined): Entry | undefined {
    const entry = this.old[unit.key];
    return entry && entry.hash === hash && (entry.deps ?? []).every(([file, h]) => depHash(file) === h) ? entry : undefined;
  }

  /** Whether a found entry's findings hold for a run where the migrations before it fold to `prefix`. */
  static usable(entry: Entry, prefix: string): boolean {
    return entry.linted && entry.prefix === prefix;
  }

  /** Takes a found entry's findings (a hit); `textOf` gives the text of the unit's own files, just read to hash them. */
  hit(unit: MigrationUnit, entry: Entry, textOf: (file: string) => string | undefined): Entry {
    this.hits++;
    this.fresh[unit.key] = entry;
    return revive(entry, textOf);
  }

  /** Keeps a found entry for its schema events alone (a migration only feeding the model). */
  keep(unit: MigrationUnit, entry: Entry): void {
    this.fresh[unit.key] = entry;
  }

  set(unit: MigrationUnit, hash: string, deps: [string, string][], migration: Migration | undefined, findings: Finding[], replay: Pick<Entry, 'linted' | 'prefix' | 'schema'>): void {
    if (replay.linted) this.misses++;
    this.written++;
    const stored = migration && { ...migration, sources: new Map<string, string>() };
    this.fresh[unit.key] = { hash, deps, migration: stored ?? null, findings, ...replay };
  }

  /** Writes the cache back, unless this run found it exactly as it was (every unit a hit, none gone). */
  save(): void {
    if (!this.malformed && this.misses === 0 && Object.keys(this.old).length === this.hits) return;
    const replacer = (_: string, v: unknown) => (v instanceof Map ? [...v] : v);
    try {
      const dir = path.dirname(this.file);
      if (!fs.existsSync(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        // A folder of our making: keep it out of git, whatever the project's .gitignore says.
        fs.writeFileSync(path.join(dir, '.gitignore'), '*\n');
      }
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ key: this.runKey, entries: this.fresh }, replacer));
      fs.renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs speed next time.
    }
  }
}
