import { describe, expect, it } from 'vitest';
import { alembic, findingsIn, lintPython, pos, statements } from './helpers.js';

const FILE = 'versions/abc123_test.py';

async function up(body: string, head = '') {
  const result = await lintPython(alembic(body, '    pass', head), FILE);
  expect(result.migrations).toHaveLength(1);
  return { result, migration: result.migrations[0], up: statements(result.migrations[0]) };
}

const rule = (result: Awaited<ReturnType<typeof lintPython>>, id: string) => result.findings.filter((f) => f.ruleId === id);

describe('Alembic: raw SQL strings map back into the file', () => {
  it('through escapes on one line', async () => {
    // Line 10: `    op.execute("SELECT '\t\t'; DELETE FROM t")`, the SQL starts at column 17.
    const { result } = await up(`    op.execute("SELECT '\\t\\t'; DELETE FROM t")`);
    expect(rule(result, 'no-delete-without-where').map(pos)).toEqual(['10:32']);
  });

  it('through implicit concatenation across lines', async () => {
    const { result, up: stmts } = await up(
      ['    op.execute(', `        "UPDATE t SET a = 'x\\n' WHERE id = 1; "`, '        "DELETE FROM t"', '    )'].join('\n'),
    );
    expect(stmts).toEqual([`11:10 UpdateStmt UPDATE t SET a = 'x\n' WHERE id = 1`.replace('\n', ' '), '12:10 DeleteStmt DELETE FROM t']);
    expect(rule(result, 'no-delete-without-where').map(pos)).toEqual(['12:10']);
  });

  it('through textwrap.dedent and triple quotes', async () => {
    const { result } = await up(
      ['    op.execute(textwrap.dedent("""', '        UPDATE t SET a = 1 WHERE b;', '        DELETE FROM t;', '    """))'].join('\n'),
      'import textwrap',
    );
    expect(rule(result, 'no-delete-without-where').map(pos)).toEqual(['12:9']);
  });

  it('r-strings, f-strings with constants, % and .format() placeholders', async () => {
    const body = [
      String.raw`    op.execute(r"UPDATE t SET re = '\d+'")`,
      '    op.execute(f"DELETE FROM {TABLE}")',
      '    op.execute("DELETE FROM %s" % name)',
      '    op.execute("TRUNCATE {} CASCADE".format(name))',
      '    op.execute(f"DELETE FROM {name} WHERE id = {ident}")',
    ].join('\n');
    const { result, up: stmts } = await up(body, 'TABLE = "events"');
    expect(stmts).toEqual([
      String.raw`10:18 UpdateStmt UPDATE t SET re = '\d+'`,
      '11:18 DeleteStmt DELETE FROM events',
      '12:17 DeleteStmt DELETE FROM "{name}"',
      '13:17 TruncateStmt TRUNCATE "{name}" CASCADE',
      '14:18 DeleteStmt DELETE FROM "{name}" WHERE id = "{ident}"',
    ]);
    expect(rule(result, 'no-update-without-where').map(pos)).toEqual(['10:18']);
    expect(rule(result, 'no-delete-without-where').map((f) => `${pos(f)} ${f.message}`)).toEqual([
      '11:18 DELETE FROM events has no WHERE clause: it removes every row',
      '12:17 DELETE FROM {name} has no WHERE clause: it removes every row',
    ]);
    expect(rule(result, 'no-truncate-cascade').map(pos)).toEqual(['13:17']);
  });

  it('SQL assembled at run time that does not parse is noted, not reported as a parse error', async () => {
    const { result, migration } = await up('    op.execute(f"{verb} FROM t")');
    expect(rule(result, 'parse-error')).toEqual([]);
    expect(migration.coverage?.unanalysed.map((u) => pos(u))).toEqual(['10:5']);
  });

  it('a literal SQL string that does not parse is a parse error inside the string', async () => {
    const { result } = await up('    op.execute("CREATE TABEL t (id int)")');
    expect(rule(result, 'parse-error').map(pos)).toEqual(['10:24']);
  });

  it('sa.text() turns :name into a bind parameter and keeps :: casts', async () => {
    const { up: stmts, result } = await up(`    op.execute(sa.text("UPDATE t SET data = CAST(:v AS jsonb) WHERE kind::text = :k AND at > '10:30'"))`);
    expect(stmts).toEqual([`10:25 UpdateStmt UPDATE t SET data = CAST($1 AS jsonb) WHERE kind::text = $2 AND at > '10:30'`]);
    expect(rule(result, 'parse-error')).toEqual([]);
  });

  it('a disable comment inside the SQL string', async () => {
    const { result } = await up(
      [
        '    op.execute("""',
        '        -- migratelint-disable-next-line no-delete-without-where -- the table is a cache',
        '        DELETE FROM cache;',
        '        DELETE FROM other;',
        '    """)',
      ].join('\n'),
    );
    expect(rule(result, 'no-delete-without-where').map(pos)).toEqual(['13:9']);
    expect(rule(result, 'unused-disable')).toEqual([]);
  });

  it('connections: op.get_bind().execute, a bound name, context.execute; other execute() calls are not sinks', async () => {
    const body = [
      '    op.get_bind().execute(sa.text("DELETE FROM a"))',
      '    bind = op.get_bind()',
      '    bind.execute("DELETE FROM b")',
      '    context.execute("DELETE FROM c")',
      '    executor.execute("DELETE FROM d")',
      '    print("DELETE FROM e")',
      '    note = "DELETE FROM f"',
    ].join('\n');
    const { result } = await up(body, 'from alembic import context');
    expect(rule(result, 'no-delete-without-where').map((f) => f.message.split(' ')[2])).toEqual(['a', 'b', 'c']);
  });

  it('SQLAlchemy Core and ORM statements passed to execute()', async () => {
    const src = `from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Account(Base):
    __tablename__ = 'accounts'
    id = sa.Column(sa.Integer, primary_key=True)


revision = 'abc123'
down_revision = None

accounts = sa.table('accounts', sa.column('id'), sa.column('plan'))


def upgrade():
    op.execute(accounts.update().where(accounts.c.plan == None).values(plan='free'))
    op.execute(accounts.delete())
    op.execute(sa.delete(accounts))
    session = Session(bind=op.get_bind())
    session.execute(sa.update(Account).values(plan='pro'))
    op.bulk_insert(accounts, [{'id': 1, 'plan': 'free'}])


def downgrade():
    pass
`;
    const result = await lintPython(src, FILE);
    expect(statements(result.migrations[0])).toEqual([
      '20:5 UpdateStmt UPDATE "accounts" SET "plan" = $1 WHERE "{accounts.c.plan == None}"',
      '21:5 DeleteStmt DELETE FROM "accounts"',
      '22:5 DeleteStmt DELETE FROM "accounts"',
      '24:5 UpdateStmt UPDATE "accounts" SET "plan" = $1',
      '25:5 InsertStmt INSERT INTO "accounts" ("id", "plan") VALUES ($1, $2)',
    ]);
    expect(findingsIn(result, FILE).filter((f) => /where/.test(f))).toEqual([
      'no-delete-without-where@21:5',
      'no-delete-without-where@22:5',
      'no-update-without-where@24:5',
    ]);
  });
});

