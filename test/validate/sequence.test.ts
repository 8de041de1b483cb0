import { afterAll, describe, expect, it } from 'vitest';
import { sequenceCheck } from '../../src/validate/sequence.js';
import { findCycle } from '../../src/plan/graph.js';
import { cleanup, migrationsOf } from './helpers.js';

afterAll(cleanup);

const pair = (v: string, name: string) => ({
  [`migrations/${v}_${name}.up.sql`]: `CREATE TABLE ${name} (id bigint);\n`,
  [`migrations/${v}_${name}.down.sql`]: `DROP TABLE ${name};\n`,
});

function alembic(rev: string, down: string | string[] | null, extra = ''): string {
  const dr = down === null ? 'None' : Array.isArray(down) ? `(${down.map((d) => `'${d}'`).join(', ')})` : `'${down}'`;
  return `"""rev ${rev}"""\nfrom alembic import op\n\nrevision = '${rev}'\ndown_revision = ${dr}\n${extra}\n\ndef upgrade():\n    op.execute("SELECT 1")\n\n\ndef downgrade():\n    op.execute("SELECT 1")\n`;
}

function django(deps: [string, string][], extra = ''): string {
  return `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps.map(([a, n]) => `('${a}', '${n}')`).join(', ')}]\n${extra}\n    operations = []\n`;
}

const ids = (r: ReturnType<typeof sequenceCheck>) => r.findings.map((f) => f.ruleId);

describe('sequence: versioned formats', () => {
  it('passes unique, ordered versions, gaps included (no supported format forbids gaps)', async () => {
    const { migrations } = await migrationsOf({ ...pair('000001', 'a'), ...pair('000002', 'b'), ...pair('000007', 'c') });
    const r = sequenceCheck(migrations);
    expect(r.status).toBe('passed');
    expect(r.findings).toEqual([]);
    expect(r.summary).toBe('3 migrations in 1 folder: versions unique and ordered');
  });

  it('names both migrations of a duplicated version, at the later file', async () => {
    const { migrations } = await migrationsOf({ ...pair('000001', 'a'), ...pair('000002', 'orders'), ...pair('000002', 'phones') });
    const r = sequenceCheck(migrations);
    expect(r.status).toBe('failed');
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(f).toMatchObject({
      ruleId: 'validate/sequence-duplicate-version',
      severity: 'error',
      message: 'version 000002 is used by 2 migrations in migrations: 000002_orders, 000002_phones',
      file: 'migrations/000002_phones.up.sql',
    });
    expect(f.hint).toContain('golang-migrate keys its history by version');
  });

  it('treats 1 and 001 as the same version, as the tools that parse versions do', async () => {
    const { migrations } = await migrationsOf({ ...pair('1', 'a'), ...pair('001', 'b') });
    expect(sequenceCheck(migrations).findings.map((f) => f.message)).toEqual(['version 001 is used by 2 migrations in migrations: 001_b, 1_a']);
  });

  it('keeps folders apart: the same version in two folders is two databases', async () => {
    const { migrations } = await migrationsOf({
      'one/000001_a.up.sql': 'SELECT 1;',
      'one/000001_a.down.sql': 'SELECT 1;',
      'two/000001_a.up.sql': 'SELECT 1;',
      'two/000001_a.down.sql': 'SELECT 1;',
    });
    expect(sequenceCheck(migrations).findings).toEqual([]);
  });

  it('reports a golang-migrate file with no version and a version that is not a whole number', async () => {
    const { migrations } = await migrationsOf({
      ...pair('000001', 'a'),
      'migrations/init.up.sql': 'SELECT 1;',
      'migrations/init.down.sql': 'SELECT 1;',
      'migrations/1.5_b.up.sql': 'SELECT 1;',
      'migrations/1.5_b.down.sql': 'SELECT 1;',
    });
    const r = sequenceCheck(migrations);
    expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['validate/sequence-bad-version', 'version 1.5 of 1.5_b is not a whole number, which golang-migrate needs'],
      ['validate/sequence-missing-version', 'init.up.sql has no version: golang-migrate needs a numeric version prefix'],
    ]);
  });

  it('warns when a tool that sorts names as text would apply versions in another order than their numbers', async () => {
    const dbmate = (v: string) => ({ [`db/migrations/${v}_x${v}.sql`]: `-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n` });
    const { migrations } = await migrationsOf({ ...dbmate('9'), ...dbmate('10') });
    const r = sequenceCheck(migrations);
    expect(r.status).toBe('passed');
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      ['validate/sequence-order-ambiguous', 'warn', 'versions 10 and 9 sort one way as text and the other as numbers: dbmate applies 10_x10 first'],
    ]);
  });

  it('reports a pending migration older than one applied on the target (non-linear history)', async () => {
    const { migrations } = await migrationsOf({ ...pair('000001', 'a'), ...pair('000002', 'late'), ...pair('000003', 'c') });
    const r = sequenceCheck(migrations, { target: 'postgres://prod', applied: new Set(['000001', '000003']) });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      ruleId: 'validate/sequence-out-of-order',
      severity: 'error',
      file: 'migrations/000002_late.up.sql',
      message: '000002_late is not applied on postgres://prod but is older than 000003_c, which is: a deploy would apply it out of order',
    });
    expect(r.findings[0].hint).toMatch(/^golang-migrate never applies it/);
    // Newer pending migrations are simply pending.
    expect(sequenceCheck(migrations, { target: 'db', applied: new Set(['000001']) }).findings).toEqual([]);
  });
});

