/**
 * The real frameworks against a real PostgreSQL server (the throwaway one of
 * scripts/with-postgres.sh): each fixture project under fixtures/runners/ is applied one
 * migration at a time through runFrameworkStep in plan order, checking the framework's
 * own history table and its data step after every step, then rolled back one step (after
 * a rollback that must stop at lock_timeout, which proves PGOPTIONS reaches the
 * framework's session).
 *
 * Without MIGRATELINT_TEST_PG_URL, or without a framework installed, these tests are
 * skipped locally and FAIL under CI=true: CI must never silently skip them. Python tools
 * come from Debian (.ci/run: alembic, python3-django, python3-psycopg2); JavaScript ones
 * from the repository's node_modules, or $MIGRATELINT_TEST_RUNNERS_NODE_MODULES.
 */
import { afterAll, describe, it } from 'vitest';
import type { MigrationFormat } from '../../../src/ir/types.js';
import type { PlannedMigration } from '../../../src/plan/plan.js';
import { resolveCommand, runFrameworkStep, runnerFor, type FrameworkStepResult } from '../../../src/exec/runners/index.js';
import { PG_URL, cleanupTempDirs, dropDatabases, freshDatabase, planOf, projectCopy, query, withClient } from './helpers.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to run the frameworks against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

interface Case {
  fixture: string;
  format: MigrationFormat;
  /** What the framework's history table holds, as plan ids, in the order it lists them. */
  history(url: string): Promise<string[]>;
  /** The ids the history counts as applied (Alembic keeps only the head). */
  applied(history: string[], plan: PlannedMigration[]): Set<string>;
  /** The data step's visible effect. */
  data(url: string): Promise<unknown[]>;
  expectedData: unknown[];
  /** After rolling back the last step. */
  dataAfterRollback: unknown[];
  /** A table the last migration's rollback needs a lock on. */
  lockTable: string;
}

const plain = (history: string[]) => new Set(history);
const col = async (url: string, sql: string) => (await query<{ v: string }>(url, sql)).map((r) => r.v);
const tableExists = async (url: string, table: string) => (await query(url, `SELECT 1 FROM pg_tables WHERE tablename = $1`, [table])).length > 0;

const CASES: Case[] = [
  {
    fixture: 'alembic',
    format: 'alembic',
    history: async (url) => ((await tableExists(url, 'alembic_version')) ? col(url, 'SELECT version_num AS v FROM alembic_version') : []),
    // A straight chain: the head and everything before it.
    applied: (history, plan) => new Set(history.length ? plan.slice(0, plan.findIndex((p) => p.id === history[0]) + 1).map((p) => p.id) : []),
    data: (url) => query(url, `SELECT email, email_domain, to_regclass('accounts_email_domain_idx') IS NOT NULL AS indexed FROM accounts ORDER BY id`),
    expectedData: [
      { email: 'Ada@Example.org', email_domain: 'example.org', indexed: true },
      { email: 'grace@navy.MIL', email_domain: 'navy.mil', indexed: true },
      { email: 'linus@kernel.org', email_domain: 'kernel.org', indexed: true },
    ],
    dataAfterRollback: [
      { email: 'Ada@Example.org', email_domain: null, indexed: false },
      { email: 'grace@navy.MIL', email_domain: null, indexed: false },
      { email: 'linus@kernel.org', email_domain: null, indexed: false },
    ],
    lockTable: 'accounts',
  },
  {
    fixture: 'django',
    format: 'django',
    history: async (url) => ((await tableExists(url, 'django_migrations')) ? col(url, `SELECT app || '.' || name AS v FROM django_migrations ORDER BY id`) : []),
    applied: plain,
    data: (url) => query(url, `SELECT title, slug, to_regclass('lending_loan') IS NOT NULL AS loans FROM catalog_book ORDER BY id`),
    expectedData: [
      { title: 'The Left Hand of Darkness', slug: 'the-left-hand-of-darkness', loans: true },
      { title: 'Un Lun Dun', slug: 'un-lun-dun', loans: true },
      { title: 'Piranesi: A Novel', slug: 'piranesi-a-novel', loans: true },
    ],
    dataAfterRollback: [
      { title: 'The Left Hand of Darkness', slug: 'the-left-hand-of-darkness', loans: false },
      { title: 'Un Lun Dun', slug: 'un-lun-dun', loans: false },
      { title: 'Piranesi: A Novel', slug: 'piranesi-a-novel', loans: false },
    ],
    lockTable: 'lending_loan',
  },
  {
    fixture: 'knex',
    format: 'knex',
    history: async (url) => ((await tableExists(url, 'knex_migrations')) ? col(url, `SELECT regexp_replace(name, '\\.js$', '') AS v FROM knex_migrations ORDER BY id`) : []),
    applied: plain,
    data: (url) => query(url, 'SELECT name, tier FROM customers ORDER BY id'),
    expectedData: [
      { name: 'Acme Corp', tier: 'gold' },
      { name: 'Globex', tier: 'silver' },
      { name: 'Initech', tier: 'trial' },
    ],
    dataAfterRollback: [
      { name: 'Acme Corp', tier: null },
      { name: 'Globex', tier: null },
      { name: 'Initech', tier: null },
    ],
    lockTable: 'customers',
  },
  {
    fixture: 'node-pg-migrate',
    format: 'node-pg-migrate',
    history: async (url) => ((await tableExists(url, 'pgmigrations')) ? col(url, 'SELECT name AS v FROM pgmigrations ORDER BY run_on, id') : []),
    applied: plain,
    data: (url) => query(url, 'SELECT reference, total_cents FROM orders ORDER BY id'),
    expectedData: [
      { reference: 'A-1001', total_cents: 870 },
      { reference: 'A-1002', total_cents: 1998 },
      { reference: 'A-1003', total_cents: 0 },
    ],
    dataAfterRollback: [
      { reference: 'A-1001', total_cents: null },
      { reference: 'A-1002', total_cents: null },
      { reference: 'A-1003', total_cents: null },
    ],
    lockTable: 'orders',
  },
  {
    fixture: 'sequelize',
    format: 'sequelize',
    history: async (url) => ((await tableExists(url, 'SequelizeMeta')) ? col(url, `SELECT regexp_replace(name, '\\.js$', '') AS v FROM "SequelizeMeta" ORDER BY name`) : []),
    applied: plain,
    data: (url) => query(url, 'SELECT name, price_band FROM products ORDER BY id'),
    expectedData: [
      { name: 'Stapler', price_band: 'mid' },
      { name: 'Paper clips', price_band: 'low' },
      { name: 'Desk lamp', price_band: 'high' },
    ],
    dataAfterRollback: [
      { name: 'Stapler', price_band: null },
      { name: 'Paper clips', price_band: null },
      { name: 'Desk lamp', price_band: null },
    ],
    lockTable: 'products',
  },
];

