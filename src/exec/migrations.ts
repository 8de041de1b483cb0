import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from '../ir/types.js';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { loadMigrations } from '../plan/load.js';
import { UsageError } from '../errors.js';
import { sha256 as sha256Hash } from '../sha256.js';
import { buildPlan, migrationId, type MigrationPlan, type PlannedMigration } from '../plan/plan.js';
import { compareVersions } from '../plan/versions.js';

export { compareVersions };

/** A migration as the executor sees it: the IR plus its identity in the history table. */
export interface ExecMigration {
  /** The key in the history table: the plan's identity (src/plan/plan.ts `migrationId`). */
  id: string;
  version?: string;
  name?: string;
  /** The main (up) file, relative to the working directory. */
  file: string;
  /**
   * sha256 of the migration's files (up and down), line endings normalised and a BOM
   * dropped, as Flyway does: a checkout with git autocrlf is no drift, an edited down is.
   */
  checksum: string;
  /** What versions before this one recorded: sha256 of the main file's text as it is on disk. */
  legacyChecksum: string;
  migration: Migration;
  planned: PlannedMigration;
  /** Position in the plan: the framework's order. */
  index: number;
}

/** Hex SHA-256: the checksum of a migration file in the history table, of a plan and of a backup file. */
export function sha256(data: string | Buffer): string {
  return sha256Hash().update(data).digest('hex');
}

/** Where migrations live when no directory is named. */
export function resolveMigrationsDir(given: string | undefined, cwd: string): string {
  if (given !== undefined) {
    if (!fs.existsSync(path.resolve(cwd, given))) throw new UsageError(`${given}: no such file or directory`);
    return given;
  }
  for (const candidate of ['migrations', 'db/migrations']) {
    if (fs.existsSync(path.resolve(cwd, candidate))) return candidate;
  }
  throw new UsageError('no migrations directory found (pass one, e.g.: migratelint apply db/migrations)');
}

/** Compares history ids for display: numerically part by part where they are versions. */
export function compareIds(a: string, b: string): number {
  return compareVersions(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The migrations of a plan as the executor runs them, in the framework's order. */
export interface ExecPlan {
  migrations: ExecMigration[];
  /** What makes the order unknowable (duplicate ids, cycles, several heads): apply and rollback refuse. */
  problems: string[];
  /** Squashed-away Django migrations still on disk. */
  replaced: MigrationPlan['replaced'];
  /** Files written for another database, left out (`….mysql.up.sql`). */
  otherDatabases: string[];
  /** Whether each format's own history table is read and written too (config `nativeHistory`). */
  nativeHistory: boolean;
  /** The config's framework runner commands, per format. */
  runner: ResolvedConfig['runner'];
}

/** A migration that is only a down half (its up file is gone) is not something to apply. */
const isApplicable = (m: Migration) => !(m.up.state === 'missing' && m.down.state !== 'missing' && !m.up.file);

const normalised = (text: string) => text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

/** The checksum of a migration's content: every file it is read from, in order. */
function contentChecksum(m: Migration): string {
  const files = m.files.length ? m.files : [m.path];
  return sha256(files.map((f) => normalised(m.sources.get(f) ?? '')).join('\0'));
}

function toExec(p: PlannedMigration, index: number): ExecMigration {
  const m = p.migration;
  const text = m.sources.get(m.path) ?? m.sources.get(m.up.file ?? '') ?? '';
  return { id: p.id, version: m.version, name: m.name, file: m.path, checksum: contentChecksum(m), legacyChecksum: sha256(text), migration: m, planned: p, index };
}

/** Whether a checksum in the history is this migration's, as written now or by an earlier version. */
export function sameContent(stored: string, m: ExecMigration): boolean {
  return stored === m.checksum || stored === m.legacyChecksum;
}

/** Plans migrations (src/plan) and gives each its executor identity and checksum. */
export function execPlan(migrations: readonly Migration[], config: Partial<Pick<ResolvedConfig, 'nativeHistory' | 'runner'>> = {}): ExecPlan {
  const plan = buildPlan(migrations.filter(isApplicable));
  return {
    migrations: plan.items.map(toExec),
    problems: plan.problems.map((p) => `${p.file}: ${p.message}`),
    replaced: plan.replaced,
    otherDatabases: plan.otherDatabases,
    nativeHistory: config.nativeHistory ?? true,
    runner: config.runner ?? {},
  };
}

/**
 * One migration's executor identity and checksum, outside any plan (its place in the
 * order is unknown: index -1); undefined for a down file without its up.
 */
export function toExecMigration(m: Migration): ExecMigration | undefined {
  if (!isApplicable(m)) return undefined;
  return toExec({ id: migrationId(m), migration: m, format: m.format, file: m.path, after: [], repeatable: m.format === 'flyway' && m.version === undefined }, -1);
}

/** The executor's view of migrations whose plan has no problems; a plan problem is a usage error. */
export function toExecMigrations(migrations: readonly Migration[]): ExecMigration[] {
  const plan = execPlan(migrations);
  if (plan.problems.length) throw new UsageError(plan.problems.join('\n'));
  return plan.migrations;
}

/**
 * Reads the migrations under a directory into the IR without linting them, through the
 * loader lint uses, with the project's config (include/exclude, formats), and plans them.
 */
export async function loadExecPlan(dir: string, cwd: string): Promise<ExecPlan> {
  const config = await loadConfig({ cwd });
  return execPlan(await loadMigrations([dir], { cwd, config }), config);
}
