import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import { sha256 } from '../sha256.js';

export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'migratelint');

interface Entry {
  /** Hash of the unit (paths, detected format) and the content of its files. */
  hash: string;
  /** Other files the result depends on (earlier Django migrations), with their content hashes. */
  deps: [string, string][];
  /** Null when the file was not a migration at all. */
  migration: Migration | null;
  findings: Finding[];
}

interface CacheFile {
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
    const text = flagged.has(file) ? textOf(file) : undefined;
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
  hits = 0;
  misses = 0;

  constructor(dir: string, runKey: string) {
    const key = sha256().update(runKey).digest('hex').slice(0, 16);
    this.file = path.join(dir, `lint-${key}.json`);
    let data: CacheFile | undefined;
    try {
      data = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      data = undefined;
    }
    this.old = data && data.key === runKey ? data.entries : {};
    this.runKey = runKey;
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
   * `depHash` gives the current content hash of another file, undefined when it cannot
   * be read; `textOf` the text of the unit's own files, just read to hash them.
   */
  get(
    unit: MigrationUnit,
    hash: string,
    depHash: (file: string) => string | undefined,
    textOf: (file: string) => string | undefined,
  ): Entry | undefined {
    const entry = this.old[unit.key];
    if (entry && entry.hash === hash && (entry.deps ?? []).every(([file, h]) => depHash(file) === h)) {
      this.hits++;
      this.fresh[unit.key] = entry;
      return revive(entry, textOf);
    }
    this.misses++;
    return undefined;
  }

  set(unit: MigrationUnit, hash: string, deps: [string, string][], migration: Migration | undefined, findings: Finding[]): void {
    const stored = migration && { ...migration, sources: new Map<string, string>() };
    this.fresh[unit.key] = { hash, deps, migration: stored ?? null, findings };
  }

  /** Writes the cache back, unless this run found it exactly as it was (every unit a hit, none gone). */
  save(): void {
    if (this.misses === 0 && Object.keys(this.old).length === this.hits) return;
    const replacer = (_: string, v: unknown) => (v instanceof Map ? [...v] : v);
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ key: this.runKey, entries: this.fresh }, replacer));
      fs.renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs speed next time.
    }
  }
}
