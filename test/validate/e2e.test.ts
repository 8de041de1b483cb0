/**
 * `migratelint validate` end to end, through the CLI, on the fixture repositories:
 * fixtures/validate/broken (one deliberate problem per check) and fixtures/validate/clean.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PgliteDriver } from '../../src/exec/drivers/pglite.js';
import { parseDbTarget, type PgliteTarget } from '../../src/exec/url.js';
import { BROKEN, CLEAN, cleanup, copyOf, project } from './helpers.js';

afterAll(cleanup);

const ENV = { CI: '1', NO_COLOR: '1' };
const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: ENV });

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  hint: string | null;
  details: { label: string; lines: string[] }[];
}
interface JsonCheck {
  id: string;
  status: string;
  summary: string;
  findings: JsonFinding[];
  data: Record<string, any> | null;
}

/**
 * The broken repository as a release manager meets it: migrations 000001 and 000003 were
 * deployed to the target; since then 000002 (an older version, merged late), two 000004s
 * and 000005 arrived, and 000001 was edited after it was applied.
 */
async function brokenWithTarget(): Promise<string> {
  const ws = copyOf(BROKEN);
  const hold = path.join(ws, 'hold');
  fs.mkdirSync(hold);
  for (const f of fs.readdirSync(path.join(ws, 'migrations'))) {
    if (!/^00000[13]_/.test(f)) fs.renameSync(path.join(ws, 'migrations', f), path.join(hold, f));
  }
  const applied = await cli(['apply', 'migrations', '--db', 'pglite:target', '--yes', '--no-backup'], ws);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stdout).toContain('2 migrations applied to pglite:target.');
  for (const f of fs.readdirSync(hold)) fs.renameSync(path.join(hold, f), path.join(ws, 'migrations', f));
  fs.rmdirSync(hold);
  fs.appendFileSync(path.join(ws, 'migrations/000001_create_users.up.sql'), 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n');
  return ws;
}

