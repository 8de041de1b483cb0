/**
 * Reading a stats snapshot file: a file that is not one (foreign JSON, not JSON, missing)
 * or that a newer migratelint wrote is refused in one line naming the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATS_FORMAT, STATS_VERSION, StatsFileError, readStatsFile } from '../../src/stats/format.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-stats-format-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const snapshot = {
  format: STATS_FORMAT,
  version: STATS_VERSION,
  takenAt: '2024-05-01T12:00:00.000Z',
  server: { version: '16.4', versionNum: 160004 },
  database: 'shop',
  tables: [{ schema: 'public', name: 'orders', kind: 'table', rows: 41_000_000, heapBytes: 1, indexBytes: 2, toastBytes: 0, totalBytes: 3 }],
  indexes: [],
  longTransactions: [],
  unreadable: [],
};

/** The error a read throws: a StatsFileError with one line naming the file. */
function refusal(p: string): string {
  try {
    readStatsFile(p);
  } catch (e) {
    expect(e).toBeInstanceOf(StatsFileError);
    const message = (e as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(`${p}: `)).toBe(true);
    return message;
  }
  throw new Error(`${p} was accepted`);
}

describe('readStatsFile', () => {
  it('reads a snapshot of this version', () => {
    const s = readStatsFile(file('ok.json', JSON.stringify(snapshot)));
    expect(s.tables[0]).toMatchObject({ name: 'orders', rows: 41_000_000 });
  });

  it('refuses a JSON file of another format (a baseline, package.json)', () => {
    expect(refusal(file('baseline.json', JSON.stringify({ version: 1, findings: [] })))).toMatch(/not a migratelint stats snapshot \(expected "format": "migratelint-stats"\)/);
  });

  it('refuses a version newer than it reads, saying what to do', () => {
    expect(refusal(file('newer.json', JSON.stringify({ ...snapshot, version: STATS_VERSION + 1 })))).toMatch(
      new RegExp(`version ${STATS_VERSION + 1} is newer than this migratelint reads \\(${STATS_VERSION}\\); upgrade migratelint`),
    );
  });

  it('refuses a file that is not JSON', () => {
    expect(refusal(file('not.json', 'tables:\n  - orders\n'))).toMatch(/: not JSON \(/);
  });

  it('refuses a missing file, saying how to take one', () => {
    expect(refusal(path.join(dir, 'missing.json'))).toMatch(/no such file \(take one with `migratelint stats --db URL`\)/);
  });
});
