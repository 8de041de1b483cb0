import rule from '../../rules/no-not-null-without-default.js';
import { ruleCases } from '../helpers/rule-cases.js';

/** A Django migration adding one field to an existing model (the operation on line 7). */
const djangoAddField = (field: string) =>
  `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n\n    operations = [\n` +
  `        migrations.AddField(model_name='book', name='score', field=${field}),\n    ]\n`;
const djangoFile = 'shop/migrations/0002_book_score.py';

ruleCases(rule, {
  valid: [
    'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;',
    'ALTER TABLE users ADD COLUMN tenant_id bigint;',
    'ALTER TABLE users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;',
    'ALTER TABLE users ADD COLUMN id bigserial PRIMARY KEY;',
    'ALTER TABLE users ADD COLUMN total numeric GENERATED ALWAYS AS (a + b) STORED NOT NULL;',
    'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;',
    'CREATE TABLE users (id bigint NOT NULL, name text NOT NULL);',
    // DEFAULT NULL on a nullable column is harmless; a real default next to it is not DEFAULT NULL.
    'ALTER TABLE users ADD COLUMN note text DEFAULT NULL;',
    "ALTER TABLE users ADD COLUMN note text NOT NULL DEFAULT 'NULL';",
    { sql: djangoAddField('models.IntegerField(db_default=5)'), filename: djangoFile },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;',
      line: 1,
      column: 30,
      endLine: 1,
      endColumn: 39,
      message: 'column tenant_id is added to users as NOT NULL without a DEFAULT: fails if the table has any rows',
    },
    {
      sql: 'ALTER TABLE users\n  ADD COLUMN a int NOT NULL,\n  ADD COLUMN b int NOT NULL DEFAULT 1,\n  ADD c uuid PRIMARY KEY;',
      line: 2,
      column: 14,
      endLine: 2,
      endColumn: 15,
      count: 2,
      message: 'column a is added to users as NOT NULL without a DEFAULT: fails if the table has any rows',
    },
    {
      sql: 'ALTER TABLE IF EXISTS ONLY "Users" ADD "tenantId" integer NOT NULL;',
      line: 1,
      column: 40,
      endLine: 1,
      endColumn: 50,
      message: /"?tenantId"?.*Users/,
    },
    // DEFAULT NULL is no default: existing rows get NULL and the NOT NULL fails.
    {
      sql: 'ALTER TABLE users ADD COLUMN tenant_id bigint DEFAULT NULL NOT NULL;',
      line: 1,
      column: 30,
      endLine: 1,
      endColumn: 39,
      message: 'column tenant_id is added to users as NOT NULL with DEFAULT NULL, which is no default (existing rows get NULL): fails if the table has any rows',
    },
    { sql: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT NULL::bigint;', line: 1, column: 30, message: /with DEFAULT NULL, which is no default/ },
    { sql: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT CAST(NULL AS bigint);', line: 1, column: 30, message: /with DEFAULT NULL, which is no default/ },
    { sql: 'ALTER TABLE users ADD COLUMN tenant_id bigint PRIMARY KEY DEFAULT (NULL);', line: 1, column: 30, message: /PRIMARY KEY \(so NOT NULL\) with DEFAULT NULL/ },
    // Django's db_default=None with null=False prints DEFAULT NULL NOT NULL.
    { sql: djangoAddField('models.IntegerField(db_default=None)'), filename: djangoFile, line: 7, column: 9, message: /"?score"? is added to "?shop_book"? as NOT NULL with DEFAULT NULL/ },
  ],
});