describe('validate on the broken fixture repository', { timeout: 120_000 }, () => {
  it('names each deliberate problem precisely and exits 1', async () => {
    const ws = await brokenWithTarget();
    const run = await cli(['validate', '--db', 'pglite:target', '-f', 'json'], ws);
    expect(run.stderr.replace(/^still validate: .*\n/gm, '')).toBe(''); // a progress line on a slow machine
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(false);
    const check = (id: string): JsonCheck => report.checks.find((c: JsonCheck) => c.id === id);
    expect(report.checks.map((c: JsonCheck) => [c.id, c.status])).toEqual([
      ['lint', 'passed'],
      ['sequence', 'failed'],
      ['reversibility', 'passed'],
      ['trial', 'failed'],
      ['drift', 'failed'],
    ]);

    // Two migrations with the same version.
    const seq = check('sequence').findings;
    const dup = seq.find((f) => f.ruleId === 'validate/sequence-duplicate-version')!;
    expect(dup).toMatchObject({
      severity: 'error',
      message: 'version 000004 is used by 2 migrations in migrations: 000004_add_orders_status, 000004_add_users_phone',
      file: 'migrations/000004_add_users_phone.up.sql',
    });
    // A dangling Alembic head, with the merge that is needed.
    const heads = seq.find((f) => f.ruleId === 'validate/sequence-multiple-heads')!;
    expect(heads.message).toBe(
      'alembic/versions has 2 heads: d4e5f6a7b8c9 (d4e5f6a7b8c9_add_project_owner.py), e5f6a7b8c9d0 (e5f6a7b8c9d0_add_project_budget.py); "alembic upgrade head" fails until they are merged',
    );
    expect(heads.hint).toBe('alembic merge -m "merge heads" d4e5f6a7b8c9 e5f6a7b8c9d0');
    // Merged late: older than what the target already has.
    const late = seq.find((f) => f.ruleId === 'validate/sequence-out-of-order')!;
    expect(late.message).toBe('000002_create_orders is not applied on pglite:target but is older than 000003_add_users_tenant, which is: a deploy would apply it out of order');
    expect(seq).toHaveLength(3);

    // A migration that fails on PostgreSQL, and a down that forgets a column.
    const trial = check('trial').findings;
    // Each migration's own cycle, in order: 000003's down, then (its up run again over what the down left) and 000005's up.
    expect(trial.map((f) => [f.ruleId, f.file, f.line, f.column, f.message])).toEqual([
      ['validate/trial-down-leaves-schema', 'migrations/000003_add_users_tenant.down.sql', 2, 1, 'down of 000003_add_users_tenant leaves column users.tenant_id behind'],
      [
        'validate/trial-reapply-failed',
        'migrations/000003_add_users_tenant.up.sql',
        1,
        1,
        'up of 000003_add_users_tenant fails when applied again after its down: column "tenant_id" of relation "users" already exists (SQLSTATE 42701)',
      ],
      [
        'validate/trial-up-failed',
        'migrations/000005_backfill_tenant.up.sql',
        3,
        8,
        'up of 000005_backfill_tenant fails on PostgreSQL: column "tennant_id" of relation "users" does not exist (SQLSTATE 42703)',
      ],
    ]);
    expect(trial[0].details.map((d) => d.label)).toEqual(['before the up', 'after the down']);
    expect(trial[0].details[1].lines).toContain('  tenant_id bigint');
    expect(trial[0].details[0].lines).not.toContain('  tenant_id bigint');
    // The second 000004 is not in the plan (the sequence check names the clash): said, not silently skipped.
    const group = check('trial').data!.groups.find((g: { folder: string }) => g.folder === 'migrations');
    expect(group.notTried).toEqual([
      {
        id: '000004',
        label: '000004_add_users_phone',
        file: 'migrations/000004_add_users_phone.up.sql',
        part: 'up',
        reason: 'two migrations have the id 000004: migrations/000004_add_orders_status.up.sql and migrations/000004_add_users_phone.up.sql',
      },
    ]);

    // An applied migration edited since.
    const drift = check('drift');
    expect(drift.findings.map((f) => [f.ruleId, f.file])).toEqual([['validate/drift-changed', 'migrations/000001_create_users.up.sql']]);
    expect(drift.findings[0].message).toMatch(/^000001_create_users was applied on pglite:target \(.+\) and its file changed since$/);
    // In the order a deploy applies them: each folder in its framework's order (folders by path).
    expect(drift.data!.pending.map((p: { id: string }) => p.id)).toEqual(['c3d4e5f6a7b8', 'd4e5f6a7b8c9', 'e5f6a7b8c9d0', '000002', '000004', '000004', '000005']);

    // Lint covered what is pending, with the project's config.
    expect(check('lint').summary).toBe('7 pending migrations (2 already applied, not re-linted): 0 errors, 0 warnings');
    // validate reads the target and writes nothing to it: its history is as apply left it.
    const target = await PgliteDriver.open(parseDbTarget('pglite:target', ws) as PgliteTarget, { command: 'test', lockWaitMs: 5000 });
    try {
      const rows = await target.query<{ version: string; result: string }>('SELECT version, result FROM migratelint_migrations ORDER BY id');
      expect(rows).toEqual([
        { version: '000001', result: 'applied' },
        { version: '000003', result: 'applied' },
      ]);
      expect(await target.query(`SELECT relname FROM pg_class WHERE relname = 'orders'`)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('skips what it is told to skip, and says so', async () => {
    const ws = copyOf(BROKEN);
    const run = await cli(['validate', '--no-trial', '--no-sequence'], ws);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 5)).toEqual([
      '✔ lint           9 migrations: 0 errors, 0 warnings',
      '- sequence       skipped (--no-sequence)',
      '✔ reversibility  9 migrations with downs, all usable',
      '- trial run      skipped (--no-trial)',
      '- drift          skipped (no --db given)',
    ]);
    expect(run.stdout).toMatch(/✔ validate passed: 2 checks passed, 3 skipped \(sequence, trial, drift\), 9 migrations, [\d.]+ s\n$/);
  });

  it('skips checks the config switches off, and names the config', async () => {
    const ws = copyOf(BROKEN);
    const configFile = path.join(ws, '.migratelintrc.json');
    const config = fs.existsSync(configFile) ? JSON.parse(fs.readFileSync(configFile, 'utf8')) : {};
    fs.writeFileSync(configFile, JSON.stringify({ ...config, validate: { trial: false, sequence: false } }));
    const run = await cli(['validate'], ws);
    expect(run.stdout).toMatch(/- sequence\s+skipped \(validate\.sequence: false in \.migratelintrc\.json\)/);
    expect(run.stdout).toMatch(/- trial run\s+skipped \(validate\.trial: false in \.migratelintrc\.json\)/);
    expect(run.code).toBe(0);
  });
});

describe('validate on the clean fixture repository', { timeout: 120_000 }, () => {
  it('passes every check and exits 0', async () => {
    const ws = copyOf(CLEAN);
    const run = await cli(['validate'], ws);
    expect(run.stderr.replace(/^still validate: .*\n/gm, '')).toBe(''); // a progress line on a slow machine
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '✔ lint           9 migrations: 0 errors, 0 warnings',
      '✔ sequence       9 migrations in 3 folders: versions unique and ordered, revision graphs have one head',
      '✔ reversibility  9 migrations with downs, all usable',
    ]);
    // The Alembic migrations are trialled from their lowered SQL too; the version it ran on is said.
    expect(lines[3]).toMatch(/^✔ trial run      PostgreSQL 18\.\d+ \(PGlite [\d.]+\): 9 ups, 9 downs compared$/);
    expect(lines[4]).toMatch(/^    note: the trial ran on PostgreSQL 18\.\d+ \(PGlite [\d.]+\); production's version is not configured \(pgVersion; lint assumes 15\): set it, and run the trial on a PostgreSQL 15 server with --trial-db/);
    // Generated rows in the tables the migrations change, checked after each down → up.
    expect(lines[5]).toBe('    note: rows: 4 rows generated in 4 tables before the cycles of the migrations changing them; 3 downs checked for rows lost after down → up');
    expect(lines[6]).toBe('- drift          skipped (no --db given)');
    expect(run.stdout).toMatch(/✔ validate passed: 4 checks passed, 1 skipped \(drift\), 9 migrations, [\d.]+ s\n$/);
  });
});

describe('validate: usage', () => {
  it('writes the report to a file with -o', async () => {
    const ws = copyOf(CLEAN);
    const run = await cli(['validate', '--no-trial', '-f', 'markdown', '-o', 'out/validate.md'], ws);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(fs.readFileSync(path.join(ws, 'out/validate.md'), 'utf8')).toMatch(/^<!-- migratelint-validate-report -->\n### migratelint validate: ✅ passed\n/);
  });

  it('turns every usage mistake into one line and exit code 2', async () => {
    const ws = copyOf(CLEAN);
    const cases: [string[], string][] = [
      [['validate', '-f', 'xml'], 'migratelint: unknown format "xml" (expected one of: text, json, sarif, github, gitlab, markdown, junit, compact)\n'],
      [['validate', '--trial', '--no-trial'], 'migratelint: --trial and --no-trial contradict each other\n'],
      [['validate', '--db', 'mysql://x'], 'migratelint: --db: expected pglite:<dir>, pglite:memory or postgres://…, got "mysql://x"\n'],
      [['validate', '--bogus'], "migratelint: Unknown option '--bogus' (see: migratelint validate --help)\n"],
      [['validate', 'nowhere'], 'migratelint: nowhere: no such file or directory\n'],
      [['validate', '--trial-db', 'pglite:x'], 'migratelint: --trial-db expects a postgres:// URL of a server (the embedded trial database is the default)\n'],
      [['validate', '--pg-version', 'x'], 'migratelint: --pg-version expects a positive whole number, got "x"\n'],
    ];
    for (const [args, stderr] of cases) {
      const run = await cli(args, ws);
      expect([args, run.code, run.stderr]).toEqual([args, 2, stderr]);
      expect(run.stdout).toBe('');
    }
    const empty = project({ 'README.md': 'no migrations here' });
    const none = await cli(['validate'], empty);
    expect([none.code, none.stderr]).toEqual([2, 'migratelint: no migrations directory found (pass one, e.g.: migratelint apply db/migrations)\n']);
  });

  it('reads the target from $MIGRATELINT_DB when --db is not given', async () => {
    const ws = copyOf(CLEAN);
    const run = await runCli(['validate', '--no-trial'], { cwd: ws, env: { ...ENV, MIGRATELINT_DB: 'pglite:nowhere' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✖ drift          cannot read pglite:nowhere\n    error  cannot read pglite:nowhere: no database at pglite:nowhere  validate/drift-unreachable\n');
    expect(fs.existsSync(path.join(ws, 'nowhere'))).toBe(false);
  });

  it('prints its help', async () => {
    const run = await cli(['validate', '--help'], CLEAN);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: migratelint validate \[paths\.\.\.\] \[options\]/);
    expect(run.stdout).toContain('--no-lint, --no-sequence, --no-reversibility, --no-trial, --no-drift');
  });
});