describe('Alembic: operations lowered to PostgreSQL', () => {
  it('a name assigned in a branch for another database does not stand for it where it is used', async () => {
    const { up: sql } = await up(
      [
        '    if is_postgres():',
        '        stmt = "UPDATE foods SET on_hand = FALSE"',
        '    else:',
        '        stmt = "UPDATE foods SET on_hand = 0"',
        '    op.execute(stmt)',
        "    if op.get_bind().dialect.name == 'sqlite':",
        '        query = "INSERT OR IGNORE INTO t VALUES (1)"',
        '    else:',
        '        query = "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING"',
        '    op.execute(query)',
      ].join('\n'),
    );
    expect(sql.map((s) => s.replace(/^\S+ \S+ /, ''))).toEqual(['UPDATE foods SET on_hand = FALSE', 'INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING']);
  });

  it("a named Enum is created once per migration, and a use_alter foreign key is not in CREATE TABLE (Alembic never adds it)", async () => {
    const { up: sql } = await up(
      [
        "    op.create_table('flow_run', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('state', sa.Enum('A', 'B', name='state_type')), sa.Column('user_id', sa.Integer()), sa.ForeignKeyConstraint(['user_id'], ['users.id'], use_alter=True))",
        "    op.create_table('task_run', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('state', sa.Enum('A', 'B', name='state_type')))",
      ].join('\n'),
    );
    expect(sql.filter((s) => s.includes('CREATE TYPE'))).toEqual([expect.stringMatching(/CREATE TYPE "state_type" AS ENUM \('A', 'B'\)$/)]);
    expect(sql.filter((s) => s.includes('CREATE TABLE')).map((s) => s.replace(/^\S+ \S+ /, '').replace(/\s+/g, ' '))).toEqual([
      'CREATE TABLE "flow_run" ( "id" SERIAL NOT NULL, "state" "state_type", "user_id" INTEGER, PRIMARY KEY ("id") )',
      'CREATE TABLE "task_run" ( "id" SERIAL NOT NULL, "state" "state_type", PRIMARY KEY ("id") )',
    ]);
  });

  it('SQLAlchemy types map to PostgreSQL types', async () => {
    const body = `    op.create_table(
        'kinds',
        sa.Column('a', sa.Integer()),
        sa.Column('b', sa.BigInteger),
        sa.Column('c', sa.SmallInteger()),
        sa.Column('d', sa.String(50)),
        sa.Column('e', sa.String()),
        sa.Column('f', sa.Unicode(length=20)),
        sa.Column('g', sa.Text()),
        sa.Column('h', sa.Boolean()),
        sa.Column('i', sa.DateTime()),
        sa.Column('j', sa.DateTime(timezone=True)),
        sa.Column('k', sa.Date()),
        sa.Column('l', sa.Time()),
        sa.Column('m', sa.Interval()),
        sa.Column('n', sa.Float()),
        sa.Column('o', sa.Numeric(precision=10, scale=2)),
        sa.Column('p', sa.LargeBinary()),
        sa.Column('q', sa.JSON()),
        sa.Column('r', postgresql.JSONB(astext_type=sa.Text())),
        sa.Column('s', postgresql.UUID(as_uuid=True)),
        sa.Column('t', sa.Uuid()),
        sa.Column('u', postgresql.ARRAY(sa.Integer())),
        sa.Column('v', postgresql.TIMESTAMP(timezone=True)),
        sa.Column('w', postgresql.INET()),
        sa.Column('x', sa.CHAR(2)),
        sa.Column('y', sa.Enum('a', 'b', name='kind', create_type=False)),
        sa.Column('z', sqlmodel.sql.sqltypes.AutoString()),
    )`;
    const { up: stmts } = await up(body, 'import sqlmodel');
    expect(stmts).toHaveLength(1);
    const columns = stmts[0].replace(/^.*?\( /, '').replace(/ \)$/, '').split(', ');
    expect(columns).toEqual([
      '"a" INTEGER',
      '"b" BIGINT',
      '"c" SMALLINT',
      '"d" VARCHAR(50)',
      '"e" VARCHAR',
      '"f" VARCHAR(20)',
      '"g" TEXT',
      '"h" BOOLEAN',
      '"i" TIMESTAMP WITHOUT TIME ZONE',
      '"j" TIMESTAMP WITH TIME ZONE',
      '"k" DATE',
      '"l" TIME WITHOUT TIME ZONE',
      '"m" INTERVAL',
      '"n" FLOAT',
      '"o" NUMERIC(10',
      '2)',
      '"p" BYTEA',
      '"q" JSON',
      '"r" JSONB',
      '"s" UUID',
      '"t" UUID',
      '"u" INTEGER[]',
      '"v" TIMESTAMP WITH TIME ZONE',
      '"w" INET',
      '"x" CHAR(2)',
      '"y" "kind"',
      '"z" VARCHAR',
    ]);
  });

  it('add_column with a ForeignKey, index=True and unique=True adds the constraint and index Alembic adds', async () => {
    const { up: stmts, result } = await up(
      "    op.add_column('orders', sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='SET NULL'), nullable=True, index=True))\n" +
        "    op.add_column('users', sa.Column('code', sa.String(8), unique=True, nullable=True), schema='app')",
    );
    expect(stmts).toEqual([
      '10:5 AlterTableStmt ALTER TABLE "orders" ADD COLUMN "user_id" INTEGER',
      '10:5 AlterTableStmt ALTER TABLE "orders" ADD FOREIGN KEY("user_id") REFERENCES "users" ("id") ON DELETE SET NULL',
      '10:5 IndexStmt CREATE INDEX "ix_orders_user_id" ON "orders" ("user_id")',
      '11:5 AlterTableStmt ALTER TABLE "app"."users" ADD COLUMN "code" VARCHAR(8)',
      '11:5 AlterTableStmt ALTER TABLE "app"."users" ADD UNIQUE ("code")',
    ]);
    expect(rule(result, 'require-concurrent-index').map(pos)).toEqual(['10:5']);
  });

  it('add_column: server_default makes NOT NULL safe; a Python-side default does not', async () => {
    const { result, up: stmts } = await up(
      "    op.add_column('t', sa.Column('a', sa.Integer(), nullable=False, server_default='0'))\n" +
        "    op.add_column('t', sa.Column('b', sa.DateTime(), nullable=False, server_default=sa.func.now()))\n" +
        "    op.add_column('t', sa.Column('c', sa.Boolean(), nullable=False, default=False))",
    );
    expect(stmts).toEqual([
      `10:5 AlterTableStmt ALTER TABLE "t" ADD COLUMN "a" INTEGER DEFAULT '0' NOT NULL`,
      '11:5 AlterTableStmt ALTER TABLE "t" ADD COLUMN "b" TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL',
      '12:5 AlterTableStmt ALTER TABLE "t" ADD COLUMN "c" BOOLEAN NOT NULL',
    ]);
    expect(rule(result, 'no-not-null-without-default').map(pos)).toEqual(['12:5']);
  });

  it('alter_column: nullability, defaults, type with USING, comment, rename', async () => {
    const { up: stmts } = await up(
      "    op.alter_column('t', 'a', existing_type=sa.Integer(), nullable=False)\n" +
        "    op.alter_column('t', 'b', server_default=None)\n" +
        "    op.alter_column('t', 'c', server_default=sa.text('now()'))\n" +
        "    op.alter_column('t', 'd', type_=sa.BigInteger(), postgresql_using='d::bigint')\n" +
        "    op.alter_column('t', 'e', new_column_name='f', comment='renamed')",
    );
    expect(stmts).toEqual([
      '10:5 AlterTableStmt ALTER TABLE "t" ALTER COLUMN "a" SET NOT NULL',
      '11:5 AlterTableStmt ALTER TABLE "t" ALTER COLUMN "b" DROP DEFAULT',
      '12:5 AlterTableStmt ALTER TABLE "t" ALTER COLUMN "c" SET DEFAULT now()',
      '13:5 AlterTableStmt ALTER TABLE "t" ALTER COLUMN "d" TYPE BIGINT USING d::bigint',
      `14:5 CommentStmt COMMENT ON COLUMN "t"."e" IS 'renamed'`,
      '14:5 RenameStmt ALTER TABLE "t" RENAME COLUMN "e" TO "f"',
    ]);
  });

  it('indexes: op.f names, unique, using, where, include, concurrently, if_not_exists; drop_index', async () => {
    const { up: stmts, result } = await up(
      "    op.create_index(op.f('ix_t_a'), 't', ['a'], unique=True, postgresql_where=sa.text('deleted_at IS NULL'))\n" +
        "    op.create_index('ix_t_doc', 't', ['doc'], postgresql_using='gin', postgresql_ops={'doc': 'jsonb_path_ops'}, postgresql_concurrently=True, if_not_exists=True)\n" +
        "    op.create_index('ix_t_lower', 't', [sa.text('lower(email)')], postgresql_include=['id'])\n" +
        "    op.drop_index('ix_old', table_name='t', postgresql_concurrently=True, if_exists=True)\n" +
        "    op.drop_index(op.f('ix_older'), table_name='t')",
    );
    expect(stmts).toEqual([
      '10:5 IndexStmt CREATE UNIQUE INDEX "ix_t_a" ON "t" ("a") WHERE deleted_at IS NULL',
      '11:5 IndexStmt CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_t_doc" ON "t" USING gin ("doc" jsonb_path_ops)',
      // sa.text() is printed as written, as SQLAlchemy does.
      '12:5 IndexStmt CREATE INDEX "ix_t_lower" ON "t" (lower(email)) INCLUDE ("id")',
      '13:5 DropStmt DROP INDEX CONCURRENTLY IF EXISTS "ix_old"',
      '14:5 DropStmt DROP INDEX "ix_older"',
    ]);
    expect(rule(result, 'require-concurrent-index').map(pos)).toEqual(['10:5', '12:5']);
    expect(rule(result, 'require-concurrent-index-drop').map(pos)).toEqual(['14:5']);
  });

  it('constraints, renames, drops and comments', async () => {
    const { up: stmts } = await up(
      [
        "    op.create_foreign_key('fk_a_b', 'a', 'b', ['b_id'], ['id'], ondelete='CASCADE', postgresql_not_valid=True)",
        "    op.create_unique_constraint('uq_a_code', 'a', ['code', 'tenant'])",
        "    op.create_check_constraint('ck_a_pos', 'a', 'amount > 0')",
        "    op.create_primary_key('pk_a', 'a', ['id'])",
        "    op.create_exclude_constraint('ex_a', 'a', ('during', '&&'), using='gist')",
        "    op.drop_constraint('uq_a_old', 'a', type_='unique')",
        "    op.rename_table('a', 'aa')",
        "    op.drop_column('aa', 'legacy')",
        "    op.drop_table('gone')",
        "    op.create_table_comment('aa', 'accounts')",
      ].join('\n'),
    );
    expect(stmts).toEqual([
      '10:5 AlterTableStmt ALTER TABLE "a" ADD CONSTRAINT "fk_a_b" FOREIGN KEY("b_id") REFERENCES "b" ("id") ON DELETE CASCADE NOT VALID',
      '11:5 AlterTableStmt ALTER TABLE "a" ADD CONSTRAINT "uq_a_code" UNIQUE ("code", "tenant")',
      '12:5 AlterTableStmt ALTER TABLE "a" ADD CONSTRAINT "ck_a_pos" CHECK (amount > 0)',
      '13:5 AlterTableStmt ALTER TABLE "a" ADD CONSTRAINT "pk_a" PRIMARY KEY ("id")',
      '14:5 AlterTableStmt ALTER TABLE "a" ADD CONSTRAINT "ex_a" EXCLUDE USING gist ("during" WITH &&)',
      '15:5 AlterTableStmt ALTER TABLE "a" DROP CONSTRAINT "uq_a_old"',
      '16:5 RenameStmt ALTER TABLE "a" RENAME TO "aa"',
      '17:5 AlterTableStmt ALTER TABLE "aa" DROP COLUMN "legacy"',
      '18:5 DropStmt DROP TABLE "gone"',
      `19:5 CommentStmt COMMENT ON TABLE "aa" IS 'accounts'`,
    ]);
  });

  it('batch_alter_table: the table comes from the with block', async () => {
    const { up: stmts } = await up(
      [
        "    with op.batch_alter_table('users', schema='app') as batch_op:",
        "        batch_op.add_column(sa.Column('age', sa.Integer(), nullable=True))",
        "        batch_op.create_index(batch_op.f('ix_users_age'), ['age'], unique=False)",
        "        batch_op.create_foreign_key('fk_users_org', 'orgs', ['org_id'], ['id'])",
        "        batch_op.create_unique_constraint('uq_users_email', ['email'])",
        "        batch_op.drop_constraint('ck_old', type_='check')",
        "        batch_op.drop_index('ix_users_old')",
        "        batch_op.drop_column('legacy')",
      ].join('\n'),
    );
    expect(stmts).toEqual([
      '11:9 AlterTableStmt ALTER TABLE "app"."users" ADD COLUMN "age" INTEGER',
      '12:9 IndexStmt CREATE INDEX "ix_users_age" ON "app"."users" ("age")',
      '13:9 AlterTableStmt ALTER TABLE "app"."users" ADD CONSTRAINT "fk_users_org" FOREIGN KEY("org_id") REFERENCES "orgs" ("id")',
      '14:9 AlterTableStmt ALTER TABLE "app"."users" ADD CONSTRAINT "uq_users_email" UNIQUE ("email")',
      '15:9 AlterTableStmt ALTER TABLE "app"."users" DROP CONSTRAINT "ck_old"',
      '16:9 DropStmt DROP INDEX "app"."ix_users_old"',
      '17:9 AlterTableStmt ALTER TABLE "app"."users" DROP COLUMN "legacy"',
    ]);
  });

  it('helper functions are followed, loops over literal lists unrolled, both branches of an if read', async () => {
    const src = `from alembic import op
import sqlalchemy as sa

revision = 'abc123'
down_revision = None

TABLES = ['a', 'b']


def _add_flag(table, name):
    op.add_column(table, sa.Column(name, sa.Boolean(), nullable=False))


def upgrade():
    for table in TABLES:
        _add_flag(table, 'flag')
    if op.get_context().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    else:
        pass


def downgrade():
    for table in TABLES:
        op.drop_column(table, 'flag')
`;
    const result = await lintPython(src, FILE);
    const m = result.migrations[0];
    expect(statements(m)).toEqual([
      '11:5 AlterTableStmt ALTER TABLE "a" ADD COLUMN "flag" BOOLEAN NOT NULL',
      '11:5 AlterTableStmt ALTER TABLE "b" ADD COLUMN "flag" BOOLEAN NOT NULL',
      '18:21 CreateExtensionStmt CREATE EXTENSION IF NOT EXISTS pg_trgm',
    ]);
    expect(statements(m, 'down')).toEqual([
      '25:9 AlterTableStmt ALTER TABLE "a" DROP COLUMN "flag"',
      '25:9 AlterTableStmt ALTER TABLE "b" DROP COLUMN "flag"',
    ]);
    expect(rule(result, 'no-not-null-without-default').map((f) => f.message.split(' to ')[1].split(' ')[0])).toEqual(['a', 'b']);
  });

  it('enum types created and dropped explicitly', async () => {
    const { up: stmts } = await up(
      [
        "    mood = postgresql.ENUM('sad', 'ok', name='mood', create_type=False)",
        '    mood.create(op.get_bind(), checkfirst=True)',
        "    op.add_column('people', sa.Column('mood', mood, nullable=True))",
        "    sa.Enum('a', name='legacy').drop(op.get_bind(), checkfirst=True)",
      ].join('\n'),
    );
    expect(stmts).toEqual([
      `11:5 CreateEnumStmt CREATE TYPE "mood" AS ENUM ('sad', 'ok')`,
      '12:5 AlterTableStmt ALTER TABLE "people" ADD COLUMN "mood" "mood"',
      '13:5 DropStmt DROP TYPE IF EXISTS "legacy"',
    ]);
  });

  it('mixed autocommit blocks leave the transaction mode unknown', async () => {
    const { migration } = await up(
      [
        "    op.add_column('t', sa.Column('a', sa.Integer()))",
        '    with op.get_context().autocommit_block():',
        "        op.create_index('ix_t_a', 't', ['a'], postgresql_concurrently=True)",
      ].join('\n'),
    );
    expect(migration.up.transaction).toBeUndefined();
  });

  it('calls Alembic has but migratelint does not lower are listed as not analysed', async () => {
    const { migration } = await up("    op.invoke(MyOp('x'))\n    op.add_column('t', sa.Column('a', sa.Integer()))");
    expect(migration.coverage?.unanalysed.map((u) => `${pos(u)} ${u.reason}`)).toEqual(['10:5 op.invoke() is not analysed']);
    expect(migration.coverage?.analysed).toBe(1);
  });
});

