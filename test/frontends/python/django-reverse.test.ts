/**
 * Django's reverses of schema operations (its schema editor's database_backwards), lowered
 * into the down section: each operation's, in reverse order, from the state after it back
 * to the state before it. One lint run over two small apps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../../../src/lint.js';
import { migrationOf, pos, statements } from './helpers.js';

let dir: string;
let result: LintResult;

const migration = (deps: string, ops: string, head = '') => `from django.db import migrations, models
import django.db.models.deletion
${head}

class Migration(migrations.Migration):
    dependencies = [${deps}]

    operations = [
${ops}
    ]
`;

/** Line 9 holds the first operation (one per line). */
const FILES: Record<string, string> = {
  'shop/migrations/0001_initial.py': migration('', [
    "        migrations.CreateModel(name='Author', fields=[('id', models.BigAutoField(primary_key=True)), ('name', models.CharField(max_length=50))]),",
    "        migrations.CreateModel(name='Book', fields=[('id', models.BigAutoField(primary_key=True)), ('title', models.CharField(max_length=100)), ('subtitle', models.CharField(max_length=20, null=True)), ('pages', models.IntegerField(default=0)), ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='shop.author')), ('readers', models.ManyToManyField(to='shop.author'))], options={'indexes': [models.Index(fields=['title'], name='book_title_idx')], 'constraints': [models.CheckConstraint(check=models.Q(pages__gte=0), name='pages_gte_0')]}),",
  ].join('\n')),
  'shop/migrations/0002_fields.py': migration("('shop', '0001_initial')", [
    "        migrations.AddField(model_name='book', name='isbn', field=models.CharField(default='', max_length=13)),",
    "        migrations.RemoveField(model_name='book', name='subtitle'),",
    "        migrations.AlterField(model_name='book', name='title', field=models.CharField(max_length=200, null=True)),",
    "        migrations.RenameField(model_name='book', old_name='author', new_name='writer'),",
  ].join('\n')),
  'shop/migrations/0003_indexes.py': migration("('shop', '0002_fields')", [
    "        migrations.AddIndex(model_name='book', index=models.Index(fields=['isbn'], name='book_isbn_idx')),",
    "        migrations.RemoveIndex(model_name='book', name='book_title_idx'),",
    "        migrations.AddConstraint(model_name='book', constraint=models.UniqueConstraint(fields=['isbn'], name='uniq_isbn')),",
    "        migrations.RemoveConstraint(model_name='book', name='pages_gte_0'),",
    "        migrations.RenameIndex(model_name='book', new_name='book_isbn_ix', old_name='book_isbn_idx'),",
    "        migrations.AlterUniqueTogether(name='book', unique_together={('title', 'isbn')}),",
    "        migrations.AlterIndexTogether(name='book', index_together={('pages', 'isbn')}),",
    "        migrations.AlterModelOptions(name='book', options={'ordering': ['title']}),",
  ].join('\n')),
  'shop/migrations/0004_tables.py': migration("('shop', '0003_indexes')", [
    "        migrations.AlterModelTable(name='book', table='books'),",
    "        migrations.RenameModel(old_name='Author', new_name='Writer'),",
    "        migrations.AlterOrderWithRespectTo(name='book', order_with_respect_to='writer'),",
  ].join('\n')),
  // The reverse_sql the author wrote is linted; Django's reverse of the AddField is not.
  'shop/migrations/0005_mixed.py': migration("('shop', '0004_tables')", [
    "        migrations.AddField(model_name='book', name='sold', field=models.IntegerField(null=True)),",
    "        migrations.RunSQL('UPDATE books SET sold = 0', reverse_sql='DELETE FROM books'),",
  ].join('\n')),
  // A RunPython without reverse_code makes the whole migration irreversible, schema operations or not.
  'shop/migrations/0006_irreversible.py': migration(
    "('shop', '0005_mixed')",
    ["        migrations.AddField(model_name='book', name='kept', field=models.BooleanField(default=False)),", '        migrations.RunPython(forwards),'].join('\n'),
    '\ndef forwards(apps, schema_editor):\n    pass\n',
  ),
  'lib/migrations/0001_initial.py': migration('', [
    "        migrations.CreateModel(name='Shelf', fields=[('id', models.AutoField(primary_key=True)), ('label', models.SlugField(unique=True))]),",
    "        migrations.CreateModel(name='Item', fields=[('id', models.BigAutoField(primary_key=True)), ('code', models.CharField(max_length=10, db_index=True)), ('shelf', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='lib.shelf')), ('tags', models.ManyToManyField(to='lib.shelf', related_name='+'))], options={'unique_together': {('code', 'shelf')}, 'constraints': [models.CheckConstraint(check=models.Q(code__gt=''), name='code_set'), models.UniqueConstraint(fields=['code'], condition=models.Q(shelf__isnull=False), name='code_once')]}),",
    "        migrations.AddIndex(model_name='item', index=models.Index(fields=['-code'], name='item_code_desc')),",
  ].join('\n')),
  'lib/migrations/0002_drop.py': migration("('lib', '0001_initial')", [
    "        migrations.DeleteModel(name='Item'),",
    "        migrations.DeleteModel(name='Ghost'),",
    "        migrations.RemoveField(model_name='shelf', name='nowhere'),",
    "        migrations.RemoveIndex(model_name='shelf', name='never_made'),",
  ].join('\n')),
  'lib/migrations/0003_unique_off.py': migration("('lib', '0002_drop')", [
    "        migrations.AlterField(model_name='shelf', name='label', field=models.SlugField()),",
    "        migrations.RenameField(model_name='shelf', old_name='ghost', new_name='spirit'),",
  ].join('\n')),
  'lib/migrations/0004_unique_on.py': migration("('lib', '0003_unique_off')", ["        migrations.AlterField(model_name='shelf', name='label', field=models.SlugField(unique=True)),"].join('\n')),
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-django-reverse-'));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  result = await lint([dir], { cwd: dir });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const down = (file: string) => statements(migrationOf(result, file), 'down');
const findingsIn = (file: string) => result.findings.filter((f) => f.file.endsWith(file)).map((f) => `${f.ruleId}@${pos(f)}`);

describe("Django: schema operations' reverses in the down section", () => {
  it('CreateModel: DROP TABLE ... CASCADE, the many-to-many table first, in reverse order', () => {
    expect(down('shop/migrations/0001_initial.py')).toEqual([
      '10:9 DropStmt DROP TABLE "shop_book_readers" CASCADE',
      '10:9 DropStmt DROP TABLE "shop_book" CASCADE',
      '9:9 DropStmt DROP TABLE "shop_author" CASCADE',
    ]);
    // Every generated statement is marked as the framework's, at its operation.
    expect(migrationOf(result, 'shop/migrations/0001_initial.py').down.statements.every((s) => s.chunk.derived === 'framework')).toBe(true);
  });

  it('AddField, RemoveField, AlterField, RenameField', () => {
    expect(down('shop/migrations/0002_fields.py')).toEqual([
      '12:9 RenameStmt ALTER TABLE "shop_book" RENAME COLUMN "writer_id" TO "author_id"',
      // From the new field back to the old one.
      '11:9 AlterTableStmt ALTER TABLE "shop_book" ALTER COLUMN "title" TYPE varchar(100) USING "title"::varchar(100)',
      '11:9 AlterTableStmt ALTER TABLE "shop_book" ALTER COLUMN "title" SET NOT NULL',
      // The removed field, as earlier migrations defined it.
      '10:9 AlterTableStmt ALTER TABLE "shop_book" ADD COLUMN "subtitle" varchar(20) NULL',
      '9:9 AlterTableStmt ALTER TABLE "shop_book" DROP COLUMN "isbn" CASCADE',
    ]);
  });

  it('indexes, constraints, unique_together and index_together; state-only operations have none', () => {
    expect(down('shop/migrations/0003_indexes.py')).toEqual([
      '15:9 DropStmt DROP INDEX IF EXISTS "shop_book_pages_isbn_d36bd685_idx"',
      '14:9 AlterTableStmt ALTER TABLE "shop_book" DROP CONSTRAINT "shop_book_title_isbn_837e389d_uniq"',
      '13:9 RenameStmt ALTER INDEX "book_isbn_ix" RENAME TO "book_isbn_idx"',
      // Defined in 0001 (CreateModel's options); the RenameField of another column in 0002 leaves it as it was.
      '12:9 AlterTableStmt ALTER TABLE "shop_book" ADD CONSTRAINT "pages_gte_0" CHECK ("pages" >= 0)',
      '11:9 AlterTableStmt ALTER TABLE "shop_book" DROP CONSTRAINT "uniq_isbn"',
      '10:9 IndexStmt CREATE INDEX "book_title_idx" ON "shop_book" ("title")',
      '9:9 DropStmt DROP INDEX IF EXISTS "book_isbn_idx"',
    ]);
  });

  it('AlterModelTable and RenameModel rename back; order_with_respect_to drops _order', () => {
    expect(down('shop/migrations/0004_tables.py')).toEqual([
      '11:9 AlterTableStmt ALTER TABLE "books" DROP COLUMN "_order"',
      '10:9 RenameStmt ALTER TABLE "shop_writer" RENAME TO "shop_author"',
      // Book's many-to-many table to the renamed model names its column for it, and follows Book's table.
      '10:9 RenameStmt ALTER TABLE "books_readers" RENAME COLUMN "writer_id" TO "author_id"',
      '9:9 RenameStmt ALTER TABLE "books" RENAME TO "shop_book"',
      '9:9 RenameStmt ALTER TABLE "books_readers" RENAME TO "shop_book_readers"',
    ]);
  });

  it('DeleteModel creates the model again as it was; what is not known is listed as not lowered', () => {
    const m = migrationOf(result, 'lib/migrations/0002_drop.py');
    expect(statements(m, 'down')).toEqual([
      '9:9 CreateStmt CREATE TABLE "lib_item" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "code" varchar(10) NOT NULL, "shelf_id" integer NOT NULL, ' +
        `CONSTRAINT "lib_item_code_shelf_id_38dde908_uniq" UNIQUE ("code", "shelf_id"), CONSTRAINT "code_set" CHECK ("code" > ''))`,
      '9:9 IndexStmt CREATE INDEX "lib_item_code_dea46b91" ON "lib_item" ("code")',
      '9:9 IndexStmt CREATE INDEX "lib_item_code_dea46b91_like" ON "lib_item" ("code" varchar_pattern_ops)',
      '9:9 AlterTableStmt ALTER TABLE "lib_item" ADD CONSTRAINT "lib_item_shelf_id_846705aa_fk_lib_shelf_id" FOREIGN KEY ("shelf_id") REFERENCES "lib_shelf" ("id") DEFERRABLE INITIALLY DEFERRED',
      '9:9 IndexStmt CREATE INDEX "lib_item_shelf_id_846705aa" ON "lib_item" ("shelf_id")',
      '9:9 CreateStmt CREATE TABLE "lib_item_tags" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "item_id" bigint NOT NULL, "shelf_id" integer NOT NULL)',
      '9:9 AlterTableStmt ALTER TABLE "lib_item_tags" ADD CONSTRAINT "lib_item_tags_item_id_shelf_id_0a0c9045_uniq" UNIQUE ("item_id", "shelf_id")',
      '9:9 AlterTableStmt ALTER TABLE "lib_item_tags" ADD CONSTRAINT "lib_item_tags_item_id_16c15cd0_fk_lib_item_id" FOREIGN KEY ("item_id") REFERENCES "lib_item" ("id") DEFERRABLE INITIALLY DEFERRED',
      '9:9 AlterTableStmt ALTER TABLE "lib_item_tags" ADD CONSTRAINT "lib_item_tags_shelf_id_55a81d46_fk_lib_shelf_id" FOREIGN KEY ("shelf_id") REFERENCES "lib_shelf" ("id") DEFERRABLE INITIALLY DEFERRED',
      '9:9 IndexStmt CREATE INDEX "lib_item_tags_item_id_16c15cd0" ON "lib_item_tags" ("item_id")',
      '9:9 IndexStmt CREATE INDEX "lib_item_tags_shelf_id_55a81d46" ON "lib_item_tags" ("shelf_id")',
      // The unique constraint with a condition is an index; AddIndex's index joined the model in 0001.
      '9:9 IndexStmt CREATE UNIQUE INDEX "code_once" ON "lib_item" ("code") WHERE "shelf_id" IS NOT NULL',
      '9:9 IndexStmt CREATE INDEX "item_code_desc" ON "lib_item" ("code" DESC)',
    ]);
    // The rest is lowered; these are listed under the down, where their reverse is missing.
    expect(m.coverage?.unanalysed.map((c) => [c.range.start.line, c.part, c.reason])).toEqual([
      [12, 'down', "RemoveIndex never_made: its definition is not known (not found in earlier migrations, or a column or the table was renamed since), so Django's reverse (creating it again) is not lowered"],
      [11, 'down', "RemoveField lib.shelf.nowhere: the field's definition was not found in earlier migrations, so Django's reverse (adding it back) is not known"],
      [10, 'down', "DeleteModel lib.ghost: the model was not found in earlier migrations, so Django's reverse (creating it again) is not known"],
    ]);
  });

  it("a unique constraint keeps its name: PostgreSQL's for one declared with the column, AlterField's for one it added", () => {
    const off = migrationOf(result, 'lib/migrations/0003_unique_off.py');
    expect(statements(off).filter((s) => s.includes('CONSTRAINT'))).toEqual(['9:9 AlterTableStmt ALTER TABLE "lib_shelf" DROP CONSTRAINT "lib_shelf_label_key"']);
    // Django's reverse adds it back under the name its alter_field gives; a field no migration defines renames by its name.
    expect(statements(off, 'down')).toEqual([
      '10:9 RenameStmt ALTER TABLE "lib_shelf" RENAME COLUMN "spirit" TO "ghost"',
      '9:9 DropStmt DROP INDEX IF EXISTS "lib_shelf_label_af575db9"',
      '9:9 AlterTableStmt ALTER TABLE "lib_shelf" ADD CONSTRAINT "lib_shelf_label_af575db9_uniq" UNIQUE ("label")',
    ]);
    const on = migrationOf(result, 'lib/migrations/0004_unique_on.py');
    expect(statements(on)).toEqual([
      '9:9 DropStmt DROP INDEX IF EXISTS "lib_shelf_label_af575db9"',
      '9:9 AlterTableStmt ALTER TABLE "lib_shelf" ADD CONSTRAINT "lib_shelf_label_af575db9_uniq" UNIQUE ("label")',
    ]);
    expect(statements(on, 'down')).toEqual([
      '9:9 AlterTableStmt ALTER TABLE "lib_shelf" DROP CONSTRAINT "lib_shelf_label_af575db9_uniq"',
      '9:9 IndexStmt CREATE INDEX "lib_shelf_label_af575db9" ON "lib_shelf" ("label")',
    ]);
  });

  it('a mixed migration: reverse_sql is linted, Django\'s reverses are not; RunPython without reverse stays irreversible', () => {
    const mixed = migrationOf(result, 'shop/migrations/0005_mixed.py');
    expect(statements(mixed, 'down')).toEqual(['10:69 DeleteStmt DELETE FROM books', '9:9 AlterTableStmt ALTER TABLE "books" DROP COLUMN "sold" CASCADE']);
    expect(mixed.down.statements.map((s) => s.chunk.derived)).toEqual([undefined, 'framework']);
    expect(findingsIn('shop/migrations/0005_mixed.py')).toEqual(['no-update-without-where@10:28', 'no-delete-without-where@10:69']);
    const irreversible = migrationOf(result, 'shop/migrations/0006_irreversible.py');
    expect(irreversible.down.state).toBe('irreversible');
    expect(irreversible.down.statements).toEqual([]);
  });

  it('no rule reports on the generated downs: only on what the author wrote', () => {
    const downFindings = result.findings.filter((f) => f.direction === 'down').map((f) => `${path.basename(f.file)} ${f.ruleId}@${pos(f)}`);
    expect(downFindings).toEqual(['0005_mixed.py no-delete-without-where@10:69', '0006_irreversible.py require-downgrade@13:9']);
  });
});
