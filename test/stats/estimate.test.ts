import { describe, expect, it } from 'vitest';
import { DEFAULT_THROUGHPUTS, SPREAD, estimateLock, workBytes } from '../../src/stats/estimate.js';
import { formatBytes, formatDurationRange, formatRows, parseDuration, parseSize } from '../../src/stats/units.js';
import { GB, MB, table } from './helpers.js';

const t = { heapBytes: 700 * MB, indexBytes: 250 * MB, toastBytes: 50 * MB };
const rates = { indexBuild: 50, rewrite: 20, scan: 100 };

describe('estimateLock', () => {
  it('reads the bytes each kind of work goes through', () => {
    expect(workBytes(t, 'index-build')).toBe(700 * MB);
    expect(workBytes(t, 'rewrite')).toBe(1000 * MB);
    expect(workBytes(t, 'scan')).toBe(750 * MB);
    expect(workBytes(t, 'catalog')).toBe(0);
  });

  it('divides them by the throughput, with a range of half to twice the point', () => {
    expect(estimateLock(t, 'index-build', rates)).toEqual({ workBytes: 700 * MB, lowSeconds: 14 / SPREAD, highSeconds: 14 * SPREAD });
    expect(estimateLock(t, 'rewrite', rates).highSeconds).toBeCloseTo(50 * SPREAD);
    expect(estimateLock(t, 'scan', rates).lowSeconds).toBeCloseTo(7.5 / SPREAD);
  });

  it('holds a catalog-only lock for no time, and an empty table for none', () => {
    expect(estimateLock(t, 'catalog', rates)).toMatchObject({ lowSeconds: 0, highSeconds: 0 });
    expect(estimateLock({ heapBytes: 0, indexBytes: 0, toastBytes: 0 }, 'rewrite', rates).highSeconds).toBe(0);
  });

  it('grows with the table: 23 GB is minutes at the default throughputs, 48 kB is instant', () => {
    const big = estimateLock(table('orders', 41e6, 23 * GB), 'index-build', DEFAULT_THROUGHPUTS);
    expect(big.highSeconds).toBeGreaterThan(60);
    const tiny = estimateLock(table('countries', 250, 48 * 1024), 'index-build', DEFAULT_THROUGHPUTS);
    expect(tiny.highSeconds).toBeLessThan(1);
  });
});

describe('units', () => {
  it('reads sizes and durations from the config', () => {
    expect(parseSize('10MB')).toBe(10 * MB);
    expect(parseSize('1.5 gb')).toBe(1.5 * GB);
    expect(parseSize('512kB')).toBe(512 * 1024);
    expect(parseSize(2048)).toBe(2048);
    expect(parseSize('ten MB')).toBeUndefined();
    expect(parseSize('10 parsecs')).toBeUndefined();
    expect(parseDuration('5s')).toBe(5);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('2min')).toBe(120);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('writes sizes, rows and durations for people', () => {
    expect(formatBytes(23 * GB)).toBe('23 GB');
    expect(formatBytes(48 * 1024)).toBe('48 kB');
    expect(formatBytes(4.24 * MB)).toBe('4.2 MB');
    expect(formatBytes(300)).toBe('300 bytes');
    expect(formatRows(41_000_000)).toBe('41M rows');
    expect(formatRows(3200)).toBe('3.2k rows');
    expect(formatRows(2)).toBe('2 rows');
    expect(formatRows(null)).toMatch(/unknown/);
    expect(formatDurationRange(0.01, 0.2)).toBe('under a second');
    expect(formatDurationRange(240, 540)).toBe('roughly 4–9 min');
    expect(formatDurationRange(2, 5)).toBe('roughly 2–5 s');
    expect(formatDurationRange(0.2, 3)).toBe('up to 3 s');
    expect(formatDurationRange(1.5 * 3600, 3 * 3600)).toBe('roughly 1.5–3 h');
  });
});
