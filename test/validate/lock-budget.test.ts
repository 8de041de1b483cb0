import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { lintCheck } from '../../src/validate/lint-check.js';
import { staleStatsFinding } from '../../src/validate/lock-budget.js';
import { resolveRisk } from '../../src/stats/risk-settings.js';
import { SHOP } from '../stats/helpers.js';

const SQL = 'CREATE INDEX orders_total_idx ON orders (total);\nCREATE INDEX countries_name_idx ON countries (name);\nCREATE INDEX CONCURRENTLY orders_at_idx ON orders (at);\n';

describe('validate: locks over risk.maxLock', () => {
  it('lists each statement blocking writes longer than the budget, as a warning', async () => {
    const settings = resolveRisk({ maxLock: '5s' });
    const result = await lintText(SQL, 'V1__idx.sql', { risk: { stats: SHOP, settings } });
    const check = lintCheck(result, { maxLockSeconds: settings.maxLockSeconds });
    const over = check.findings.filter((f) => f.ruleId === 'validate/lock-over-budget');
    expect(over).toHaveLength(1);
    expect(over[0]).toMatchObject({ severity: 'warn', range: { start: { line: 1 } }, risk: { table: 'public.orders' } });
    expect(over[0].message).toMatch(/^holds SHARE on public\.orders for roughly [\d.]+–[\d.]+ min, over risk\.maxLock \(5 s\)$/);
  });

  it('lists nothing without a snapshot, or under a generous budget', async () => {
    const plain = lintCheck(await lintText(SQL, 'V1__idx.sql'), { maxLockSeconds: 5 });
    expect(plain.findings.some((f) => f.ruleId === 'validate/lock-over-budget')).toBe(false);
    const settings = resolveRisk({ maxLock: '2h' });
    const generous = lintCheck(await lintText(SQL, 'V1__idx.sql', { risk: { stats: SHOP, settings } }), { maxLockSeconds: settings.maxLockSeconds });
    expect(generous.findings.some((f) => f.ruleId === 'validate/lock-over-budget')).toBe(false);
  });
});

describe('validate: a stats snapshot much older than the database statistics', () => {
  it('is a warning naming both dates past a week, and nothing within it or without an ANALYZE to compare', () => {
    const stale = staleStatsFinding('2026-10-01T08:00:00.000Z', '2026-11-15T03:00:00.000Z', 'postgres://app:****@db/shop');
    expect(stale).toMatchObject({ ruleId: 'validate/stats-stale', severity: 'warn', file: '' });
    expect(stale!.message).toBe(
      'the table-statistics snapshot (taken 2026-10-01) is 44 days older than the last ANALYZE on postgres://app:****@db/shop (2026-11-15): table sizes, and the lock estimates made with them, may be out of date',
    );
    expect(stale!.hint).toBe('take it again: migratelint stats --db postgres://app:****@db/shop');
    expect(staleStatsFinding('2026-11-10T00:00:00.000Z', '2026-11-15T00:00:00.000Z', 'x')).toBeUndefined();
    expect(staleStatsFinding('2026-11-10T00:00:00.000Z', undefined, 'x')).toBeUndefined();
  });
});