describe('Alembic: downgrade()', () => {
  const check = async (downgrade: string | undefined) => {
    const source = alembic("    op.add_column('t', sa.Column('a', sa.Integer()))", downgrade ?? '    pass');
    const text = downgrade === undefined ? source.replace(/\n\ndef downgrade\(\):\n {4}pass\n$/, '\n') : source;
    const result = await lintPython(text, FILE);
    return { migration: result.migrations[0], findings: rule(result, 'require-downgrade').map((f) => `${pos(f)} ${f.message}`) };
  };

  it('missing', async () => {
    const { migration, findings } = await check(undefined);
    expect(migration.down.state).toBe('missing');
    expect(findings).toEqual(['1:1 migration has no down migration (no downgrade() function)']);
  });

  it('pass, a docstring, or an ellipsis are empty', async () => {
    for (const body of ['    pass', '    """Nothing to undo."""', '    ...', '    # ### commands auto generated by Alembic - please adjust! ###\n    pass\n    # ### end Alembic commands ###']) {
      const { migration, findings } = await check(body);
      expect(migration.down.state).toBe('empty');
      expect(findings).toEqual(['13:5 down migration is empty: it contains no statements, so rolling back does nothing']);
    }
  });

  it('raising NotImplementedError is irreversible', async () => {
    const { migration, findings } = await check('    """Irreversible."""\n    raise NotImplementedError()');
    expect(migration.down.state).toBe('irreversible');
    expect(findings).toEqual(['15:5 down migration is declared irreversible: downgrade() raises NotImplementedError()']);
  });

  it('a real downgrade is present', async () => {
    const { migration, findings } = await check("    op.drop_column('t', 'a')");
    expect(migration.down.state).toBe('present');
    expect(findings).toEqual([]);
  });
});
