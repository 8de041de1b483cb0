/**
 * `migratelint apply` and `rollback` on code migrations, end to end on the throwaway
 * PostgreSQL server: each migration runs through its framework (Alembic, Django, knex,
 * node-pg-migrate), `migratelint status` reads the framework's own table, and the
 * framework's own status command agrees afterwards. Skipped locally without a server or
 * the tool; under CI=true a missing one fails.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cli } from '../helpers/env.js';
import { resolveCommand } from '../../../src/exec/runners/index.js';
import type { MigrationFormat } from '../../../src/ir/types.js';
import { PG_URL, cleanupTempDirs, dropDatabases, freshDatabase, planOf, projectCopy } from './helpers.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

interface Case {
  fixture: string;
  format: MigrationFormat;
  /** The migrations folder given to migratelint. */
  dir: string;
  history: string;
  /** The framework's own verdict that nothing is pending, from its own CLI (argv relative to the resolved command's folder). */
  toolStatus?: (run: (argv: string[]) => string) => void;
}

const CASES: Case[] = [
  { fixture: 'alembic', format: 'alembic', dir: 'migrations', history: 'alembic_version' },
  { fixture: 'django', format: 'django', dir: '.', history: 'django_migrations' },
  { fixture: 'knex', format: 'knex', dir: 'db/migrations', history: 'knex_migrations' },
  { fixture: 'node-pg-migrate', format: 'node-pg-migrate', dir: 'migrations', history: 'pgmigrations' },
];

describe.skipIf(!PG_URL)('apply and rollback run code migrations through their framework', { timeout: 180_000 }, () => {
  afterAll(async () => {
    await dropDatabases();
    cleanupTempDirs();
  });

  for (const c of CASES) {
    it.concurrent(`${c.fixture}: apply, the framework's own status, migratelint status, rollback`, async ({ expect, skip }) => {
      const cwd = projectCopy(c.fixture);
      const plan = await planOf(cwd);
      const command = resolveCommand(c.format, undefined, cwd, { m: plan[0] });
      if ('refusal' in command) {
        if (process.env.CI) throw new Error(`${c.fixture} is not installed, and CI must run it: ${command.refusal}`);
        skip();
        return;
      }
      const url = await freshDatabase(`cli_${c.fixture}`);
      const db = ['--db', url];

      const dry = await cli(['apply', c.dir, ...db, '--dry-run'], cwd);
      expect(dry.stdout).toMatch(/-- runs: /);
      expect(dry.stdout).not.toMatch(/^BEGIN;$/m);

      const up = await cli(['apply', c.dir, ...db, '--yes', '--no-backup', '--force'], cwd);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain(`${plan.length} migration${plan.length === 1 ? '' : 's'} applied`);
      expect(up.stdout).toMatch(/through (Alembic|Django|knex|node-pg-migrate)/);

      const st = JSON.parse((await cli(['status', c.dir, ...db, '--json'], cwd)).stdout);
      expect(st.history).toBe(c.history);
      expect(st.migrations.map((m: { id: string; state: string }) => [m.id, m.state])).toEqual(plan.map((p) => [p.id, 'applied']));

      // The framework itself agrees: nothing pending.
      // The tool's own CLI: Django's default command ends in `migrate`, the other subcommands sit beside it.
      const base = c.format === 'django' ? command.argv.slice(0, -1) : command.argv;
      const run = (args: string[]) =>
        execFileSync(base[0], [...base.slice(1), ...args], {
          cwd: command.workdir,
          env: { ...process.env, DATABASE_URL: url },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      if (c.format === 'alembic') expect(run(['current'])).toContain(`${plan[plan.length - 1].id} (head)`);
      if (c.format === 'django') expect(run(['showmigrations', 'catalog', 'lending'])).not.toContain('[ ]');
      if (c.format === 'knex') expect(run(['migrate:list'])).toMatch(/No Pending Migration files Found/i);

      const back = await cli(['rollback', c.dir, ...db, '--yes', '--no-backup'], cwd);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toMatch(/rolled back .*through/);
      const after = JSON.parse((await cli(['status', c.dir, ...db, '--json'], cwd)).stdout);
      expect(after.migrations.map((m: { state: string }) => m.state)).toEqual([...plan.slice(0, -1).map(() => 'applied'), 'pending']);
      if (c.format === 'alembic') expect(run(['current'])).toContain(plan[plan.length - 2].id);
      if (c.format === 'knex') expect(run(['migrate:list'])).toContain(path.basename(plan[plan.length - 1].file));
    });
  }

  it('refuses code migrations on the embedded database, in one line saying why', async ({ expect }) => {
    const cwd = projectCopy('knex');
    const r = await cli(['apply', 'db/migrations', '--db', 'pglite:memory', '--yes', '--no-backup', '--force'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/knex migrations run through their framework, which connects to a PostgreSQL server itself: pass --db postgres:\/\//);
  });
});
