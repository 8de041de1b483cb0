import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../discover/index.js';
import type { LinterSettings } from './unit-linter.js';
import type { ResolvedConfig } from '../config/load.js';

export interface WorkerInit {
  cwd: string;
  /** The resolved config without its plugin rules (functions do not cross threads). */
  config?: Omit<ResolvedConfig, 'pluginRules'>;
  /** Absolute path of the config file, loaded again in a worker when it has plugins. */
  pluginConfigFile?: string;
  settings: Omit<LinterSettings, 'config' | 'extraRules'>;
}

export interface WorkerResult {
  index: number;
  migration: Migration | undefined;
  findings: Finding[];
  /** Files other than the unit's own that the result depends on, with content hashes. */
  deps: [string, string][];
}

const BATCH = 100;

/** How many workers a run of `units` migrations gets: none for small runs, where start-up would dominate. */
export function workerCount(units: number, requested?: number): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  const env = process.env.MIGRATELINT_WORKERS;
  if (env !== undefined && env !== '') return Math.max(0, Number(env) || 0);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  // Measured on 2 cores: two workers were slower than one thread on 5,000 files (each
  // loads the parser and the rules, and results cross threads), so threads start at 4 cores.
  if (cores < 4 || units < 1000) return 0;
  return Math.min(cores - 1, 4, Math.ceil(units / 1000));
}

/** The compiled worker script (tests run the TypeScript sources; workers always run the build). */
function workerScript(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL('./lint-worker.js', import.meta.url);
  const root = path.resolve(path.dirname(here), '..', '..');
  return new URL(`file://${path.join(root, 'dist', 'src', 'pipeline', 'lint-worker.js')}`);
}

/**
 * Lints units across worker threads, handing out batches as workers free up so a
 * slow batch does not hold the others back. Results come back in unit order.
 */
export async function lintInWorkers(units: readonly MigrationUnit[], init: WorkerInit, count: number): Promise<WorkerResult[]> {
  const results: WorkerResult[] = new Array(units.length);
  let next = 0;
  const takeBatch = () => {
    const batch = [];
    for (let i = 0; i < BATCH && next < units.length; i++, next++) batch.push({ index: next, unit: units[next] });
    return batch;
  };
  const script = workerScript();
  const runOne = () =>
    new Promise<void>((resolvePromise, reject) => {
      const worker = new Worker(script, { workerData: init });
      const sendNext = () => {
        const batch = takeBatch();
        worker.postMessage(batch.length ? batch : null);
        if (!batch.length) resolvePromise();
      };
      worker.on('message', (msg: { ready?: true; results?: WorkerResult[]; error?: string }) => {
        if (msg.error) {
          reject(new Error(msg.error));
          void worker.terminate();
          return;
        }
        for (const r of msg.results ?? []) results[r.index] = r;
        sendNext();
      });
      worker.on('error', reject);
    });
  await Promise.all(Array.from({ length: Math.min(count, Math.ceil(units.length / BATCH)) }, runOne));
  return results;
}
