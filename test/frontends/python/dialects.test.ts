/**
 * Dialect branches in Python migrations: only what PostgreSQL runs is read; the rest is
 * listed in the coverage with the database it runs on, never parsed as PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { alembic, lintFixtures, lintPython, migrationOf, statements } from './helpers.js';
import type { Migration } from '../../../src/ir/types.js';

const notes = (m: Migration) => m.coverage!.unanalysed.map((u) => `${u.range.start.line}:${u.range.start.column}-${u.range.end.line}:${u.range.end.column} ${u.reason}`);
const texts = (m: Migration, section: 'up' | 'down' = 'up') => m[section].statements.map((s) => s.text);

describe('Alembic: op.get_bind().dialect.name, context.get_context().dialect.name (fixtures/dialects/alembic)', async () => {
  const result = await lintFixtures('fixtures/dialects/alembic');
  const m = migrationOf(result, '3f2a1c9d8e7b_add_search_index.py');

  it('reads the PostgreSQL clause of if/elif/else and lists the others with their database', () => {
    expect(statements(m)).toEqual([
      `20:21 IndexStmt CREATE INDEX ix_articles_title ON articles USING gin (to_tsvector('simple', title))`,
      '24:9 AlterTableStmt ALTER TABLE "articles" ADD COLUMN "rank" INTEGER',
    ]);
    expect(notes(m)).toEqual(['16:9-16:79 runs only on mysql', '18:9-18:74 runs only on sqlite or mssql']);
  });

  it('reads what follows `if dialect != "postgresql": return`', () => {
    expect(statements(m, 'down')).toEqual(['30:5 DropStmt DROP INDEX "ix_articles_title"', '31:5 AlterTableStmt ALTER TABLE "articles" DROP COLUMN "rank"']);
  });

  it('reports no parse error for the MySQL and SQLite SQL', () => {
    expect(result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
  });
});

describe('Django: schema_editor.connection.vendor (fixtures/dialects/django)', async () => {
  const result = await lintFixtures('fixtures/dialects/django');
  const m = migrationOf(result, '0007_invoice_search.py');

  it('reads a RunPython function after its early return for other vendors, and the PostgreSQL clause of a vendor switch', () => {
    expect(texts(m)).toEqual(['CREATE INDEX invoice_number_trgm ON billing_invoice USING gin (number gin_trgm_ops)']);
    expect(texts(m, 'down')).toEqual(['DROP INDEX invoice_number_trgm']);
    expect(notes(m)).toEqual(['13:9-13:74 runs only on sqlite', '15:9-15:92 runs only on mysql or oracle']);
    expect(result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
  });
});

describe('dialect tests in Python', () => {
  const run = async (body: string[]) => {
    const result = await lintPython(alembic(body.map((l) => `    ${l}`).join('\n')));
    return result.migrations[0];
  };

  it('takes `not a and b` as Python does, (not a) and b', async () => {
    const m = await run([
      "is_postgres = op.get_bind().dialect.name == 'postgresql'",
      'if not is_postgres and ready:',
      "    op.execute('ALTER TABLE t MODIFY c INT')",
      'if not is_postgres or ready:',
      "    op.execute('SELECT 1')",
    ]);
    expect(texts(m)).toEqual(['SELECT 1']);
    expect(notes(m).map((n) => n.replace(/^\S+ /, ''))).toEqual(['runs only on databases other than PostgreSQL']);
  });

  it('reads `in` / `not in` lists, startswith, flags and names bound to a test', async () => {
    const m = await run([
      'dialect = context.get_context().dialect.name',
      "if dialect not in ('postgresql',):",
      "    op.execute('PRAGMA a')",
      "if op.get_bind().engine.name.startswith('postgres'):",
      "    op.execute('SELECT 1')",
      'if is_sqlite:',
      "    op.execute('PRAGMA b')",
      "if 'mysql' in url:",
      "    op.execute('SHOW TABLES')",
    ]);
    expect(texts(m)).toEqual(['SELECT 1']);
    expect(notes(m).map((n) => n.replace(/^\S+ /, ''))).toEqual(['runs only on databases other than PostgreSQL', 'runs only on sqlite', 'runs only on mysql']);
  });

  it('guard: a test that does not name a database reads every clause, as before', async () => {
    const m = await run(["if op.get_context().as_sql:", "    op.execute('SELECT 1')", 'else:', "    op.execute('SELECT 2')", "if kind == 'mysqlish':", "    op.execute('SELECT 3')"]);
    expect(texts(m)).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
    expect(notes(m)).toEqual([]);
  });

  it('guard: a PostgreSQL-only branch is read whole', async () => {
    const result = await lintPython(alembic("    if op.get_bind().dialect.name == 'postgresql':\n        op.create_index('ix_t_c', 't', ['c'])"));
    expect(texts(result.migrations[0])).toEqual(['CREATE INDEX "ix_t_c" ON "t" ("c")']);
    expect(result.findings.map((f) => f.ruleId)).toContain('require-concurrent-index');
  });

  it('skips a helper named for another database when a clause it cannot read calls it, and one reached through globals()', async () => {
    const source = `from alembic import op

revision = 'abc123'
down_revision = None


def _upgrade_mysql():
    op.execute('ALTER TABLE t MODIFY c INT')


def _upgrade_default():
    op.execute('SELECT 1')


def upgrade():
    if op.get_context().as_sql:
        _upgrade_mysql()
    else:
        _upgrade_default()


def downgrade(engine_name=''):
    globals()["downgrade_%s" % engine_name]()


def downgrade_sqlite():
    op.execute('PRAGMA x')


def downgrade_main():
    op.execute('SELECT 2')
`;
    const m = (await lintPython(source)).migrations[0];
    expect(texts(m)).toEqual(['SELECT 1']);
    expect(texts(m, 'down')).toEqual(['SELECT 2']);
    expect(notes(m).map((n) => n.replace(/^\S+ /, ''))).toEqual([
      'runs only on mysql: _upgrade_mysql() is named for it and called in a branch',
      'runs only on sqlite: downgrade_sqlite() is named for it',
    ]);
  });
});
