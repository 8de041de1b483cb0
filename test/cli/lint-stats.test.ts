import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { sarifValidator } from '../report/sarif-validators.js';
import { SHOP } from '../stats/helpers.js';

afterAll(cleanupProjects);

const MIGRATION = 'CREATE INDEX orders_total_idx ON orders (total);\nCREATE INDEX countries_name_idx ON countries (name);\n';
const project = (files: Record<string, string> = {}) =>
  tempProject({ 'db/V1__indexes.sql': MIGRATION, '.migratelint-stats.json': JSON.stringify(SHOP), ...files });

describe('lint --stats', () => {
  it('weighs each lock by its table: an error on the big one with its size, a warning on the tiny one', async () => {
    const cwd = project();
    const run = await runCli(['lint', 'db', '--stats', '.migratelint-stats.json', '-f', 'json'], { cwd });
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout).findings;
    const [orders, countries] = findings;
    expect(orders).toMatchObject({ severity: 'error', risk: { table: 'public.orders', rows: 41_000_000, lock: 'SHARE', size: 'large' } });
    expect(orders.message).toContain('orders: ~41M rows, 23 GB — SHARE lock for roughly');
    expect(countries).toMatchObject({ severity: 'warn', risk: { table: 'public.countries', size: 'small' } });
  });

  it('reads the config\'s "stats", relative to the config file; without it, findings carry no risk', async () => {
    const cwd = project({ 'config/.migratelintrc.json': JSON.stringify({ stats: '../.migratelint-stats.json', risk: { small: '1kB' } }) });
    const weighed = JSON.parse((await runCli(['lint', 'db', '-c', 'config/.migratelintrc.json', '-f', 'json'], { cwd })).stdout).findings;
    // risk.small 1kB: the 48 kB table is no longer small.
    expect(weighed.map((f: { risk: { size: string } }) => f.risk.size)).toEqual(['large', 'medium']);
    const plain = JSON.parse((await runCli(['lint', 'db', '-f', 'json'], { cwd })).stdout).findings;
    expect(plain.map((f: { severity: string; risk?: unknown }) => [f.severity, f.risk])).toEqual([
      ['error', undefined],
      ['error', undefined],
    ]);
  });

  it('carries the risk into SARIF properties, still valid SARIF, and the markdown summary says what blocks writes', async () => {
    const cwd = project();
    const run = await runCli(['lint', 'db', '--stats', '.migratelint-stats.json', '-f', 'sarif:out.sarif', '-f', 'markdown:out.md'], { cwd });
    expect(run.code).toBe(1);
    const log = JSON.parse(fs.readFileSync(path.join(cwd, 'out.sarif'), 'utf8'));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = log.runs[0].results;
    expect(results[0].properties.risk).toMatchObject({ table: 'public.orders', lock: 'SHARE', estimate: { lowSeconds: expect.any(Number) } });
    expect(results[1].level).toBe('warning');
    const md = fs.readFileSync(path.join(cwd, 'out.md'), 'utf8');
    expect(md).toContain('⚠️ 1 statement blocks writes on tables over risk.large \\(largest: public.orders, 23 GB\\).\n');
  });

  it.each([
    ['missing.json', /^migratelint: missing\.json: no such file \(take one with `migratelint stats --db URL`\)\n$/],
    ['foreign.json', /^migratelint: foreign\.json: not a migratelint stats snapshot \(expected "format": "migratelint-stats"\)\n$/],
    ['newer.json', /^migratelint: newer\.json: stats snapshot version 99 is newer than this migratelint reads/],
    ['broken.json', /^migratelint: broken\.json: not JSON \([^\n]*\)\n$/],
  ])('a stats file that cannot be used (%s) is one line and exit 2', async (file, expected) => {
    const cwd = project({
      'foreign.json': '{"tables": []}',
      'newer.json': JSON.stringify({ ...SHOP, version: 99 }),
      'broken.json': '{"format": ',
    });
    const run = await runCli(['lint', 'db', '--stats', file], { cwd });
    expect([run.code, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toMatch(expected);
  });

  it('names the config key when the config\'s stats file is the bad one', async () => {
    const cwd = project({ '.migratelintrc.json': JSON.stringify({ stats: 'gone.json' }) });
    const run = await runCli(['lint', 'db'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('migratelint: gone.json: no such file (take one with `migratelint stats --db URL`) (named by "stats" in .migratelintrc.json)\n');
  });
});
