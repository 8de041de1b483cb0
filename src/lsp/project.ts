/**
 * One project as the language server sees it: the folder `migratelint lint` would run
 * from, its config, and the migrations beside each open file. A document is linted with
 * its partner (the other half of an up/down pair) and after the migrations before it, as
 * the CLI lints the folder holding it (or the config's `include`); the text of open
 * documents wins over the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import type { Rule } from '../../rules/kit/rule.js';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { formatMatcher, pathMatcher } from '../config/paths.js';
import { collectFiles, groupMigrations } from '../discover/index.js';
import { classifyPath } from '../discover/classify.js';
import { frontendNameFor } from '../formats/frontends.js';
import { setAsideOtherDatabases } from '../discover/project-database/index.js';
import { UnitLinter } from '../pipeline/unit-linter.js';
import { unitFiles } from '../pipeline/replay-run.js';
import { DEFAULT_PG_VERSION } from '../pg/version.js';
import { applyDownSetting } from '../engine/down-setting.js';
import { applyRisk, type RiskContext } from '../engine/risk.js';
import { readStatsFile } from '../stats/format.js';
import { resolveRisk } from '../stats/risk-settings.js';
import { HistoryLinter, type SourceFiles } from './history.js';

/** Open documents by absolute path: their text, and a serial that changes with every edit. */
export interface OpenFiles {
  get(file: string): { text: string; serial: number } | undefined;
}

/** What a lint of one file gives: the findings of its whole migration (both halves). */
export interface FileLint {
  /** Absolute paths of the migration's files (up, down). */
  files: string[];
  migration?: Migration;
  /** With `file` relative to the project's root, as the CLI reports them. */
  findings: Finding[];
  rules: readonly Rule[];
  pgVersion: number;
}

interface Loaded {
  config: ResolvedConfig;
  history: HistoryLinter;
  risk?: RiskContext;
  pgVersion: number;
}

/** A folder's migrations, and the files set aside as written for another database (as the CLI sets them aside). */
interface Discovered {
  units: MigrationUnit[];
  setAside: ReadonlySet<string>;
}

/** Why a project lints nothing: its config (or the statistics it names) cannot be used. */
export class ProjectProblem extends Error {}

/** Formats whose migration is a folder of its own: their history is the folder above. */
const FOLDER_PER_MIGRATION = new Set(['diesel', 'prisma']);

export class Project {
  private loading?: Promise<Loaded>;
  /** Units per discovery path (a folder, or the config's dir): walked once, again after files come or go. */
  private readonly discovered = new Map<string, Promise<Discovered>>();
  readonly files: SourceFiles;

  /**
   * Stamps of files on disk, when the editor reports every change to migration files
   * (`watched`): a lint then stats none of the earlier migrations' files, which with a few
   * hundred of them was a third of its time. Without a watcher each lint stats them all.
   */
  private readonly diskStamps = new Map<string, string>();

  constructor(
    readonly root: string,
    private readonly open: OpenFiles,
    private readonly watched = false,
  ) {
    this.files = {
      read: (file) => this.open.get(this.abs(file))?.text ?? fs.readFileSync(this.abs(file), 'utf8'),
      stamp: (file) => {
        const doc = this.open.get(this.abs(file));
        if (doc) return `open:${doc.serial}`;
        if (!this.watched) return this.diskStamp(file);
        let stamp = this.diskStamps.get(file);
        if (stamp === undefined) this.diskStamps.set(file, (stamp = this.diskStamp(file)));
        return stamp;
      },
    };
  }

