/**
 * The config's `risk` key, resolved: where a table stops being small and starts being
 * large, the lock budget validate holds migrations to, and the throughputs of the model.
 */
import { DEFAULT_THROUGHPUTS, type Throughputs } from './estimate.js';
import { parseDuration, parseSize } from './units.js';

/** As users write it: sizes and durations as text (`"10MB"`, `"5s"`) or numbers (bytes, seconds); throughputs in MB/s. */
export interface RiskConfig {
  small?: string | number;
  large?: string | number;
  maxLock?: string | number;
  throughput?: Partial<Throughputs>;
}

export interface RiskSettings {
  /** Below this total size (bytes) a lock finding is at most a warning. */
  smallBytes: number;
  /** Above this a lock finding keeps its severity and counts as "over large" in summaries. */
  largeBytes: number;
  /** Validate's budget: a migration whose estimated lock exceeds it is listed (seconds). */
  maxLockSeconds: number;
  throughput: Throughputs;
}

export const DEFAULT_RISK: RiskConfig = { small: '10MB', large: '1GB', maxLock: '5s' };

/** The settings from a config already checked by the schema (unset keys take the defaults). */
export function resolveRisk(config: RiskConfig | undefined): RiskSettings {
  const c = { ...DEFAULT_RISK, ...config };
  return {
    smallBytes: parseSize(c.small)!,
    largeBytes: parseSize(c.large)!,
    maxLockSeconds: parseDuration(c.maxLock)!,
    throughput: { ...DEFAULT_THROUGHPUTS, ...config?.throughput },
  };
}