describe('sequence: Alembic', () => {
  it('passes a chain with a merge revision', async () => {
    const { migrations } = await migrationsOf({
      'alembic/versions/aaa_base.py': alembic('aaa', null),
      'alembic/versions/bbb_left.py': alembic('bbb', 'aaa'),
      'alembic/versions/ccc_right.py': alembic('ccc', 'aaa'),
      'alembic/versions/ddd_merge.py': alembic('ddd', ['bbb', 'ccc']),
    });
    const r = sequenceCheck(migrations);
    expect(r.findings).toEqual([]);
    expect(r.summary).toContain('revision graphs have one head');
  });

  it('names the heads of a history with two and the merge command', async () => {
    const { migrations } = await migrationsOf({
      'alembic/versions/aaa_base.py': alembic('aaa', null),
      'alembic/versions/bbb_left.py': alembic('bbb', 'aaa'),
      'alembic/versions/ccc_right.py': alembic('ccc', 'aaa'),
    });
    const r = sequenceCheck(migrations);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      ruleId: 'validate/sequence-multiple-heads',
      severity: 'error',
      message: 'alembic/versions has 2 heads: bbb (bbb_left.py), ccc (ccc_right.py); "alembic upgrade head" fails until they are merged',
      hint: 'alembic merge -m "merge heads" bbb ccc',
      file: 'alembic/versions/ccc_right.py',
    });
  });

  it('only warns about heads on labelled branches (deployed with "upgrade heads")', async () => {
    const { migrations } = await migrationsOf({
      'alembic/versions/aaa_base.py': alembic('aaa', null, "branch_labels = ('core',)"),
      'alembic/versions/bbb_other.py': alembic('bbb', null, "branch_labels = ('reports',)"),
    });
    const r = sequenceCheck(migrations);
    expect(r.status).toBe('passed');
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([['validate/sequence-multiple-heads', 'warn']]);
  });

  it('reports unknown parents, unknown depends_on, duplicate revision ids and cycles', async () => {
    const unknown = await migrationsOf({
      'alembic/versions/aaa_base.py': alembic('aaa', null),
      'alembic/versions/bbb_next.py': alembic('bbb', 'zzz', "depends_on = 'yyy'"),
    });
    expect(sequenceCheck(unknown.migrations).findings.map((f) => f.message)).toEqual([
      'down_revision zzz of bbb (bbb_next.py) is not a revision in alembic/versions',
      'depends_on yyy of bbb (bbb_next.py) is not a revision or branch label in alembic/versions',
      'alembic/versions has 2 heads: aaa (aaa_base.py), bbb (bbb_next.py); "alembic upgrade head" fails until they are merged',
    ]);
    const dup = await migrationsOf({
      'alembic/versions/aaa_base.py': alembic('aaa', null),
      'alembic/versions/aaa_copy.py': alembic('aaa', null),
    });
    expect(ids(sequenceCheck(dup.migrations))).toEqual(['validate/sequence-duplicate-version']);
    const cycle = await migrationsOf({
      'alembic/versions/aaa_a.py': alembic('aaa', 'ccc'),
      'alembic/versions/bbb_b.py': alembic('bbb', 'aaa'),
      'alembic/versions/ccc_c.py': alembic('ccc', 'bbb'),
    });
    const r = sequenceCheck(cycle.migrations);
    expect(ids(r)).toEqual(['validate/sequence-cycle']);
    expect(r.findings[0].message).toMatch(/^revisions in alembic\/versions form a cycle: (\w+ -> ){3}\w+$/);
  });

  it('reports a pending revision below an applied one', async () => {
    const { migrations } = await migrationsOf({
      'alembic/versions/aaa_base.py': alembic('aaa', null),
      'alembic/versions/bbb_next.py': alembic('bbb', 'aaa'),
    });
    const r = sequenceCheck(migrations, { target: 'db', applied: new Set(['bbb']) });
    expect(r.findings.map((f) => f.message)).toEqual(['aaa (aaa_base.py) is not applied on db, but bbb, which revises it, is']);
  });
});

