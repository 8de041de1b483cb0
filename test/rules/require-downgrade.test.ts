import rule from '../../rules/require-downgrade.js';
import { ruleCases } from '../helpers/rule-cases.js';

const dbmate = 'db/migrations/20240101120000_orders.sql';
const goose = 'migrations/00001_orders.sql';
const knex = 'migrations/20240101120000_orders.js';
const alembicFile = 'migrations/versions/a1b2c3_add_orders.py';
const alembic = (downgrade: string) =>
  '"""add orders"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \'a1b2c3\'\ndown_revision = None\n\n\n' +
  "def upgrade():\n    op.create_table('orders', sa.Column('id', sa.BigInteger(), primary_key=True))\n\n\n" +
  `def downgrade():\n${downgrade}\n`;
const knexUp = "exports.up = (knex) => knex.schema.createTable('orders', (t) => {\n  t.bigIncrements('id');\n});\n";

ruleCases(rule, {
  valid: [
    { sql: '-- migrate:up\nCREATE TABLE orders (id bigint);\n-- migrate:down\nDROP TABLE orders;\n', filename: dbmate },
    { sql: '-- +goose Up\nCREATE TABLE orders (id bigint);\n-- +goose Down\nDROP TABLE orders;\n', filename: goose },
    { sql: alembic("    op.drop_table('orders')"), filename: alembicFile },
    { sql: `${knexUp}\nexports.down = (knex) => knex.schema.dropTable('orders');\n`, filename: knex },
    // Formats without a down convention are not checked.
    { sql: 'CREATE TABLE orders (id bigint);\n', filename: 'V1__orders.sql' },
    'CREATE TABLE orders (id bigint);\n',
    // golang-migrate keeps the down in its own file; linted as text, the pair is not looked up.
    { sql: 'CREATE TABLE orders (id bigint);\n', filename: 'migrations/000001_orders.up.sql' },
    { sql: 'DROP TABLE orders;\n', filename: 'migrations/000001_orders.down.sql' },
  ],
  invalid: [
    {
      sql: '-- migrate:up\nCREATE TABLE orders (id bigint);\n-- migrate:down\n',
      filename: dbmate,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 16,
      message: 'down migration is empty: it contains no statements, so rolling back does nothing',
    },
    // A comment is not a down.
    {
      sql: '-- migrate:up\nCREATE TABLE orders (id bigint);\n-- migrate:down\n-- nothing to do\n',
      filename: dbmate,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 16,
      message: 'down migration is empty: it contains no statements, so rolling back does nothing',
    },
    {
      sql: '-- migrate:up\nCREATE TABLE orders (id bigint);\n',
      filename: dbmate,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      message: 'migration has no down migration (no "-- migrate:down" section)',
    },
    {
      sql: '-- +goose Up\nCREATE TABLE orders (id bigint);\n',
      filename: goose,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      message: 'migration has no down migration (no "-- +goose Down" section)',
    },
    { sql: '-- +goose Up\nCREATE TABLE orders (id bigint);\n-- +goose Down\n', filename: goose, line: 3, column: 1, endLine: 3, endColumn: 15, message: /down migration is empty/ },
    // Alembic: `pass` is empty, a raise declares the migration irreversible.
    { sql: alembic('    pass'), filename: alembicFile, line: 13, column: 5, endLine: 13, endColumn: 14, message: /down migration is empty/ },
    {
      sql: alembic("    raise NotImplementedError('orders cannot be restored')"),
      filename: alembicFile,
      line: 14,
      column: 5,
      endLine: 14,
      endColumn: 59,
      message: "down migration is declared irreversible: downgrade() raises NotImplementedError('orders cannot be restored')",
    },
    // knex: an empty function, or no down exported at all.
    { sql: `${knexUp}\nexports.down = () => {};\n`, filename: knex, line: 5, column: 1, endLine: 5, endColumn: 13, message: /down migration is empty/ },
    { sql: knexUp, filename: knex, line: 1, column: 1, endLine: 1, endColumn: 1, message: 'migration has no down migration (no down is exported)' },
  ],
});
