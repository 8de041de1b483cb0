import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.js';
import { buildCli } from './build-cli.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHOP = path.join(ROOT, 'fixtures/exec/shop');

const tempDirs: string[] = [];

export function tempDir(prefix = 'mlt-exec-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A project directory with `migrations/` copied from a fixture, plus extra files. */
export function workspace(extra: Record<string, string> = {}, fixture = SHOP): string {
  const dir = tempDir('mlt-ws-');
  fs.cpSync(fixture, path.join(dir, 'migrations'), { recursive: true });
  for (const [name, text] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A project directory holding exactly these files (path → text). */
export function project(files: Record<string, string>): string {
  const dir = tempDir('mlt-project-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (what `migratelint <args>` does), capturing its output. */
export async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, terminal?: { answer: string; prompt?: string }): Promise<CliResult> {
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (terminal) {
    // A terminal: the question is answered once it has been asked.
    stdout.isTTY = stdin.isTTY = true;
    stdout.on('data', (d) => {
      if (String(d).includes(terminal.prompt ?? '[y/N]')) stdin.write(`${terminal.answer}\n`);
    });
  } else stdin.end();
  const code = await main(args, { stdout, stderr, stdin, env: { ...process.env, CI: '1', ...env }, cwd });
  return { code, stdout: out, stderr: err };
}

let cliPath: Promise<string> | undefined;

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when a line containing `text` appears on stdout or stderr. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the CLI as a real child process (for kill -9 and two runs at once). */
export async function spawnCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  cliPath ??= buildCli();
  const bin = await cliPath;
  const proc = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.test(out + err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  proc.stdout!.on('data', (d) => {
    out += d;
    check();
  });
  proc.stderr!.on('data', (d) => {
    err += d;
    check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text, timeoutMs = 30_000) {
      const test = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
      if (test(out + err)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${text}\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ test, resolve: done });
        exited.then(() => {
          if (waiters.some((w) => w.resolve === done)) {
            clearTimeout(timer);
            reject(new Error(`process exited before ${text}\nstdout: ${out}\nstderr: ${err}`));
          }
        });
      });
    },
  };
}

export function reports(cwd: string): Record<string, any>[] {
  const dir = path.join(cwd, '.migratelint/reports');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

export function lastReport(cwd: string): Record<string, any> {
  const all = reports(cwd);
  return all[all.length - 1];
}

/**
 * How many random kills a crash test makes: `base` in `npm test`, times
 * MIGRATELINT_STRESS (e.g. `MIGRATELINT_STRESS=5 npx vitest run test/exec/restore-crash.test.ts`)
 * for a longer hunt.
 */
export function stressed(base: number): number {
  const factor = Number(process.env.MIGRATELINT_STRESS ?? 1);
  return Number.isFinite(factor) && factor > 0 ? Math.max(1, Math.round(base * factor)) : base;
}