describe('sequence: Django', () => {
  it('passes dependencies within the linted apps and ignores other apps', async () => {
    const { migrations } = await migrationsOf({
      'shop/migrations/0001_initial.py': django([['auth', '__first__'], ['contenttypes', '0002_remove_content_type_name']]),
      'shop/migrations/0002_order.py': django([['shop', '0001_initial'], ['accounts', '__first__']]),
      'accounts/migrations/0001_initial.py': django([]),
    });
    expect(sequenceCheck(migrations).findings).toEqual([]);
  });

  it('names the leaves of an app with two and the merge command', async () => {
    const { migrations } = await migrationsOf({
      'shop/migrations/0001_initial.py': django([]),
      'shop/migrations/0002_a.py': django([['shop', '0001_initial']]),
      'shop/migrations/0002_b.py': django([['shop', '0001_initial']]),
    });
    const r = sequenceCheck(migrations);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      ruleId: 'validate/sequence-multiple-heads',
      message: 'app shop has 2 leaf migrations: 0002_a, 0002_b; Django refuses to migrate until they are merged',
      hint: 'python manage.py makemigrations --merge shop',
    });
  });

  it('reports a dependency on a missing migration of a linted app, and resolves squashed ones', async () => {
    const missing = await migrationsOf({
      'shop/migrations/0001_initial.py': django([]),
      'shop/migrations/0002_b.py': django([['shop', '0001_initial'], ['accounts', '0002_gone']]),
      'accounts/migrations/0001_initial.py': django([]),
    });
    expect(sequenceCheck(missing.migrations).findings.map((f) => f.message)).toEqual([
      'shop.0002_b depends on accounts.0002_gone, which is not a migration of app accounts',
    ]);
    const squashed = await migrationsOf({
      'shop/migrations/0001_squashed_0002.py': django([], "    replaces = [('shop', '0001_initial'), ('shop', '0002_b')]"),
      'shop/migrations/0003_c.py': django([['shop', '0002_b']]),
    });
    expect(sequenceCheck(squashed.migrations).findings).toEqual([]);
  });
});

describe('findCycle', () => {
  it('finds a cycle in a long chain without recursion', () => {
    const nodes = new Map<string, { parents: string[] }>();
    for (let i = 0; i < 50_000; i++) nodes.set(`r${i}`, { parents: i ? [`r${i - 1}`] : [] });
    expect(findCycle(nodes)).toBeUndefined();
    nodes.set('r0', { parents: ['r49999'] });
    expect(findCycle(nodes)?.length).toBe(50_001);
  });
});