describe.skipIf(!PG_URL)('framework runners on PostgreSQL', { timeout: 180_000 }, () => {
  afterAll(async () => {
    await dropDatabases();
    cleanupTempDirs();
  });

  for (const c of CASES) {
    // Concurrent: each framework has its own project copy and database.
    it.concurrent(`${c.fixture}: applies each migration through the framework in plan order, then rolls the last one back`, async ({ expect, skip }) => {
      const runner = runnerFor(c.format)!;
      const cwd = projectCopy(c.fixture);
      const plan = await planOf(cwd);
      const command = resolveCommand(c.format, undefined, cwd, { m: plan[0] });
      if ('refusal' in command) {
        if (process.env.CI) throw new Error(`${c.fixture} is not installed, and CI must run it: ${command.refusal}`);
        skip();
        return;
      }
      const url = await freshDatabase(c.fixture);
      const password = new URL(url).password;
      const logs: string[] = [];
      const step = async (m: PlannedMigration, direction: 'up' | 'down', lockTimeoutMs = 10_000): Promise<FrameworkStepResult> =>
        runFrameworkStep({
          runner,
          ...command,
          m,
          direction,
          plan,
          cwd,
          databaseUrl: url,
          lockTimeoutMs,
          statementTimeoutMs: 60_000,
          secrets: [],
          log: (l) => logs.push(l),
          applied: c.applied(await c.history(url), plan),
        });

      for (const [i, m] of plan.entries()) {
        const r = await step(m, 'up');
        expect(r.ok, `${r.command}\n${r.output}`).toBe(true);
        expect(await c.history(url)).toEqual(c.format === 'alembic' ? [m.id] : plan.slice(0, i + 1).map((p) => p.id));
      }
      expect(await c.data(url)).toEqual(c.expectedData);
      expect(logs.join('\n')).not.toContain(password);

      const last = plan[plan.length - 1];
      const before = await c.history(url);
      await withClient(url, async (blocker) => {
        await blocker.query('BEGIN');
        await blocker.query(`LOCK TABLE ${c.lockTable} IN ACCESS EXCLUSIVE MODE`);
        const blocked = await step(last, 'down', 300);
        await blocker.query('ROLLBACK');
        expect(blocked.ok, blocked.output).toBe(false);
        expect(blocked.output).toMatch(/lock timeout/i);
      });
      expect(await c.history(url)).toEqual(before);

      const r = await step(last, 'down');
      expect(r.ok, `${r.command}\n${r.output}`).toBe(true);
      expect(await c.history(url)).toEqual(c.format === 'alembic' ? [plan[plan.length - 2].id] : plan.slice(0, -1).map((p) => p.id));
      expect(await c.data(url)).toEqual(c.dataAfterRollback);

      // The step before it rolls back on its own too (Django: another app, back to a named migration).
      const previous = plan[plan.length - 2];
      const again = await step(previous, 'down');
      expect(again.ok, `${again.command}\n${again.output}`).toBe(true);
      expect(await c.history(url)).toEqual(c.format === 'alembic' ? [plan[plan.length - 3].id] : plan.slice(0, -2).map((p) => p.id));
    });
  }
});