  private diskStamp(file: string): string {
    try {
      const st = fs.statSync(this.abs(file));
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  abs(file: string): string {
    return path.resolve(this.root, file);
  }

  /** The config and a linter for it; rejects with a ProjectProblem when the config cannot be used. */
  load(): Promise<Loaded> {
    this.loading ??= this.loadNow();
    return this.loading;
  }

  private async loadNow(): Promise<Loaded> {
    let config: ResolvedConfig;
    try {
      config = await loadConfig({ cwd: this.root });
    } catch (e) {
      throw new ProjectProblem((e as Error).message);
    }
    let risk: RiskContext | undefined;
    if (config.stats) {
      try {
        risk = { stats: readStatsFile(config.stats), settings: resolveRisk(config.risk) };
      } catch (e) {
        throw new ProjectProblem(`${(e as Error).message}${config.file ? ` (named by "stats" in ${config.file})` : ''}`);
      }
    }
    let linter: UnitLinter;
    try {
      linter = new UnitLinter({ config });
    } catch (e) {
      throw new ProjectProblem(`${config.file ?? 'config'}: ${(e as Error).message}`);
    }
    return { config, history: new HistoryLinter(linter), risk, pgVersion: config.pgVersion ?? DEFAULT_PG_VERSION };
  }

  /** The config file changed: read it again (and so every migration, whose findings depend on it). */
  reload(): void {
    this.loading = undefined;
    this.filesChanged();
  }

  /** Files changed, came or went on disk: walk the folders and look at the files again. */
  filesChanged(): void {
    this.discovered.clear();
    this.diskStamps.clear();
  }

  /**
   * Lints the migration `file` (absolute) belongs to; undefined when the CLI would not lint
   * it (not a migration file type, left out by the config's include/exclude, or set aside
   * as written for another database).
   */
  async lintFile(file: string): Promise<FileLint | undefined> {
    const rel = path.relative(this.root, file);
    if (!frontendNameFor(rel) || rel.startsWith('..')) return undefined;
    const loaded = await this.load();
    const { config, history } = loaded;
    const selected = pathMatcher(config, this.root);
    if (selected && !selected(rel)) return undefined;
    const units = await this.unitsAround(rel, config);
    if (!units) return undefined;
    const target = units.find((u) => unitFiles(u).includes(rel));
    if (!target) return undefined;
    const { migration, findings } = await history.lint(units, target, this.files);
    // As the CLI's collector does: table statistics first, then the `down` setting.
    const shown = applyDownSetting(applyRisk(findings, loaded.risk), config.down).findings;
    const files = unitFiles(target)
      .filter((f): f is string => !!f)
      .map((f) => this.abs(f));
    return { files: [...new Set(files)], migration, findings: shown, rules: history.linter.rules, pgVersion: loaded.pgVersion };
  }

  /** The units of the folder `rel` lies in (or of the config's include), `rel` among them even when not yet on disk. */
  private async unitsAround(rel: string, config: ResolvedConfig): Promise<MigrationUnit[] | undefined> {
    const where = this.discoveryPath(rel, config);
    let found = this.discovered.get(where);
    if (!found) {
      found = this.discover(where, config);
      this.discovered.set(where, found);
      // A failed walk (the folder went away) is tried again next time.
      found.catch(() => this.discovered.delete(where));
    }
    const { units, setAside } = await found;
    if (setAside.has(rel)) return undefined;
    if (units.some((u) => unitFiles(u).includes(rel))) return units;
    // A new file the editor has not saved yet: grouped with the others as if it were on disk.
    const files = [...new Set([...units.flatMap((u) => unitFiles(u).filter((f): f is string => !!f)), rel])];
    return groupMigrations(files, this.root, formatMatcher(config, this.root));
  }

  private discoveryPath(rel: string, config: ResolvedConfig): string {
    if (config.include?.length) return path.relative(this.root, config.dir) || '.';
    const dir = path.dirname(rel);
    return FOLDER_PER_MIGRATION.has(classifyPath(rel).format) ? path.dirname(dir) : dir;
  }

  private async discover(where: string, config: ResolvedConfig): Promise<Discovered> {
    const selected = pathMatcher(config, this.root);
    const files = fs.existsSync(this.abs(where)) ? await collectFiles([where], { cwd: this.root, filter: selected }) : [];
    const all = groupMigrations(files, this.root, formatMatcher(config, this.root));
    if (config.dialect === 'postgresql') return { units: all, setAside: new Set() };
    const { units } = await setAsideOtherDatabases(all, this.root);
    const kept = new Set(units);
    const setAside = new Set(all.filter((u) => !kept.has(u)).flatMap((u) => unitFiles(u).filter((f): f is string => !!f)));
    return { units, setAside };
  }
}
