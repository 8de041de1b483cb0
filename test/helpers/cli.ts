import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the CLI in-process, as the bin script does, with captured output. */
export async function runCli(args: string[], opts: { cwd: string; stdin?: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, {
    stdout,
    stderr,
    stdin: Readable.from([opts.stdin ?? '']),
    // The suite can be run with the cache or worker threads forced on (see package.json).
    env: { MIGRATELINT_CACHE: process.env.MIGRATELINT_CACHE, ...opts.env },
    cwd: opts.cwd,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const made: string[] = [];

/** A throwaway project folder with the given files. */
export function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-cli-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function cleanupProjects(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
