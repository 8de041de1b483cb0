import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint } from '../../src/lint.js';
import type { Migration } from '../../src/ir/types.js';
import { TrialDatabase, templateDir } from '../../src/validate/trial-db.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLEAN = path.join(ROOT, 'fixtures/validate/clean');
export const BROKEN = path.join(ROOT, 'fixtures/validate/broken');

const made: string[] = [];

/** A throwaway folder with these files. */
export function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-validate-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A copy of a fixture repository in a throwaway folder. */
export function copyOf(fixture: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-validate-ws-'));
  made.push(dir);
  fs.cpSync(fixture, dir, { recursive: true });
  return dir;
}

export function cleanup(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The IR of a throwaway project, as validate sees it (paths relative to the project). */
export async function migrationsOf(files: Record<string, string>): Promise<{ cwd: string; migrations: Migration[] }> {
  const cwd = project(files);
  const result = await lint(['.'], { cwd });
  return { cwd, migrations: result.migrations };
}

/** An empty PGlite data directory (a copy of the trial's template), for a --db target. */
export async function pgliteDataDir(): Promise<string> {
  const template = await templateDir();
  if (!template) throw new Error('no PGlite template');
  const dir = path.join(project({}), 'db');
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

let shared: Promise<TrialDatabase> | undefined;

/**
 * One embedded database per test file (each costs ~0.4 s and ~300 MB); the trial empties
 * it before each use. Loaded with the contrib extensions the tests create.
 */
export function sharedTrialDb(): Promise<TrialDatabase> {
  shared ??= TrialDatabase.create(['citext', 'uuid-ossp', 'pgcrypto']);
  return shared;
}

export async function closeSharedTrialDb(): Promise<void> {
  if (shared) await (await shared).close();
  shared = undefined;
}

/** A golang-migrate pair (`migrations/<v>_<name>.up.sql`, and its down when given), as project files. */
export const gm = (v: string, name: string, up: string, down?: string): Record<string, string> => ({
  [`migrations/${v}_${name}.up.sql`]: up,
  ...(down === undefined ? {} : { [`migrations/${v}_${name}.down.sql`]: down }),
});
