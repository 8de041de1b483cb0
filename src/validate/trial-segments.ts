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
 * again), so the split pays where a core is idle: on this project's shared 2-core machine,
 * with the other core busy, it took openmeter's trial from 22.1 s to 20.6 s and kratos'
 * from 8.6 s to 10.2 s, for twice the memory (~600 MB more). So it is on by default only
 * when the machine has a core to spare (load average below cores − 1) and 4 GB.
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
/** Two PGlite databases hold ~1.4 GB at their peak. */
const MIN_MEMORY = 4 * 1024 ** 3;

/**
 * How many trial databases to open: `wanted` (1 or 2; `MIGRATELINT_TRIAL_THREADS`), else
 * two when a group is long enough to split and the machine has a core to spare and the memory.
 */
export function trialThreads(groups: readonly TrialGroup[], wanted: number | undefined, splitMin = SPLIT_MIN, machine: Machine = thisMachine()): number {
  if (!groups.some((g) => g.versioned.length >= splitMin)) return 1;
  if (wanted !== undefined) return wanted >= 2 ? 2 : 1;
  return machine.cores >= 2 && machine.memory >= MIN_MEMORY && machine.load < machine.cores - 1 ? 2 : 1;
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
