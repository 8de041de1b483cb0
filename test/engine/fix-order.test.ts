/**
 * `--fix` moves a statement to a migration of its own only where the order does not
 * matter, and keeps the last statement of a migration where it stands once the tool's
 * own switch turns that migration's transaction off. In process: lint, then the CLI's
 * fix step, on a folder in a temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { loadConfig } from '../../src/config/load.js';
import { fixMigrationFiles } from '../../src/cli/fix-files.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-fix-order-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'p-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Runs the fix step as `lint --fix` does; gives its summary. */
async function fix(cwd: string, dir = 'db'): Promise<string> {
  const result = await lint([dir], { cwd, retainIR: true });
  return fixMigrationFiles(result, cwd, await loadConfig({ cwd })).summary;
}

const read = (cwd: string, file: string) => fs.readFileSync(path.join(cwd, file), 'utf8');
const list = (cwd: string, dir = 'db') => fs.readdirSync(path.join(cwd, dir)).sort();

const TABLE = {
  'db/000001_t.up.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int, flag boolean);\nCREATE INDEX t_flag_idx ON t (flag);\n',
  'db/000001_t.down.sql': 'DROP TABLE t;\n',
};

describe('moving a statement past the rest of its migration', () => {
  it('keeps a DROP INDEX before the DROP COLUMN that would drop the index itself (the table known from an earlier migration)', async () => {
    const cwd = project({
      ...TABLE,
      'db/000002_flag.up.sql': 'DROP INDEX t_flag_idx;\nALTER TABLE t DROP COLUMN flag;\nCREATE INDEX t_a_idx ON t (a);\n',
      'db/000002_flag.down.sql': 'DROP INDEX t_a_idx;\nALTER TABLE t ADD COLUMN flag boolean;\nCREATE INDEX t_flag_idx ON t (flag);\n',
    });
    const summary = await fix(cwd);
    expect(summary).toMatch(/000002_flag\.up\.sql:1: require-concurrent-index-drop: not moved: the statement on line 2 must still run after it, so it cannot move/);
    // The index on the column that stays moves, with its way back.
    expect(read(cwd, 'db/000002_flag.up.sql')).toBe('DROP INDEX t_flag_idx;\nALTER TABLE t DROP COLUMN flag;\n');
    expect(read(cwd, 'db/000003_create_t_a_idx_concurrently.up.sql')).toBe('CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n');
    expect(read(cwd, 'db/000002_flag.down.sql')).toBe('ALTER TABLE t ADD COLUMN flag boolean;\nCREATE INDEX t_flag_idx ON t (flag);\n');
  });

  it('keeps a DROP INDEX of an index no migration created where DDL follows, saying the table is unknown', async () => {
    const cwd = project({
      'db/000002_flag.up.sql': 'DROP INDEX legacy_idx;\nALTER TABLE t DROP COLUMN flag;\n',
      'db/000002_flag.down.sql': 'ALTER TABLE t ADD COLUMN flag boolean;\nCREATE INDEX legacy_idx ON t (flag);\n',
    });
    expect(await fix(cwd)).toMatch(/not moved: the statement on line 2 must still run after it \(the table of legacy_idx is not known\)/);
    expect(list(cwd)).toHaveLength(2);
  });

  it('keeps a CREATE INDEX before a rename of its table, and moves one past ADD COLUMN and a backfill', async () => {
    const renamed = project({
      ...TABLE,
      'db/000002_r.up.sql': 'CREATE INDEX t_a_idx ON t (a);\nALTER TABLE t RENAME TO things;\n',
      'db/000002_r.down.sql': 'ALTER TABLE things RENAME TO t;\nDROP INDEX t_a_idx;\n',
    });
    expect(await fix(renamed)).toMatch(/000002_r\.up\.sql:1: require-concurrent-index: not moved: the statement on line 2 must still run after it/);
    const backfill = project({
      ...TABLE,
      'db/000002_b.up.sql': 'CREATE INDEX t_a_idx ON t (a);\nALTER TABLE t ADD COLUMN b int;\nUPDATE t SET b = a WHERE b IS NULL;\n',
      'db/000002_b.down.sql': 'ALTER TABLE t DROP COLUMN b;\nDROP INDEX t_a_idx;\n',
    });
    expect(await fix(backfill)).toMatch(/moved 1 statement/);
    expect(read(backfill, 'db/000002_b.up.sql')).toBe('ALTER TABLE t ADD COLUMN b int;\nUPDATE t SET b = a WHERE b IS NULL;\n');
  });

  it('writes no DROP into the new down for CREATE INDEX IF NOT EXISTS the old down left alone (the index may predate it)', async () => {
    const cwd = project({
      ...TABLE,
      'db/000002_repair.up.sql': 'ALTER TABLE t ADD COLUMN IF NOT EXISTS b int;\nCREATE INDEX IF NOT EXISTS t_a_idx ON t (a);\n',
      'db/000002_repair.down.sql': '-- Intentionally no-op: the objects may come from earlier migrations.\n',
    });
    await fix(cwd);
    expect(read(cwd, 'db/000003_create_t_a_idx_concurrently.up.sql')).toBe('CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON t (a);\n');
    expect(read(cwd, 'db/000003_create_t_a_idx_concurrently.down.sql')).toBe(
      '-- CREATE INDEX IF NOT EXISTS may have found t_a_idx there already, and the old down left it: so does this one\nSELECT 1;\n',
    );
  });

  it('keeps a unique index before the statement that relies on it, and a DROP INDEX before rows it would refuse', async () => {
    const fk = project({
      ...TABLE,
      'db/000002_u.up.sql': 'CREATE UNIQUE INDEX t_a_key ON t (a);\nALTER TABLE t ADD COLUMN parent int;\nALTER TABLE t ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent) REFERENCES t (a) NOT VALID;\n',
      'db/000002_u.down.sql': 'ALTER TABLE t DROP CONSTRAINT t_parent_fk;\nALTER TABLE t DROP COLUMN parent;\nDROP INDEX t_a_key;\n',
    });
    expect(await fix(fk)).toMatch(/000002_u\.up\.sql:1: require-concurrent-index: not moved: the statement on line 3 must still run after it/);
    const rows = project({
      ...TABLE,
      'db/000002_d.up.sql': 'DROP INDEX t_flag_idx;\nINSERT INTO t (id, flag) VALUES (1, true);\n',
      'db/000002_d.down.sql': 'DELETE FROM t WHERE id = 1;\nCREATE INDEX t_flag_idx ON t (flag);\n',
    });
    expect(await fix(rows)).toMatch(/000002_d\.up\.sql:1: require-concurrent-index-drop: not moved: the statement on line 2 must still run after it/);
  });

  it('keeps the pair together when the down must add the column before the index', async () => {
    const cwd = project({
      ...TABLE,
      'db/000002_x.up.sql': 'DROP INDEX t_flag_idx;\nCREATE TABLE audit (id bigint);\n',
      'db/000002_x.down.sql': 'DROP TABLE audit;\nALTER TABLE t ADD COLUMN IF NOT EXISTS flag boolean;\nCREATE INDEX t_flag_idx ON t (flag);\n',
    });
    expect(await fix(cwd)).toMatch(/not moved: the down's statement on line 2 must still run before the one undoing it/);
  });
});

describe('the last statement of a migration that runs in a transaction', () => {
  it('dbmate: -- migrate:up transaction:false, and the fix where it stands', async () => {
    const file = 'db/migrations/20240102000000_idx.sql';
    const cwd = project({ [file]: '-- migrate:up\nCREATE INDEX t_a_idx ON t (a);\n\n-- migrate:down\nDROP INDEX IF EXISTS t_a_idx;\n' });
    const summary = await fix(cwd, 'db/migrations');
    expect(read(cwd, file)).toBe('-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n\n-- migrate:down\nDROP INDEX IF EXISTS t_a_idx;\n');
    expect(summary).toMatch(/ran 1 migration outside a transaction, each holding only the statement fixed:\n {2}db\/migrations\/20240102000000_idx\.sql:2 \(-- migrate:up transaction:false\)/);
    // Linted again, it is clean of the hazard.
    const again = await lint(['db/migrations'], { cwd });
    expect(again.findings.map((f) => f.ruleId)).not.toContain('require-concurrent-index');
    expect(again.findings.map((f) => f.ruleId)).not.toContain('no-concurrently-in-transaction');
  });

  it('dbmate: an up marker with options of its own is left to the author', async () => {
    const file = 'db/migrations/20240102000000_idx.sql';
    const text = '-- migrate:up transaction:true\nCREATE INDEX t_a_idx ON t (a);\n\n-- migrate:down\nDROP INDEX IF EXISTS t_a_idx;\n';
    const cwd = project({ [file]: text });
    expect(await fix(cwd, 'db/migrations')).toMatch(/not applied: it is the only statement of a migration that runs in a transaction, and its -- migrate:up line already has options/);
    expect(read(cwd, file)).toBe(text);
  });

  it('goose: -- +goose NO TRANSACTION', async () => {
    const cwd = project({ 'db/00002_idx.sql': '-- +goose Up\nCREATE INDEX t_a_idx ON t (a);\n\n-- +goose Down\nDROP INDEX IF EXISTS t_a_idx;\n' });
    await fix(cwd);
    expect(read(cwd, 'db/00002_idx.sql')).toBe('-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n\n-- +goose Down\nDROP INDEX IF EXISTS t_a_idx;\n');
  });

  it('diesel: run_in_transaction = false in the migration\'s metadata.toml', async () => {
    const dir = 'migrations/2024-01-02-000000_idx';
    const cwd = project({ [`${dir}/up.sql`]: 'CREATE INDEX t_a_idx ON t (a);\n', [`${dir}/down.sql`]: 'DROP INDEX IF EXISTS t_a_idx;\n' });
    await fix(cwd, 'migrations');
    expect(read(cwd, `${dir}/up.sql`)).toBe('CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n');
    expect(read(cwd, `${dir}/metadata.toml`)).toBe('run_in_transaction = false\n');
  });
});

describe('new migrations in the layouts of other formats', () => {
  it('Prisma: a folder after the migration, holding only the statement', async () => {
    const cwd = project({
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n',
      'prisma/migrations/20240102000000_idx/migration.sql': 'ALTER TABLE t ADD COLUMN b int;\nCREATE INDEX t_a_idx ON t (a);\n',
    });
    await fix(cwd, 'prisma/migrations');
    expect(read(cwd, 'prisma/migrations/20240102000000_idx/migration.sql')).toBe('ALTER TABLE t ADD COLUMN b int;\n');
    expect(read(cwd, 'prisma/migrations/20240102000001_create_t_a_idx_concurrently/migration.sql')).toBe('CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n');
  });

  it('Prisma: a DETACH PARTITION stays before the DROP TABLE of the partition it detaches', async () => {
    const cwd = project({
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE m (at date) PARTITION BY RANGE (at);\nCREATE TABLE m_2023 PARTITION OF m FOR VALUES FROM (\'2023-01-01\') TO (\'2024-01-01\');\n',
      'prisma/migrations/20240102000000_detach/migration.sql': 'ALTER TABLE m DETACH PARTITION m_2023;\nDROP TABLE m_2023;\n',
    });
    expect(await fix(cwd, 'prisma/migrations')).toMatch(/20240102000000_detach\/migration\.sql:1: require-concurrent-detach-partition: not moved: the statement on line 2 must still run after it/);
  });

  it('Flyway: a V file with a version between this one and the next', async () => {
    const cwd = project({
      'db/migration/V1__t.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n',
      'db/migration/V2__idx.sql': 'ALTER TABLE t ADD COLUMN b int;\nCREATE INDEX t_a_idx ON t (a);\n',
      'db/migration/V3__more.sql': 'ALTER TABLE t ADD COLUMN c int;\n',
    });
    await fix(cwd, 'db/migration');
    expect(list(cwd, 'db/migration')).toEqual(['V1__t.sql', 'V2_1__create_t_a_idx_concurrently.sql', 'V2__idx.sql', 'V3__more.sql']);
    expect(read(cwd, 'db/migration/V2_1__create_t_a_idx_concurrently.sql')).toBe('CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n');
  });
});

describe('the last statement of a code migration: the framework\'s own switch', () => {
  it('node-pg-migrate: pgm.noTransaction() before it', async () => {
    const file = 'migrations/1700000000000_idx.js';
    const cwd = project({ [file]: "exports.up = (pgm) => {\n  pgm.sql('CREATE INDEX t_a_idx ON t (a)');\n};\n\nexports.down = (pgm) => {\n  pgm.sql('DROP INDEX IF EXISTS t_a_idx');\n};\n" });
    expect(await fix(cwd, 'migrations')).toMatch(/ran 1 migration outside a transaction.*\n {2}migrations\/1700000000000_idx\.js:2 \(pgm\.noTransaction\(\)\)/);
    expect(read(cwd, file)).toBe(
      "exports.up = (pgm) => {\n  pgm.noTransaction();\n  pgm.sql('CREATE INDEX CONCURRENTLY t_a_idx ON t (a)');\n};\n\nexports.down = (pgm) => {\n  pgm.sql('DROP INDEX IF EXISTS t_a_idx');\n};\n",
    );
  });

  it('knex: exports.config = { transaction: false }', async () => {
    const file = 'migrations/20240101000000_idx.js';
    const cwd = project({ [file]: "exports.up = function (knex) {\n  return knex.raw('CREATE INDEX t_a_idx ON t (a)');\n};\n\nexports.down = function (knex) {\n  return knex.raw('DROP INDEX IF EXISTS t_a_idx');\n};\n" });
    await fix(cwd, 'migrations');
    expect(read(cwd, file)).toBe(
      "exports.up = function (knex) {\n  return knex.raw('CREATE INDEX CONCURRENTLY t_a_idx ON t (a)');\n};\n\nexports.down = function (knex) {\n  return knex.raw('DROP INDEX IF EXISTS t_a_idx');\n};\nexports.config = { transaction: false };\n",
    );
  });

  const django = (operations: string) =>
    `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n\n    operations = [\n${operations}    ]\n`;
  const initial =
    "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n\n    operations = [\n" +
    "        migrations.CreateModel(name='Item', fields=[('id', models.BigAutoField(primary_key=True)), ('code', models.CharField(max_length=5))]),\n    ]\n";
  const runSql = '        migrations.RunSQL("CREATE INDEX shop_item_code_idx ON shop_item (code)", migrations.RunSQL.noop),\n';

  it('Django: atomic = False on the Migration class, and not when other operations would lose their transaction', async () => {
    const files = (ops: string) => ({ 'shop/__init__.py': '', 'shop/migrations/__init__.py': '', 'shop/migrations/0001_initial.py': initial, 'shop/migrations/0002_idx.py': django(ops) });
    const alone = project(files(runSql));
    await fix(alone, 'shop');
    expect(read(alone, 'shop/migrations/0002_idx.py')).toBe(
      django(runSql.replace('CREATE INDEX', 'CREATE INDEX CONCURRENTLY')).replace('(migrations.Migration):\n', '(migrations.Migration):\n    atomic = False\n'),
    );
    const withCode = project(files(`        migrations.RunPython(migrations.RunPython.noop),\n${runSql}`));
    expect(await fix(withCode, 'shop')).toMatch(/not applied: it is the only statement of a migration that runs in a transaction, and it does more than that statement/);
    expect(read(withCode, 'shop/migrations/0002_idx.py')).toBe(django(`        migrations.RunPython(migrations.RunPython.noop),\n${runSql}`));
  });
});
