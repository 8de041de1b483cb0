/**
 * Sizes, row counts and durations: read from the config (`"10MB"`, `"5s"`) and written for
 * people (`23 GB`, `41M rows`, `roughly 4–9 min`). Sizes are powers of 1024, as
 * PostgreSQL's pg_size_pretty counts them, so the figures match what a DBA sees.
 */

const SIZE_UNITS: Record<string, number> = { b: 1, bytes: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** A number and a unit of `units` (`bare`: the unit of a number given without one), in `units`' base. */
function parseQuantity(value: unknown, units: Record<string, number>, bare: string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const unit = units[(m[2] || bare).toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/** `"10MB"`, `"1.5 GB"`, `"512kB"`, or a number of bytes; undefined when it is neither. */
export function parseSize(value: unknown): number | undefined {
  return parseQuantity(value, SIZE_UNITS, 'b');
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, sec: 1, min: 60, m: 60, h: 3600 };

/** `"5s"`, `"500ms"`, `"2min"`, `"1h"`, or a number of seconds; undefined when it is neither. */
export function parseDuration(value: unknown): number | undefined {
  return parseQuantity(value, DURATION_UNITS, 's');
}

/** One decimal below 10, none above: `4.2 MB`, `23 GB`. */
const figure = (n: number) => (n < 10 ? String(Math.round(n * 10) / 10) : String(Math.round(n)));

/** `48 kB`, `23 GB` (pg_size_pretty's units). */
export function formatBytes(bytes: number): string {
  const units = ['kB', 'MB', 'GB', 'TB'];
  if (bytes < 1024) return `${Math.round(bytes)} bytes`;
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  // 1023.7 kB would print as "1024 kB": show it as the next unit.
  if (Math.round(n) >= 1024 && i < units.length - 1) return `1 ${units[i + 1]}`;
  return `${figure(n)} ${units[i]}`;
}

/** `41M rows`, `3.2k rows`, `2 rows`; the planner's estimate, so never more precise than that. */
export function formatRows(rows: number | null): string {
  if (rows === null) return 'rows unknown (never analysed)';
  const r = Math.max(0, Math.round(rows));
  if (r === 1) return '1 row';
  if (r < 1000) return `${r} rows`;
  for (const [div, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (r >= div) return `${figure(r / div)}${suffix} rows`;
  }
  return `${r} rows`;
}

/** A range of seconds in words: `under a second`, `roughly 2–5 s`, `roughly 4–9 min`, `roughly 1.5–3 h`. */
export function formatDurationRange(lowSeconds: number, highSeconds: number): string {
  if (highSeconds < 1) return 'under a second';
  const [div, unit] = highSeconds < 90 ? [1, 's'] : highSeconds < 90 * 60 ? [60, 'min'] : [3600, 'h'];
  const lo = figure(lowSeconds / div);
  const hi = figure(highSeconds / div);
  if (lo === hi) return `roughly ${hi} ${unit}`;
  // Under one of the unit at the low end: the range is better said by its top.
  if (lowSeconds / div < 1) return `up to ${hi} ${unit}`;
  return `roughly ${lo}–${hi} ${unit}`;
}

/** `5 s`, `2 min`: a threshold from the config, in words. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 90) return `${figure(seconds)} s`;
  if (seconds < 90 * 60) return `${figure(seconds / 60)} min`;
  return `${figure(seconds / 3600)} h`;
}
