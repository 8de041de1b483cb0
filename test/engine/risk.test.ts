import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { resolveRisk } from '../../src/stats/risk-settings.js';
import type { RiskContext } from '../../src/engine/risk.js';
import { SHOP, snapshot, table, GB, MB } from '../stats/helpers.js';

const risk: RiskContext = { stats: SHOP, settings: resolveRisk(undefined) };
/** `null`: no snapshot at all. */
const lint = async (sql: string, withRisk: RiskContext | null = risk) => (await lintText(sql, 'V1__m.sql', withRisk ? { risk: withRisk } : {})).findings;
const one = async (sql: string, ruleId: string, withRisk: RiskContext | null = risk) => {
  const found = (await lint(sql, withRisk)).filter((f) => f.ruleId === ruleId);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('lock risk from table statistics', () => {
  it('keeps a lock finding on a big table an error, with its size and the estimate', async () => {
    const f = await one('CREATE INDEX orders_total_idx ON orders (total);', 'require-concurrent-index');
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/\(orders: ~41M rows, 23 GB — SHARE lock for roughly [\d.]+–[\d.]+ (min|h); writes wait\)$/);
    expect(f.risk).toMatchObject({ table: 'public.orders', rows: 41_000_000, bytes: 23 * GB, lock: 'SHARE', size: 'large' });
    expect(f.risk!.estimate.highSeconds).toBeGreaterThan(f.risk!.estimate.lowSeconds);
  });

  it('makes the same migration a warning on a tiny table, and says why', async () => {
    const f = await one('CREATE INDEX countries_name_idx ON countries (name);', 'require-concurrent-index');
    expect(f.severity).toBe('warn');
    expect(f.message).toContain('countries: ~250 rows, 48 kB — SHARE lock for under a second; writes wait');
    expect(f.message).toContain('small table, under risk.small 10 MB');
    expect(f.risk).toMatchObject({ size: 'small', lock: 'SHARE' });
  });

  it('leaves a table of medium size as the rule says', async () => {
    const mid = { stats: snapshot([table('orders', 1e6, 200 * MB)]), settings: resolveRisk(undefined) };
    const f = await one('ALTER TABLE orders ALTER COLUMN id TYPE bigint;', 'no-rewriting-column-type-change', mid);
    expect(f.severity).toBe('error');
    expect(f.risk).toMatchObject({ size: 'medium', lock: 'ACCESS EXCLUSIVE' });
    expect(f.message).toContain('reads and writes wait');
  });

  it('finds the table of an index named alone (DROP INDEX)', async () => {
    const f = await one('DROP INDEX countries_code_idx;', 'require-concurrent-index-drop');
    expect(f.risk).toMatchObject({ table: 'public.countries', lock: 'ACCESS EXCLUSIVE' });
    expect(f.message).toContain('held only a moment once granted');
    expect(f.severity).toBe('warn');
  });

  it('never changes correctness findings, even on a tiny table', async () => {
    const sql = 'DELETE FROM countries;\nALTER TABLE countries ADD COLUMN code2 text NOT NULL;\n';
    const plain = await lint(sql, null);
    const weighed = await lint(sql);
    expect(weighed.map((f) => [f.ruleId, f.severity, f.message])).toEqual(plain.map((f) => [f.ruleId, f.severity, f.message]));
    expect(weighed.some((f) => f.ruleId === 'no-delete-without-where')).toBe(true);
    expect(weighed.every((f) => f.risk === undefined)).toBe(true);
  });

  it('says NOT NULL without a default will succeed on an empty table, keeping the severity', async () => {
    const f = await one('ALTER TABLE drafts ADD COLUMN title text NOT NULL;', 'no-not-null-without-default');
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/drafts is empty in the stats snapshot of 2025-03-01: this will succeed/);
  });

  it('leaves a table the snapshot does not know, or one created in the same change, unchanged', async () => {
    const unknown = 'CREATE INDEX shipments_at_idx ON shipments (at);';
    expect(await lint(unknown)).toEqual(await lint(unknown, null));
    const created = 'CREATE TABLE countries2 (id int);\nCREATE INDEX c2_idx ON countries2 (id);\n';
    expect(await lint(created)).toEqual(await lint(created, null));
  });

  it('without a snapshot, findings are exactly as the rules report them', async () => {
    const f = await one('CREATE INDEX orders_total_idx ON orders (total);', 'require-concurrent-index', null);
    expect(f.risk).toBeUndefined();
    expect(f.message).not.toContain('orders:');
    expect(f.lock).toEqual({ table: 'orders', mode: 'SHARE', work: 'index-build' });
  });

  it('takes the thresholds and throughputs from the settings', async () => {
    const strict = { stats: SHOP, settings: resolveRisk({ small: '1kB', throughput: { indexBuild: 1 } }) };
    const f = await one('CREATE INDEX countries_name_idx ON countries (name);', 'require-concurrent-index', strict);
    expect(f.severity).toBe('error');
    expect(f.risk!.size).toBe('medium');
  });
});
