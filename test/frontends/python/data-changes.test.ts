/**
 * Issue 18 in Python migrations: SQLAlchemy Core data changes without a where clause,
 * index elements written as text / literal columns, bind parameters in SQL strings,
 * and the CASCADE Django adds to every drop.
 */
import { describe, expect, it } from 'vitest';
import { alembic, lintPython, pos, statements } from './helpers.js';

const ALEMBIC_FILE = 'versions/abc123_test.py';

async function upgrade(body: string, head = '') {
  const result = await lintPython(alembic(body, '    pass', head), ALEMBIC_FILE);
  const m = result.migrations[0];
  return { result, up: statements(m), rule: (id: string) => result.findings.filter((f) => f.ruleId === id).map(pos) };
}

const TABLE = 'users = sa.table("users", sa.column("id", sa.Integer), sa.column("active", sa.Boolean))';

describe('SQLAlchemy Core in Alembic: update / delete without where', () => {
  it('table.update().values(), table.delete(), sa.update(t).values(), sa.delete(t) are lowered without WHERE', async () => {
    const { rule } = await upgrade(
      [
        '    op.execute(users.update().values(active=False))',
        '    op.execute(users.delete())',
        '    op.execute(sa.update(users).values(active=True))',
        '    op.execute(sa.delete(users))',
        '    op.get_bind().execute(users.update().values({"active": True}))',
      ].join('\n'),
      TABLE,
    );
    expect(rule('no-update-without-where')).toEqual(['10:5', '12:5', '14:5']);
    expect(rule('no-delete-without-where')).toEqual(['11:5', '13:5']);
  });

  it('a where clause anywhere in the chain, printed or not, is a condition', async () => {
    const { rule, up } = await upgrade(
      [
        '    op.execute(users.update().where(users.c.id == 1).values(active=True))',
        '    op.execute(users.update().values(active=True).where(users.c.id == 2))',
        '    op.execute(sa.delete(users).where(users.c.id.in_([3, 4])))',
        '    op.execute(users.delete().where(sa.and_(users.c.active.is_(False), users.c.id > 5)))',
      ].join('\n'),
      TABLE,
    );
    expect(up).toHaveLength(4);
    expect(rule('no-update-without-where')).toEqual([]);
    expect(rule('no-delete-without-where')).toEqual([]);
  });
});

describe('Alembic create_index elements, printed as SQLAlchemy prints them', () => {
  it('literal_column("x DESC") and text("x DESC") are written as is: a column with its ordering, no parse error', async () => {
    const { up, rule, result } = await upgrade(
      [
        '    op.create_index("ix_events_ingested", "events", [sa.literal_column("ingested_at DESC")])',
        '    op.create_index("ix_events_kind", "events", ["kind", sa.text("created_at DESC")], postgresql_concurrently=True)',
        '    op.create_index("ix_events_lower", "events", [sa.text("lower(name)")])',
        '    op.create_index("ix_events_order", "events", [events.c.created_at.desc(), sa.text("id").asc()])',
      ].join('\n'),
      'events = sa.table("events", sa.column("created_at"))',
    );
    expect(up).toEqual([
      '10:5 IndexStmt CREATE INDEX "ix_events_ingested" ON "events" (ingested_at DESC)',
      '11:5 IndexStmt CREATE INDEX CONCURRENTLY "ix_events_kind" ON "events" ("kind", created_at DESC)',
      '12:5 IndexStmt CREATE INDEX "ix_events_lower" ON "events" (lower(name))',
      '13:5 IndexStmt CREATE INDEX "ix_events_order" ON "events" ("created_at" DESC, id ASC)',
    ]);
    expect(rule('parse-error')).toEqual([]);
    expect(result.migrations[0].coverage?.unanalysed).toEqual([]);
  });
});

