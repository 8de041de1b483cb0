/**
 * The plan orders each framework's migrations as the framework does, in folders whose
 * file-name order differs from it wherever that can happen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/plan/load.js';
import { buildPlan } from '../../src/plan/plan.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-plan-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function plan(files: Record<string, string>, paths = ['.']) {
  const cwd = folder(files);
  const result = buildPlan(await loadMigrations(paths, { cwd }));
  return { ...result, ids: result.items.map((p) => p.id), files: result.items.map((p) => p.file) };
}

const sql = 'SELECT 1;\n';
const alembic = (rev: string, down: string | null, extra = '') =>
  `"""${rev}"""\nfrom alembic import op\n\nrevision = '${rev}'\ndown_revision = ${down === null ? 'None' : `'${down}'`}\n${extra}\n\ndef upgrade():\n    op.execute("SELECT 1")\n\n\ndef downgrade():\n    op.execute("SELECT 2")\n`;
const django = (deps: [string, string][], extra = '') =>
  `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps.map(([a, n]) => `('${a}', '${n}')`).join(', ')}]\n${extra}    operations = []\n`;
const knex = 'exports.up = (knex) => knex.raw("SELECT 1");\nexports.down = (knex) => knex.raw("SELECT 2");\n';

describe('version formats: numbers compared part by part, not file names as text', () => {
  it('golang-migrate: 2 before 10', async () => {
    const p = await plan({ 'db/10_c.up.sql': sql, 'db/10_c.down.sql': sql, 'db/2_b.up.sql': sql, 'db/2_b.down.sql': sql, 'db/1_a.up.sql': sql, 'db/1_a.down.sql': sql });
    expect(p.ids).toEqual(['1', '2', '10']);
    expect(p.problems).toEqual([]);
  });

  it('goose: 9 before 10', async () => {
    const goose = '-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n';
    const p = await plan({ 'db/10_b.sql': goose, 'db/9_a.sql': goose });
    expect(p.ids).toEqual(['9', '10']);
  });

  it('Flyway: 1.9 before 1.10, repeatables after every versioned migration', async () => {
    const p = await plan({ 'sql/V1_10__b.sql': sql, 'sql/V1_9__a.sql': sql, 'sql/R__views.sql': sql, 'sql/V2__c.sql': sql });
    expect(p.ids).toEqual(['1.9', '1.10', '2', 'views']);
    expect(p.items.map((i) => i.repeatable)).toEqual([false, false, false, true]);
  });

  it('TypeORM: by the timestamp in the name, as a number', async () => {
    const migration = (name: string) =>
      `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class ${name} implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query('SELECT 1'); }\n  async down(q: QueryRunner) { await q.query('SELECT 2'); }\n}\n`;
    const p = await plan({ 'src/migrations/1690000000000-Later.ts': migration('Later1690000000000'), 'src/migrations/999999999999-Earlier.ts': migration('Earlier999999999999') });
    expect(p.ids).toEqual(['999999999999-Earlier', '1690000000000-Later']);
  });
});

describe('files for several databases (gobuffalo/pop, ory/popx)', () => {
  it("leaves out other databases' files and prefers the PostgreSQL one over the generic one", async () => {
    const p = await plan({
      'm/1_a.up.sql': sql,
      'm/1_a.down.sql': sql,
      'm/1_a.mysql.up.sql': sql,
      'm/1_a.sqlite3.up.sql': sql,
      'm/2_b.up.sql': sql,
      'm/2_b.postgres.up.sql': sql,
      'm/2_b.cockroach.up.sql': sql,
      'm/3_c.autocommit.up.sql': sql,
    });
    expect(p.files).toEqual(['m/1_a.up.sql', 'm/2_b.postgres.up.sql', 'm/3_c.autocommit.up.sql']);
    expect(p.otherDatabases.sort()).toEqual(['m/1_a.mysql.up.sql', 'm/1_a.sqlite3.up.sql', 'm/2_b.cockroach.up.sql']);
    expect(p.problems).toEqual([]);
  });
});

describe('name formats: file (or folder) names as text, as the tools sort them', () => {
  it('dbmate sorts names as text, so 10_ comes before 9_', async () => {
    const dbmate = '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n';
    const p = await plan({ 'db/migrations/9_a.sql': dbmate, 'db/migrations/10_b.sql': dbmate });
    expect(p.files.map((f) => path.basename(f))).toEqual(['10_b.sql', '9_a.sql']);
  });

  it('diesel and Prisma by folder name', async () => {
    const d = await plan({ 'migrations/2024-01-02-000000_b/up.sql': sql, 'migrations/2024-01-02-000000_b/down.sql': sql, 'migrations/2023-12-31-000000_a/up.sql': sql, 'migrations/2023-12-31-000000_a/down.sql': sql });
    expect(d.files).toEqual(['migrations/2023-12-31-000000_a/up.sql', 'migrations/2024-01-02-000000_b/up.sql']);
    const p = await plan({ 'prisma/migrations/20240102000000_b/migration.sql': sql, 'prisma/migrations/20231231000000_a/migration.sql': sql });
    expect(p.files).toEqual(['prisma/migrations/20231231000000_a/migration.sql', 'prisma/migrations/20240102000000_b/migration.sql']);
  });

  it('knex: the whole file name is the identity, so date-like prefixes never collide', async () => {
    const p = await plan({ 'migrations/2023-08-16-0000-add-x.js': knex, 'migrations/2023-08-17-0000-add-y.js': knex, 'migrations/2023-08-16-0100-add-z.js': knex });
    expect(p.ids).toEqual(['2023-08-16-0000-add-x', '2023-08-16-0100-add-z', '2023-08-17-0000-add-y']);
    expect(p.problems).toEqual([]);
  });
});

describe('Alembic: the revision graph, not the file names', () => {
  it('applies cccc -> aaaa -> bbbb in chain order', async () => {
    const p = await plan({
      'alembic/versions/aaaa_second.py': alembic('aaaa', 'cccc'),
      'alembic/versions/bbbb_third.py': alembic('bbbb', 'aaaa'),
      'alembic/versions/cccc_first.py': alembic('cccc', null),
    });
    expect(p.ids).toEqual(['cccc', 'aaaa', 'bbbb']);
    expect(p.items.map((i) => i.after)).toEqual([[], ['cccc'], ['aaaa']]);
    expect(p.problems).toEqual([]);
  });

  it('puts both parents of a merge before it, and reports two heads as a problem', async () => {
    const merged = await plan({
      'v/a.py': alembic('a', null),
      'v/b.py': alembic('b', 'a'),
      'v/c.py': alembic('c', 'a'),
      'v/m.py': alembic('m', 'x').replace("down_revision = 'x'", "down_revision = ('b', 'c')"),
    });
    expect(merged.ids.indexOf('m')).toBe(3);
    expect(merged.ids[0]).toBe('a');
    expect(merged.problems).toEqual([]);
    const forked = await plan({ 'v/a.py': alembic('a', null), 'v/b.py': alembic('b', 'a'), 'v/c.py': alembic('c', 'a') });
    expect(forked.problems.map((x) => x.message)).toEqual([expect.stringMatching(/has 2 heads \(b, c\).*alembic merge/)]);
  });

  it('reports a cycle and an unknown parent instead of guessing an order', async () => {
    const cycle = await plan({ 'v/a.py': alembic('a', 'b'), 'v/b.py': alembic('b', 'a') });
    expect(cycle.problems.map((x) => x.message)).toEqual([expect.stringMatching(/cycle: (a -> b -> a|b -> a -> b)/)]);
    const orphan = await plan({ 'v/a.py': alembic('a', 'gone') });
    expect(orphan.problems.map((x) => x.message)).toEqual(['down_revision gone of a is not a revision in v']);
  });
});

describe("Django: one plan across apps, as migrate builds it", () => {
  it('follows dependencies between apps, not folder order', async () => {
    const p = await plan({
      'accounts/migrations/0001_initial.py': django([]),
      'accounts/migrations/0002_owner.py': django([
        ['accounts', '0001_initial'],
        ['zoo', '0001_initial'],
      ]),
      'zoo/migrations/0001_initial.py': django([]),
      'accounts/migrations/__init__.py': '',
      'zoo/migrations/__init__.py': '',
    });
    expect(p.ids).toEqual(['accounts.0001_initial', 'zoo.0001_initial', 'accounts.0002_owner']);
    expect(p.problems).toEqual([]);
  });

  it('honours run_before: the named migration of another app waits for this one', async () => {
    const p = await plan({
      'accounts/migrations/0001_initial.py': django([]),
      'zoo/migrations/0001_initial.py': django([], "    run_before = [('accounts', '0001_initial')]\n"),
    });
    expect(p.ids).toEqual(['zoo.0001_initial', 'accounts.0001_initial']);
  });

  it('several apps with a 0001 each are no clash: the identity is app.name', async () => {
    const p = await plan({ 'a/migrations/0001_initial.py': django([]), 'b/migrations/0001_initial.py': django([]) });
    expect(p.ids).toEqual(['a.0001_initial', 'b.0001_initial']);
    expect(p.problems).toEqual([]);
  });

  it('runs a squashed migration in place of the ones it replaces', async () => {
    const p = await plan({
      'shop/migrations/0001_initial.py': django([]),
      'shop/migrations/0002_price.py': django([['shop', '0001_initial']]),
      'shop/migrations/0001_squashed_0002_price.py': django([], "    replaces = [('shop', '0001_initial'), ('shop', '0002_price')]\n"),
      'shop/migrations/0003_tax.py': django([['shop', '0002_price']]),
    });
    expect(p.ids).toEqual(['shop.0001_squashed_0002_price', 'shop.0003_tax']);
    expect(p.replaced.map((r) => [r.id, r.by])).toEqual([
      ['shop.0001_initial', 'shop.0001_squashed_0002_price'],
      ['shop.0002_price', 'shop.0001_squashed_0002_price'],
    ]);
  });

  it('reports two leaves in one app', async () => {
    const p = await plan({
      'shop/migrations/0001_initial.py': django([]),
      'shop/migrations/0002_a.py': django([['shop', '0001_initial']]),
      'shop/migrations/0002_b.py': django([['shop', '0001_initial']]),
    });
    expect(p.problems.map((x) => x.message)).toEqual([expect.stringMatching(/app shop has 2 leaf migrations \(shop\.0002_a, shop\.0002_b\)/)]);
  });
});
