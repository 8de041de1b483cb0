import rule from '../../rules/require-rerunnable-concurrent-index.js';
import { ruleCases } from '../helpers/rule-cases.js';

const goose = (body: string) => `-- +goose NO TRANSACTION\n-- +goose Up\n${body}`;
const gooseFile = '00012_orders_idx.sql';
const dbmate = (body: string) => `-- migrate:up transaction:false\n${body}\n-- migrate:down\n`;
const dbmateFile = 'db/migrations/20240101120000_orders_idx.sql';
const knexFile = 'migrations/20240101120000_orders_idx.js';
/** A Django migration outside a transaction building an index concurrently (on line 12), after `before`. */
const django = (before: string) =>
  [
    'from django.contrib.postgres.operations import AddIndexConcurrently',
    'from django.db import migrations, models',
    '',
    'class Migration(migrations.Migration):',
    '    atomic = False',
    "    dependencies = [('shop', '0001_initial')]",
    '',
    '    operations = [',
    before || '        # no guard',
    '',
    '',
    "        AddIndexConcurrently(model_name='book', index=models.Index(fields=['title'], name='book_title_idx')),",
    '    ]',
    '',
  ].join('\n');
const djangoFile = 'shop/migrations/0002_book_title_idx.py';

ruleCases(rule, {
  valid: [
    // Guarded: a build left INVALID by a failed run is dropped first.
    { sql: goose('DROP INDEX CONCURRENTLY IF EXISTS orders_a_idx;\nCREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);'), filename: gooseFile },
    { sql: goose('DROP INDEX CONCURRENTLY IF EXISTS app.orders_a_idx;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_a_idx ON app.orders (a);'), filename: gooseFile },
    { sql: goose('DROP INDEX IF EXISTS orders_b_idx, orders_a_idx;\nCREATE UNIQUE INDEX CONCURRENTLY orders_a_idx ON orders (a);'), filename: gooseFile },
    {
      sql: django('        migrations.RunSQL("DROP INDEX CONCURRENTLY IF EXISTS book_title_idx", migrations.RunSQL.noop),'),
      filename: djangoFile,
    },
    // Inside a transaction CONCURRENTLY fails outright: another rule's business.
    { sql: 'CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);', filename: 'V3__idx.sql', options: { transaction: true } },
    'BEGIN;\nCREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);\nCOMMIT;',
    // Plain SQL: run by migratelint apply, which drops an INVALID index before resuming.
    { sql: 'CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);', filename: 'sql/add_orders_index.sql', options: { transaction: false } },
    // Tools that send the file as one query (dbmate, Prisma, golang-migrate): the guard cannot share
    // the file, and one in an earlier migration does not run again, so there is nothing to ask for.
    { sql: dbmate('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_a_idx ON orders (a);'), filename: dbmateFile },
    { sql: 'CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);', filename: 'prisma/migrations/20240101000000_idx/migration.sql' },
    { sql: 'CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);', filename: 'migrations/000004_orders_idx.up.sql' },
    // Not concurrent: a failed build leaves nothing behind.
    { sql: goose('CREATE INDEX orders_a_idx ON orders (a);'), filename: gooseFile },
    // On a table created earlier in the migration.
    { sql: goose('CREATE TABLE IF NOT EXISTS t (a int);\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);'), filename: gooseFile },
  ],
  invalid: [
    {
      sql: goose('CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);'),
      filename: gooseFile,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 53,
      message:
        'if CREATE INDEX CONCURRENTLY orders_a_idx fails, it leaves an INVALID index orders_a_idx, and running the migration again fails with "relation "orders_a_idx" already exists"; put DROP INDEX CONCURRENTLY IF EXISTS orders_a_idx; before it',
    },
    // IF NOT EXISTS is no guard: it skips the build and keeps the INVALID index.
    {
      sql: goose('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_a_idx ON orders (a);'),
      filename: gooseFile,
      line: 3,
      column: 1,
      message:
        'if CREATE INDEX CONCURRENTLY orders_a_idx fails, it leaves an INVALID index orders_a_idx, and a re-run skips the build (IF NOT EXISTS) and keeps it: unused by queries, still updated by every write; put DROP INDEX CONCURRENTLY IF EXISTS orders_a_idx; before it',
    },
    // A DROP of another index, without IF EXISTS, or after the CREATE is no guard.
    { sql: goose('DROP INDEX CONCURRENTLY IF EXISTS orders_b_idx;\nCREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);'), filename: gooseFile, line: 4, column: 1 },
    { sql: goose('DROP INDEX CONCURRENTLY orders_a_idx;\nCREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);'), filename: gooseFile, line: 4, column: 1 },
    {
      sql: goose('CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);\nDROP INDEX CONCURRENTLY IF EXISTS orders_a_idx;'),
      filename: gooseFile,
      line: 3,
      column: 1,
    },
    // Unnamed: a re-run builds a second index next to the INVALID one.
    { sql: goose('CREATE INDEX CONCURRENTLY ON orders (a);'), filename: gooseFile, line: 3, column: 1, message: /has no name: .*builds a second one next to it; name the index/ },
    // Django: the advice says how in Django.
    {
      sql: django(''),
      filename: djangoFile,
      line: 12,
      column: 9,
      message:
        'if CREATE INDEX CONCURRENTLY book_title_idx fails, it leaves an INVALID index book_title_idx, and running the migration again fails with "relation "book_title_idx" already exists"; run DROP INDEX CONCURRENTLY IF EXISTS book_title_idx before it (migrations.RunSQL("DROP INDEX CONCURRENTLY IF EXISTS book_title_idx", migrations.RunSQL.noop))',
    },
    // Code: knex without a transaction.
    {
      sql:
        "exports.config = { transaction: false };\nexports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a)');\nexports.down = (knex) => knex.raw('DROP INDEX CONCURRENTLY orders_a_idx');\n",
      filename: knexFile,
      line: 2,
      column: 34,
      message: /INVALID index orders_a_idx/,
    },
  ],
});