describe('bind parameters in SQL strings', () => {
  it('db.session.execute("... :id", {...}) is run through text(): parameters become $n, no parse error', async () => {
    const { up, rule } = await upgrade(
      [
        '    db.session.execute("SELECT id, options FROM widgets WHERE dashboard_id=:dashboard_id", {"dashboard_id": 1})',
        '    db.session.execute(',
        '        "UPDATE widgets SET options=:options WHERE id=:id",',
        '        {"options": "{}", "id": 2},',
        '    )',
      ].join('\n'),
      'from myapp.models import db',
    );
    expect(up).toEqual(['10:25 SelectStmt SELECT id, options FROM widgets WHERE dashboard_id=$1', '12:10 UpdateStmt UPDATE widgets SET options=$1 WHERE id=$2']);
    expect(rule('parse-error')).toEqual([]);
  });

  it('casts, colons in literals, comments, dollar quotes and array slices are left alone', async () => {
    const { up, rule } = await upgrade(
      [
        "    op.execute(sa.text(\"UPDATE t SET at = '10:30', b = $$ :x $$ WHERE id = :id AND d::date > now()::date AND arr[1:2] = arr[lo:hi] -- :c\"))",
        '    conn = op.get_bind()',
        '    conn.execute(sa.text("DELETE FROM t WHERE id = :id AND kind = :kind OR id = :id"), {"id": 1, "kind": "x"})',
        '    op.execute("UPDATE t SET a = :a WHERE b = \'x :y\' /* :z */")',
      ].join('\n'),
    );
    expect(up).toEqual([
      "10:25 UpdateStmt UPDATE t SET at = '10:30', b = $$ :x $$ WHERE id = $1 AND d::date > now()::date AND arr[1:2] = arr[lo:hi] -- :c",
      '12:27 DeleteStmt DELETE FROM t WHERE id = $1 AND kind = $2 OR id = $1',
      "13:17 UpdateStmt UPDATE t SET a = $1 WHERE b = 'x :y' /* :z */",
    ]);
    expect(rule('parse-error')).toEqual([]);
  });

  it('a plain string given to a Connection is sent as written: its `:name` is no parameter', async () => {
    const { rule } = await upgrade(['    conn = op.get_bind()', '    conn.execute("UPDATE t SET a = :a")'].join('\n'));
    expect(rule('parse-error')).toEqual(['11:36']);
  });
});

describe("Django's CASCADE on RemoveField / DeleteModel", () => {
  const DJANGO_FILE = 'shop/migrations/0002_change.py';
  const django = (operations: string[]) => `from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = []

    operations = [
${operations.map((o) => `        ${o}`).join('\n')}
    ]
`;
  const customer = "migrations.CreateModel(name='Customer', fields=[('id', models.BigAutoField(primary_key=True, serialize=False)), ('code', models.CharField(max_length=10, unique=True)), ('note', models.TextField())])";
  const order = (fk: string) =>
    `migrations.CreateModel(name='Order', fields=[('id', models.BigAutoField(primary_key=True, serialize=False)), ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, ${fk}to='shop.customer'))])`;

  async function lintOps(operations: string[]) {
    const result = await lintPython(django(operations), DJANGO_FILE);
    const m = result.migrations[0];
    return { up: statements(m), migration: m, cascade: result.findings.filter((f) => f.ruleId === 'no-drop-cascade').map(pos) };
  }

  it("nothing known to depend on the column or table: Django's CASCADE runs (the trial runs what Django runs), and no finding the author cannot act on", async () => {
    const { up, cascade, migration } = await lintOps([`${customer},`, "migrations.RemoveField(model_name='customer', name='note'),", "migrations.DeleteModel(name='Customer'),"]);
    expect(up.slice(-2)).toEqual(['11:9 AlterTableStmt ALTER TABLE "shop_customer" DROP COLUMN "note" CASCADE', '12:9 DropStmt DROP TABLE "shop_customer" CASCADE']);
    expect(migration.up.statements.slice(-2).map((s) => s.chunk.frameworkCascade)).toEqual([true, true]);
    expect(cascade).toEqual([]);
  });

  it('a foreign key of another model still referencing the table or column keeps the CASCADE, and the finding', async () => {
    const table = await lintOps([`${customer},`, `${order('')},`, "migrations.DeleteModel(name='Customer'),"]);
    expect(table.up.at(-1)).toBe('12:9 DropStmt DROP TABLE "shop_customer" CASCADE');
    expect(table.migration.up.statements.at(-1)!.chunk.frameworkCascade).toBeUndefined();
    expect(table.cascade).toEqual(['12:9']);
    const column = await lintOps([`${customer},`, `${order("to_field='code', ")},`, "migrations.RemoveField(model_name='customer', name='code'),"]);
    expect(column.up.at(-1)).toBe('12:9 AlterTableStmt ALTER TABLE "shop_customer" DROP COLUMN "code" CASCADE');
    expect(column.cascade).toEqual(['12:9']);
  });

  it('the model dropping its own foreign key, or the referencing field removed first: the CASCADE is only Django\'s', async () => {
    const { up, cascade } = await lintOps([`${customer},`, `${order('')},`, "migrations.RemoveField(model_name='order', name='customer'),", "migrations.DeleteModel(name='Customer'),"]);
    expect(up.slice(-2)).toEqual(['12:9 AlterTableStmt ALTER TABLE "shop_order" DROP COLUMN "customer_id" CASCADE', '13:9 DropStmt DROP TABLE "shop_customer" CASCADE']);
    expect(cascade).toEqual([]);
  });
});
