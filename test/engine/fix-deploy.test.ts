/**
 * `lint --fix` writes migrations that deploy with the tool's own transaction rules: a
 * CONCURRENTLY fix that cannot run where it stands moves to a new migration of its own,
 * a NOT VALID fix comes with its VALIDATE in a following migration, and the rest is a
 * recipe printed for the user.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const read = (cwd: string, file: string) => fs.readFileSync(path.join(cwd, file), 'utf8');
const files = (cwd: string, dir: string) => fs.readdirSync(path.join(cwd, dir)).sort();
const fix = (cwd: string, dir = 'db', env?: NodeJS.ProcessEnv) => runCli(['lint', dir, '--fix', '-f', 'json'], { cwd, env });
const ruleIds = (stdout: string): string[] => JSON.parse(stdout).findings.map((f: { ruleId: string }) => f.ruleId);

const TABLES_UP = 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int);\n';
const TABLES_DOWN = 'DROP TABLE orders;\nDROP TABLE customers;\n';

describe('--fix on golang-migrate (a file is one query: several statements share one implicit transaction)', () => {
  it('moves CREATE INDEX CONCURRENTLY to a new numbered pair, and validates NOT VALID in the pair after it', async () => {
    const cwd = tempProject({
      'db/000001_tables.up.sql': TABLES_UP,
      'db/000001_tables.down.sql': TABLES_DOWN,
      'db/000002_orders.up.sql':
        'ALTER TABLE orders ADD COLUMN note text;\n' +
        'CREATE INDEX orders_customer_idx ON orders (customer_id);\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      'db/000002_orders.down.sql': 'ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\nDROP INDEX orders_customer_idx;\nALTER TABLE orders DROP COLUMN note;\n',
    });
    const run = await fix(cwd);
    expect(files(cwd, 'db')).toEqual([
      '000001_tables.down.sql',
      '000001_tables.up.sql',
      '000002_orders.down.sql',
      '000002_orders.up.sql',
      '000003_create_orders_customer_idx_concurrently.down.sql',
      '000003_create_orders_customer_idx_concurrently.up.sql',
      '000004_validate_orders_customer_fk.down.sql',
      '000004_validate_orders_customer_fk.up.sql',
    ]);
    // The index left its file; NOT VALID was added where the constraint is.
    expect(read(cwd, 'db/000002_orders.up.sql')).toBe(
      'ALTER TABLE orders ADD COLUMN note text;\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n',
    );
    // Its way back moved with it.
    expect(read(cwd, 'db/000002_orders.down.sql')).toBe('ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\nALTER TABLE orders DROP COLUMN note;\n');
    expect(read(cwd, 'db/000003_create_orders_customer_idx_concurrently.up.sql')).toBe('CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n');
    expect(read(cwd, 'db/000003_create_orders_customer_idx_concurrently.down.sql')).toBe('DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;\n');
    expect(read(cwd, 'db/000004_validate_orders_customer_fk.up.sql')).toBe('ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n');
    expect(read(cwd, 'db/000004_validate_orders_customer_fk.down.sql')).toMatch(/^-- VALIDATE CONSTRAINT changes no schema: nothing to undo.*\nSELECT 1;\n$/);
    expect(run.stderr).toMatch(/moved 1 statement .* to new migrations of their own:\n {2}db\/000002_orders\.up\.sql:2 \(require-concurrent-index\) → db\/000003_/);
    expect(run.stderr).toMatch(/added NOT VALID to 1 constraint, validated by 1 new migration:\n {2}db\/000004_validate_orders_customer_fk\.up\.sql/);
    // Linted again: what --fix wrote is clean of the errors it fixed, and runs (see fix-deploy.pg.test.ts).
    const after = ruleIds(run.stdout);
    for (const id of ['no-concurrently-in-transaction', 'require-concurrent-index', 'require-concurrent-index-drop', 'require-not-valid-foreign-key', 'require-downgrade']) {
      expect(after).not.toContain(id);
    }
  });

  it('keeps a statement in place when no version fits before the next migration, and says how to do it', async () => {
    const cwd = tempProject({
      'db/1_tables.up.sql': TABLES_UP,
      'db/1_tables.down.sql': TABLES_DOWN,
      'db/2_index.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n',
      'db/2_index.down.sql': 'DROP INDEX orders_customer_idx;\nALTER TABLE orders DROP COLUMN note;\n',
      'db/3_more.up.sql': 'ALTER TABLE orders ADD COLUMN paid boolean;\n',
      'db/3_more.down.sql': 'ALTER TABLE orders DROP COLUMN paid;\n',
    });
    const before = read(cwd, 'db/2_index.up.sql');
    const run = await fix(cwd);
    expect(read(cwd, 'db/2_index.up.sql')).toBe(before);
    expect(files(cwd, 'db')).toHaveLength(6);
    expect(run.stderr).toMatch(
      /db\/2_index\.up\.sql:2: require-concurrent-index: not moved: no free version after 2 and before the next migration; run it without a transaction: a migration of its own holding only that statement: golang-migrate sends a file as one query/,
    );
  });

  it('fixes in place a statement alone in its file, and the last one left when all of them move', async () => {
    const cwd = tempProject({
      'db/000001_tables.up.sql': TABLES_UP,
      'db/000001_tables.down.sql': TABLES_DOWN,
      'db/000002_indexes.up.sql': 'CREATE INDEX orders_a_idx ON orders (customer_id);\nCREATE INDEX orders_b_idx ON orders (total);\n',
      'db/000002_indexes.down.sql': 'DROP INDEX orders_b_idx;\nDROP INDEX orders_a_idx;\n',
      'db/000010_one.up.sql': 'CREATE INDEX orders_c_idx ON orders (id, total);\n',
      'db/000010_one.down.sql': 'DROP INDEX orders_c_idx;\n',
    });
    await fix(cwd);
    // orders_a_idx moved to 000003; orders_b_idx, then alone in its file, runs outside any transaction there.
    expect(read(cwd, 'db/000002_indexes.up.sql')).toBe('CREATE INDEX CONCURRENTLY orders_b_idx ON orders (total);\n');
    expect(read(cwd, 'db/000002_indexes.down.sql')).toBe('DROP INDEX orders_b_idx;\n');
    expect(read(cwd, 'db/000003_create_orders_a_idx_concurrently.up.sql')).toBe('CREATE INDEX CONCURRENTLY orders_a_idx ON orders (customer_id);\n');
    expect(read(cwd, 'db/000010_one.up.sql')).toBe('CREATE INDEX CONCURRENTLY orders_c_idx ON orders (id, total);\n');
  });

  it('fixes in place when the config says golang-migrate runs with x-multi-statement=true', async () => {
    const cwd = tempProject({
      '.migratelintrc.json': JSON.stringify({ golangMigrate: { multiStatement: true } }),
      'db/000001_tables.up.sql': TABLES_UP,
      'db/000001_tables.down.sql': TABLES_DOWN,
      'db/000002_index.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n',
      'db/000002_index.down.sql': 'DROP INDEX orders_customer_idx;\nALTER TABLE orders DROP COLUMN note;\n',
    });
    await fix(cwd);
    // Each statement is its own transaction there (so require-rerunnable-ddl guards the first one too).
    expect(read(cwd, 'db/000002_index.up.sql')).toMatch(/;\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders \(customer_id\);\n$/);
    expect(files(cwd, 'db')).toHaveLength(4);
  });
});

describe('--fix on other formats', () => {
  it('dbmate (a transaction by default): writes a transaction:false migration after the file', async () => {
    const cwd = tempProject({
      'db/migrations/20240101000000_tables.sql': `-- migrate:up\n${TABLES_UP}\n-- migrate:down\n${TABLES_DOWN}`,
      'db/migrations/20240102000000_index.sql':
        '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n\n' +
        '-- migrate:down\nDROP INDEX orders_customer_idx;\nALTER TABLE orders DROP COLUMN note;\n',
    });
    const run = await fix(cwd, 'db/migrations');
    expect(read(cwd, 'db/migrations/20240102000000_index.sql')).toBe(
      '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\n\n-- migrate:down\nALTER TABLE orders DROP COLUMN note;\n',
    );
    expect(read(cwd, 'db/migrations/20240102000001_create_orders_customer_idx_concurrently.sql')).toBe(
      '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n\n' +
        '-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;\n',
    );
    expect(ruleIds(run.stdout)).not.toContain('require-concurrent-index');
  });

  it('goose: writes a NO TRANSACTION migration', async () => {
    const cwd = tempProject({
      'db/00001_tables.sql': `-- +goose Up\n${TABLES_UP}\n-- +goose Down\n${TABLES_DOWN}`,
      'db/00002_index.sql': '-- +goose Up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n\n-- +goose Down\nALTER TABLE orders DROP COLUMN note;\n',
    });
    await fix(cwd);
    expect(read(cwd, 'db/00003_create_orders_customer_idx_concurrently.sql')).toBe(
      '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n\n' +
        '-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;\n',
    );
  });

  it('Alembic: wraps the op.execute() call in an autocommit block, in the upgrade and the downgrade', async () => {
    const migration = (index: string, drop: string) =>
      [
        'revision = "b2"',
        'down_revision = "a1"',
        'from alembic import op',
        '',
        'def upgrade():',
        '    op.execute("ALTER TABLE orders ADD COLUMN note text")',
        `    ${index}`,
        '',
        'def downgrade():',
        `    ${drop}`,
        '    op.execute("ALTER TABLE orders DROP COLUMN note")',
        '',
      ].join('\n');
    const cwd = tempProject({
      'alembic/versions/b2_index.py': migration(
        'op.execute("CREATE INDEX orders_customer_idx ON orders (customer_id)")  # lookups by customer',
        "op.execute('DROP INDEX orders_customer_idx;')",
      ),
    });
    const run = await fix(cwd, 'alembic/versions');
    expect(read(cwd, 'alembic/versions/b2_index.py')).toBe(
      migration(
        'with op.get_context().autocommit_block():\n        op.execute("CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)")  # lookups by customer',
        "with op.get_context().autocommit_block():\n        op.execute('DROP INDEX CONCURRENTLY orders_customer_idx;')",
      ),
    );
    expect(fs.readdirSync(path.join(cwd, 'alembic/versions'))).toEqual(['b2_index.py']);
    expect(run.stderr).toMatch(/ran 2 statements outside their migration's transaction:\n {2}alembic\/versions\/b2_index\.py:7 \(with op\.get_context\(\)\.autocommit_block\(\):\)/);
    expect(ruleIds(run.stdout)).not.toContain('require-concurrent-index');
  });

  it('Alembic: leaves a call it cannot wrap alone, and prints the recipe', async () => {
    const migration = [
      'revision = "b2"',
      'down_revision = "a1"',
      'from alembic import op',
      '',
      'def upgrade():',
      '    op.execute("ALTER TABLE orders ADD COLUMN note text; CREATE INDEX orders_customer_idx ON orders (customer_id)")',
      '',
      'def downgrade():',
      '    pass',
      '',
    ].join('\n');
    const cwd = tempProject({ 'alembic/versions/b2_index.py': migration });
    const run = await fix(cwd, 'alembic/versions');
    expect(read(cwd, 'alembic/versions/b2_index.py')).toBe(migration);
    expect(run.stderr).toMatch(
      /b2_index\.py:6: require-concurrent-index: not applied: its op\.execute\(\) string holds other statements too; run it without a transaction: with op\.get_context\(\)\.autocommit_block\(\):/,
    );
  });

  it('NOT VALID is not added where no migration can follow with the VALIDATE', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0);\n';
    const cwd = tempProject({ 'db/add_check.sql': sql });
    const run = await fix(cwd);
    expect(read(cwd, 'db/add_check.sql')).toBe(sql);
    expect(run.stderr).toMatch(/require-not-valid-check: not applied: migratelint writes no new plain SQL migrations for the VALIDATE; .*ALTER TABLE orders VALIDATE CONSTRAINT total_positive;/);
  });
});
