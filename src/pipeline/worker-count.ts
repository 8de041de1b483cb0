import os from 'node:os';

/** Below this many migrations, starting a thread (its own parser and rules, ~100 ms of CPU) costs more than it saves. */
const MIN_UNITS_FOR_WORKERS = 600;

/**
 * How many worker threads a run of `units` migrations gets, besides the main thread,
 * which lints too: one per further core, none for small runs.
 */
export function workerCount(units: number, requested?: number): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  const env = process.env.MIGRATELINT_WORKERS;
  if (env !== undefined && env !== '') return Math.max(0, Number(env) || 0);
  if (units < MIN_UNITS_FOR_WORKERS) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(cores - 1, 7, Math.floor(units / (MIN_UNITS_FOR_WORKERS / 2)) - 1));
}
