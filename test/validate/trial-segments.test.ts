import { afterAll, describe, expect, it } from 'vitest';
import { trialCheck } from '../../src/validate/trial.js';
import { mergeSegments, segments, trialThreads } from '../../src/validate/trial-segments.js';
import type { GroupCoverage } from '../../src/validate/trial-coverage.js';
import type { TrialGroup } from '../../src/validate/trial-order.js';
import { cleanup, gm, migrationsOf } from './helpers.js';

afterAll(cleanup);

/**
 * A history whose first part (replayed by the second database) has what changes the
 * database beyond ups: generated rows, a migration run step by step (CONCURRENTLY), an up
 * that fails only on rows, an up that fails and one that depends on it.
 */
const HISTORY = {
  ...gm(
    '000001',
    'users',
    "CREATE TYPE plan AS ENUM ('free', 'pro');\nCREATE TABLE teams (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);\n" +
      'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, team_id bigint NOT NULL REFERENCES teams, email varchar(40) NOT NULL, plan plan NOT NULL);',
    'DROP TABLE users;\nDROP TABLE teams;\nDROP TYPE plan;',
  ),
  ...gm('000002', 'nickname', 'ALTER TABLE users ADD COLUMN nickname text;', 'ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE users DROP COLUMN email;'),
  ...gm('000003', 'email_idx', 'CREATE INDEX CONCURRENTLY users_nick_idx ON users (nickname);', 'DROP INDEX CONCURRENTLY users_nick_idx;'),
  ...gm('000004', 'tenant', 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;', 'ALTER TABLE users DROP COLUMN tenant_id;'),
  ...gm('000005', 'broken', 'ALTER TABLE missing_table ADD COLUMN x int;', 'ALTER TABLE missing_table DROP COLUMN x;'),
  ...gm('000006', 'depends', 'CREATE INDEX missing_x ON missing_table (x);', 'DROP INDEX missing_x;'),
  ...gm('000007', 'orders', 'CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total int NOT NULL);', 'DROP TABLE orders;'),
  ...gm('000008', 'backfill', "UPDATE users SET nickname = 'n';", 'SELECT 1;'),
  ...gm('000009', 'plan_team', "ALTER TYPE plan ADD VALUE 'team';", 'SELECT 1;'),
  ...gm('000010', 'rename', 'ALTER TABLE orders RENAME TO purchases;', 'ALTER TABLE purchases RENAME TO orders;\nALTER TABLE orders DROP COLUMN total;'),
};

/** What a run says, without its timings. */
function outcome(r: Awaited<ReturnType<typeof trialCheck>>) {
  const groups = (r.data?.groups ?? []) as GroupCoverage[];
  return {
    status: r.status,
    summary: r.summary,
    findings: r.findings.map((f) => [f.ruleId, f.file, f.range?.start.line, f.message]),
    groups: groups.map((g) => ({ up: g.up, down: g.down, reup: g.reup, notTried: g.notTried, notes: g.notes, data: g.data })),
  };
}

describe('the trial split between two databases', { timeout: 120_000 }, () => {
  it('finds, covers and fills exactly what one database does', async () => {
    const { migrations } = await migrationsOf(HISTORY);
    const one = await trialCheck(migrations, { pgVersion: 18, threads: 1 });
    const two = await trialCheck(migrations, { pgVersion: 18, threads: 2, splitMin: 4 });
    expect(one.data?.threads).toBe(1);
    expect(two.data?.threads).toBe(2);
    expect(outcome(two)).toEqual(outcome(one));
    // The history does what it is here for: each path was taken.
    const rules = one.findings.map((f) => f.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['validate/trial-down-loses-data', 'validate/trial-up-fails-on-rows', 'validate/trial-up-failed', 'validate/trial-down-leaves-schema']));
    const notTried = (one.data?.groups as GroupCoverage[])[0].notTried.map((n) => n.reason);
    expect(notTried.some((r) => r.startsWith('depends on 000005_broken'))).toBe(true);
  });

  it('splits only long groups, after the first share of the cycles', () => {
    const group = (n: number) => ({ versioned: Array.from({ length: n }) }) as unknown as TrialGroup;
    expect(segments(99)).toBeUndefined();
    expect(segments(342)).toEqual([
      { replay: 0, from: 0, to: 205, repeatables: false },
      { replay: 205, from: 205, to: 342, repeatables: true },
    ]);
    expect(trialThreads([group(50)], 2)).toBe(1);
    expect(trialThreads([group(150)], 2)).toBe(2);
    expect(trialThreads([group(150)], 1)).toBe(1);
    // By default, only with two idle cores besides the one driving them, and the memory.
    const gb = 1024 ** 3;
    expect(trialThreads([group(150)], undefined, undefined, { cores: 4, memory: 8 * gb, load: 1.5 })).toBe(2);
    expect(trialThreads([group(150)], undefined, undefined, { cores: 4, memory: 8 * gb, load: 2.5 })).toBe(1);
    expect(trialThreads([group(150)], undefined, undefined, { cores: 2, memory: 8 * gb, load: 0 })).toBe(1);
    expect(trialThreads([group(150)], undefined, undefined, { cores: 8, memory: 2 * gb, load: 0 })).toBe(1);
  });

  it('adds the segments up, each migration not tried listed once, in order', () => {
    const part = (up: number, notTried: string[], notes: string[]): GroupCoverage => ({
      folder: 'migrations',
      migrations: 10,
      up,
      down: up - 1,
      reup: up - 1,
      hasDowns: true,
      notTried: notTried.map((id) => ({ id, label: id, file: `${id}.up.sql`, part: 'down', reason: 'r' })),
      notes,
      data: { tables: 0, rows: up, checked: 1, notFilled: [] },
    });
    const merged = mergeSegments([part(6, ['a'], ['n']), part(4, ['b'], ['n'])], [undefined, undefined]);
    expect(merged).toMatchObject({ up: 10, down: 8, reup: 8, notes: ['n'], data: { rows: 10, checked: 2 } });
    expect(merged.notTried.map((n) => n.id)).toEqual(['a', 'b']);
  });
});
