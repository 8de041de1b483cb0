import { Worker } from 'node:worker_threads';
import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import type { LinterSettings } from './unit-linter.js';
import type { ResolvedConfig } from '../config/load.js';
import { shareUnits, type SharedUnits } from './shared-units.js';
import { isolateStarted } from './heap.js';
import { workerScript } from './worker-script.js';

export interface WorkerInit {
  cwd: string;
  /** The resolved config without its plugin rules (functions do not cross threads). */
  config?: Omit<ResolvedConfig, 'pluginRules'>;
  /** Absolute path of the config file, loaded again in a worker when it has plugins. */
  pluginConfigFile?: string;
  settings: Omit<LinterSettings, 'config' | 'extraRules'>;
}

/** What a worker thread starts with: how to lint, the shared queue, and the shared cursor into it. */
export interface WorkerData {
  init: WorkerInit;
  units: SharedUnits;
  /** The frontends the queue's units need. */
  frontends: string[];
  /** How many threads (this one included) take from the queue. */
  threads: number;
  /** Int32Array over a SharedArrayBuffer: [0] is the index of the next unclaimed unit. */
  cursor: SharedArrayBuffer;
}

export interface UnitResult {
  migration: Migration | undefined;
  findings: Finding[];
  /** Files other than the unit's own that the result depends on, with content hashes. */
  deps: [string, string][];
}

export type WorkerMessage = { results: [number, UnitResult][] } | { error: string };

/** The most units claimed at a time: few messages, and a claim is one atomic operation. */
export const BATCH = 16;

/**
 * Near the end of the queue a claim takes at most 1/TAIL_SHARE of what each thread
 * would get of the rest, down to one unit, so that the threads finish together. With
 * fixed batches of 16, one thread often waited 60-80 ms on 1,000 real migrations for
 * another's last batch of large files.
 */
const TAIL_SHARE = 4;

const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * Claims the next units of the queue for one of `threads` threads: the range
 * [start, end), empty when the queue is drained.
 */
export function claimBatch(cursor: Int32Array, total: number, threads = 1): [number, number] {
  for (;;) {
    const start = Atomics.load(cursor, 0);
    if (start >= total) return [total, total];
    const size = Math.max(1, Math.min(BATCH, Math.ceil((total - start) / (threads * TAIL_SHARE))));
    if (Atomics.compareExchange(cursor, 0, start, start + size) === start) return [start, start + size];
  }
}


/**
 * Lints `units` on this thread and `count` worker threads at once. Every thread claims
 * batches from one shared cursor, so this thread starts at once while the workers are
 * still loading, and no thread idles while another has a backlog. Each result goes to
 * `onResult` with its unit's index as it comes, so none are held here.
 */
export async function lintShared(
  units: readonly MigrationUnit[],
  init: WorkerInit,
  count: number,
  here: { prepare: () => Promise<void>; lint: (unit: MigrationUnit) => UnitResult },
  onResult: (index: number, result: UnitResult) => void,
): Promise<void> {
  const cursorBuffer = new SharedArrayBuffer(4);
  const cursor = new Int32Array(cursorBuffer);
  const threads = count + 1;
  let done = 0;
  let settle: (error?: Error) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : done === units.length && resolve());
  });
  // A worker can fail while this thread is still linting, before anything awaits `finished`.
  finished.catch(() => {});

  const script = workerScript(import.meta.url, 'src/pipeline/lint-worker.js');
  const data: WorkerData = {
    init,
    units: shareUnits(units),
    frontends: [...new Set(units.map((u) => u.frontend))],
    threads,
    cursor: cursorBuffer,
  };
  const workers = Array.from({ length: count }, () => {
    // A worker holds one batch at a time: a small young generation is enough, and keeps
    // each thread's footprint down (50,000 files, one worker: peak RSS 190 -> 164 MB).
    const worker = new Worker(script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.on('message', (msg: WorkerMessage) => {
      if ('error' in msg) return settle(new Error(msg.error));
      try {
        for (const [index, result] of msg.results) onResult(index, result);
      } catch (e) {
        // Thrown in an event handler it would end the process with a stack trace: fail the run instead.
        return settle(e as Error);
      }
      done += msg.results.length;
      settle();
    });
    worker.once('online', isolateStarted);
    worker.on('error', (e) => settle(e));
    // A worker that claimed a batch and died without reporting it would leave the run waiting forever.
    worker.on('exit', (code) => code !== 0 && settle(new Error(`lint worker exited with code ${code}`)));
    return worker;
  });

  try {
    // After the workers are started: this thread's parser then loads while theirs do.
    await here.prepare();
    for (let [start, end] = claimBatch(cursor, units.length, threads); start < end; [start, end] = claimBatch(cursor, units.length, threads)) {
      for (let i = start; i < end; i++) onResult(i, here.lint(units[i]));
      done += end - start;
      // Take in the workers' results between batches: a caller handing results on in
      // order can then let them go, instead of holding the workers' share to the end.
      await new Promise((resolve) => setImmediate(resolve));
    }
    settle();
    await finished;
  } finally {
    // Workers still loading when the queue ran dry have nothing left to do.
    for (const worker of workers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }
}
