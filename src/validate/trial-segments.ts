import os from 'node:os';
import type { Driver } from '../exec/drivers/types.js';
import type { GroupCoverage } from './trial-coverage.js';
import type { Segment } from './trial-cycle.js';
import type { TrialData } from './trial-data.js';
import type { TrialGroup } from './trial-order.js';
import { ThreadedTrialDatabase } from './trial-thread-driver.js';

/**
 * A long history split between two trial databases on two threads. Each cycle needs the
 * database its earlier migrations leave, so the second database first replays the first
 * part (rows and ups only, about a third of a cycle's work each: no down, no up again, no
 * snapshots), then runs the cycles of the rest while the first runs the first part's.
 * Findings, coverage and rows are those of one database: the replay goes down the same
 * code path as the cycles (trial-cycle.ts), and the segments' results are put together in
 * order (identical on lemmy, kratos and openmeter).
 *
 * The replay costs about a third of the cycles it stands for (the rows are generated
 * again), and the orchestration runs on a third thread, so the split needs cores to
 * spare. On this project's shared 2-core machine (the other tenants keep a load of ~1)
 * it made lemmy's trial 19.6–20.9 s against 24–27 s, but openmeter's 20.6 s against
 * 22.1 s and outline's 11.1 s against 9.5 s, for twice the memory (~600 MB more). So it
 * is on by default only with four cores or more, two of them idle (load average below
 * cores − 2), and 4 GB; that default is reasoned from these figures, not measured on
 * such a machine.
 */

/** Shorter groups are not split: the second database's start (~1 s) would eat the gain. */
export const SPLIT_MIN = 100;
/** The first database's share of the cycles: the second one also replays that share. */
const FIRST_SHARE = 0.6;
/** What the machine offers: cores, memory, load (tests pass their own). */
export interface Machine {
  cores: number;
  memory: number;
  load: number;
}

const thisMachine = (): Machine => ({ cores: os.availableParallelism(), memory: os.totalmem(), load: os.loadavg()[0] });
/** Two PGlite databases hold ~1.2 GB at their peak. */
const MIN_MEMORY = 4 * 1024 ** 3;
/** Two database threads and the one that drives them. */
const MIN_CORES = 4;

/**
 * How many trial databases to open: `wanted` (1 or 2; `MIGRATELINT_TRIAL_THREADS`), else
 * two when a group is long enough to split and the machine has idle cores and the memory.
 */
export function trialThreads(groups: readonly TrialGroup[], wanted: number | undefined, splitMin = SPLIT_MIN, machine: Machine = thisMachine()): number {
  if (!groups.some((g) => g.versioned.length >= splitMin)) return 1;
  if (wanted !== undefined) return wanted >= 2 ? 2 : 1;
  return machine.cores >= MIN_CORES && machine.memory >= MIN_MEMORY && machine.load < machine.cores - 2 ? 2 : 1;
}

/** `MIGRATELINT_TRIAL_THREADS` as a number; undefined when unset. */
export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.MIGRATELINT_TRIAL_THREADS;
  return v === undefined || v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
}

export async function openThreaded(count: number, extensions: readonly string[]): Promise<Driver[]> {
  const opened = await Promise.allSettled(Array.from({ length: count }, () => ThreadedTrialDatabase.create(extensions)));
  const failed = opened.find((o) => o.status === 'rejected');
  if (failed) {
    await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
    throw (failed as PromiseRejectedResult).reason;
  }
  return opened.map((o) => (o as PromiseFulfilledResult<ThreadedTrialDatabase>).value);
}

/** The two segments of a group of `n` versioned migrations; undefined when it is not split. */
export function segments(n: number, splitMin = SPLIT_MIN): [Segment, Segment] | undefined {
  if (n < splitMin) return undefined;
  const k = Math.round(n * FIRST_SHARE);
  return [
    { replay: 0, from: 0, to: k, repeatables: false },
    { replay: k, from: k, to: n, repeatables: true },
  ];
}

/** One group's coverage from its segments', in order. */
export function mergeSegments(parts: GroupCoverage[], data: (TrialData | undefined)[]): GroupCoverage {
  const [first, ...rest] = parts;
  const out: GroupCoverage = { ...first, notTried: [...first.notTried], notes: [...first.notes] };
  for (const p of rest) {
    out.up += p.up;
    out.down += p.down;
    out.reup += p.reup;
    out.notTried.push(...p.notTried);
    for (const note of p.notes) if (!out.notes.includes(note)) out.notes.push(note);
  }
  if (first.data) {
    const filled = new Set(data.flatMap((d) => [...(d?.filled ?? [])]));
    out.data = {
      tables: filled.size,
      rows: parts.reduce((n, p) => n + (p.data?.rows ?? 0), 0),
      checked: parts.reduce((n, p) => n + (p.data?.checked ?? 0), 0),
      notFilled: parts.flatMap((p) => p.data?.notFilled ?? []),
    };
  }
  return out;
}
