/**
 * What the runners share: finding a project's folders and executables (PATH, the
 * project's node_modules/.bin as `npx --no-install` would, a virtualenv, the Python
 * that can import a framework) and the plan neighbours of a migration.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { folderOf, type PlannedMigration } from '../../plan/plan.js';
import type { Located, StepContext } from './types.js';

/** The migration's folder, absolute. */
export const folderAbs = (m: PlannedMigration, cwd: string): string => path.resolve(cwd, folderOf(m.migration));

/** The migration's file name (with its extension). */
export const fileName = (m: PlannedMigration): string => path.basename(m.file);

/** A path relative to the step's workdir, with forward slashes ('.' for the workdir itself). */
export function relFromWorkdir(at: StepContext, target: string): string {
  const rel = path.relative(at.workdir, path.resolve(at.cwd, target));
  return rel ? rel.split(path.sep).join('/') : '.';
}

/** The first folder from `start` upward that holds one of `names`; undefined when none does. */
export function findUp(start: string, names: readonly string[]): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (names.some((n) => fs.existsSync(path.join(dir, n)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The migrations of `m`'s folder and format, in plan order (Django: every app). */
export function groupOf(m: PlannedMigration, plan: readonly PlannedMigration[]): PlannedMigration[] {
  if (m.format === 'django') return plan.filter((p) => p.format === 'django');
  const folder = folderOf(m.migration);
  return plan.filter((p) => p.format === m.format && folderOf(p.migration) === folder);
}

/** The migration just before `m` in its group, for tools that roll back "to" a name. */
export function previousInGroup(m: PlannedMigration, plan: readonly PlannedMigration[]): PlannedMigration | undefined {
  const group = groupOf(m, plan);
  const i = group.findIndex((p) => p.id === m.id);
  return i > 0 ? group[i - 1] : undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every executable called `command` along PATH, in PATH order. */
export function whichAll(command: string, env: NodeJS.ProcessEnv): string[] {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  const found: string[] = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, command + ext);
      if (!found.includes(file) && isExecutable(file)) found.push(file);
    }
  }
  return found;
}

/** The absolute path `command` runs: a path (relative to `base`) as is, a bare name from PATH. */
export function which(command: string, env: NodeJS.ProcessEnv, base: string): string | undefined {
  if (command.includes('/') || command.includes(path.sep)) {
    const file = path.resolve(base, command);
    return isExecutable(file) ? file : undefined;
  }
  return whichAll(command, env)[0];
}

/**
 * A JavaScript tool's binary as `npx --no-install` finds it: node_modules/.bin from the
 * workdir upward (then from the project folder), else on PATH.
 */
export function nodeBin(bin: string, at: StepContext, env: NodeJS.ProcessEnv): string | undefined {
  for (const start of new Set([at.workdir, at.cwd])) {
    let dir = path.resolve(start);
    for (;;) {
      const file = path.join(dir, 'node_modules', '.bin', bin);
      if (isExecutable(file)) return file;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return which(bin, env, at.workdir);
}

/** Default-command lookup for a JavaScript tool: its binary, else the install line. */
export function locateNodeBin(bin: string, install: string, at: StepContext, env: NodeJS.ProcessEnv): Located {
  const file = nodeBin(bin, at, env);
  return file ? { argv: [file] } : { refusal: `${bin} not found in node_modules/.bin (from ${at.workdir} upward) or on PATH: ${install}` };
}

const probes = new Map<string, boolean>();

/** Whether `argv` runs and exits 0 (cached for the process: a probe costs a Python start-up). */
export function probe(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): boolean {
  const key = JSON.stringify([argv, cwd, env.PATH ?? '', env.VIRTUAL_ENV ?? '']);
  let ok = probes.get(key);
  if (ok === undefined) {
    const r = spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: 'ignore', timeout: 30_000 });
    ok = !r.error && r.status === 0;
    probes.set(key, ok);
  }
  return ok;
}

/** Forgets probe results (tests that install or remove tools). */
export function clearProbeCache(): void {
  probes.clear();
}

/**
 * The Python interpreters a project may mean, best first: a virtualenv in the workdir or
 * the project folder (.venv, venv), then every python3, then every python along PATH —
 * not only the first: a pyenv shim ahead of /usr/bin may lack the framework that
 * Debian's python3-* packages installed for /usr/bin/python3.
 */
export function pythonCandidates(at: StepContext, env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  const add = (file: string | undefined) => {
    if (file && !found.includes(file)) found.push(file);
  };
  for (const dir of new Set([at.workdir, at.cwd])) {
    for (const venv of ['.venv', 'venv']) add(which(path.join(dir, venv, 'bin', 'python'), env, dir));
  }
  for (const py of [...whichAll('python3', env), ...whichAll('python', env)]) add(py);
  return found;
}

/** The first Python that can import `module`; undefined when none can. */
export function pythonWith(module: string, at: StepContext, env: NodeJS.ProcessEnv): string | undefined {
  return pythonCandidates(at, env).find((py) => probe([py, '-c', `import ${module}`], at.workdir, env));
}

/** A path as the user would read it: relative to the project folder when inside it. */
export function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
