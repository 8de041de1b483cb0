import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Migration, MigrationFormat } from '../../../src/ir/types.js';
import type { PlannedMigration } from '../../../src/plan/plan.js';
import { buildPlan } from '../../../src/plan/plan.js';
import { loadMigrations } from '../../../src/plan/load.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const RUNNER_FIXTURES = path.join(ROOT, 'fixtures/runners');

const temps: string[] = [];

export function tempDir(prefix = 'mlt-runners-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Writes files (path → text) under dir; a text starting with "#!" is made executable. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (text.startsWith('#!')) fs.chmodSync(file, 0o755);
  }
  return dir;
}

/** The plan of a project folder, as every command builds it. */
export async function planOf(cwd: string): Promise<PlannedMigration[]> {
  const plan = buildPlan(await loadMigrations(['.'], { cwd }));
  if (plan.problems.length) throw new Error(plan.problems.map((p) => `${p.file}: ${p.message}`).join('\n'));
  return plan.items;
}

/** A planned migration made by hand, for plans with shapes the fixtures do not have. */
export function planned(format: MigrationFormat, file: string, id: string, parents: string[] = []): PlannedMigration {
  const graph = format === 'alembic' || format === 'django' ? { id, parents } : undefined;
  const migration = { path: file, format, graph } as unknown as Migration;
  return { id, migration, format, file, after: parents, repeatable: false };
}

/**
 * A copy of fixtures/runners/<name> in a temporary folder (so runs never write into the
 * checkout), with node_modules linked to the repository's, or to
 * $MIGRATELINT_TEST_RUNNERS_NODE_MODULES (a scratch install of the JavaScript tools).
 */
export function projectCopy(name: string): string {
  const dir = path.join(tempDir(`mlt-runner-${name}-`), name);
  fs.cpSync(path.join(RUNNER_FIXTURES, name), dir, { recursive: true });
  if (fs.existsSync(path.join(dir, 'package.json'))) {
    fs.symlinkSync(process.env.MIGRATELINT_TEST_RUNNERS_NODE_MODULES || path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  }
  return dir;
}

export const PG_URL = process.env.MIGRATELINT_TEST_PG_URL;

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(url, async (c) => (await c.query(sql, params)).rows as T[]);
}

const made: string[] = [];
let n = 0;

/** A new, empty database on the test server; its URL. */
export async function freshDatabase(tag: string): Promise<string> {
  const name = `mlt_runner_${tag.replace(/\W/g, '_')}_${process.pid}_${n++}`;
  await query(PG_URL!, `CREATE DATABASE ${name}`);
  made.push(name);
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabases(): Promise<void> {
  if (!PG_URL) return;
  for (const name of made.splice(0)) await query(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
