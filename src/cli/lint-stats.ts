import path from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { RiskContext } from '../engine/risk.js';
import { UsageError } from '../errors.js';
import { readStatsFile, StatsFileError } from '../stats/format.js';
import { resolveRisk } from '../stats/risk-settings.js';

/**
 * The snapshot a lint run weighs lock findings with: `--stats FILE` (relative to the
 * working directory), else the config's `stats` (relative to the config file), else none.
 * A file that cannot be used is a usage error in one line (exit 2): a run that was asked
 * to weigh locks must not quietly weigh none.
 */
export function riskForRun(statsFlag: string | undefined, config: ResolvedConfig, cwd: string): RiskContext | undefined {
  if (statsFlag === '') throw new UsageError('--stats expects a file (take one with `migratelint stats --db URL`)');
  const file = statsFlag !== undefined ? path.resolve(cwd, statsFlag) : config.stats;
  if (!file) return undefined;
  const shown = path.relative(cwd, file) || file;
  try {
    return { stats: readStatsFile(file), settings: resolveRisk(config.risk) };
  } catch (e) {
    if (!(e instanceof StatsFileError)) throw e;
    // Named as the user would: relative to where they run.
    const message = e.message.startsWith(file) ? shown + e.message.slice(file.length) : e.message;
    throw new UsageError(config.stats === file && statsFlag === undefined && config.file ? `${message} (named by "stats" in ${config.file})` : message);
  }
}
