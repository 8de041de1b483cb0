import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../../src/lint.js';
import { statements } from './helpers.js';

const CHAIN = 1500;
let dir: string;

const migration = (deps: string, ops: string) => `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [${deps}]

    operations = [
${ops}
    ]
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-django-state-'));
  const app = path.join(dir, 'library', 'migrations');
  fs.mkdirSync(app, { recursive: true });
  const name = (n: number) => `${String(n).padStart(4, '0')}_step`;
  fs.writeFileSync(
    path.join(app, `${name(1)}.py`),
    migration(
      '',
      "        migrations.CreateModel(name='Book', fields=[('id', models.AutoField(primary_key=True, serialize=False)), ('title', models.CharField(max_length=50, null=True))], options={'db_table': 'books'}),",
    ),
  );
  for (let n = 2; n < CHAIN; n++) {
    fs.writeFileSync(
      path.join(app, `${name(n)}.py`),
      migration(`('library', '${name(n - 1)}')`, `        migrations.AddField(model_name='book', name='f${n}', field=models.IntegerField(null=True)),`),
    );
  }
  fs.writeFileSync(
    path.join(app, `${name(CHAIN)}.py`),
    migration(
      `('library', '${name(CHAIN - 1)}')`,
      [
        "        migrations.AlterField(model_name='book', name='title', field=models.CharField(max_length=80)),",
        "        migrations.RemoveField(model_name='book', name='f2'),",
      ].join('\n'),
    ),
  );
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Django project state', () => {
  it(`linting the last of ${CHAIN} migrations alone reads the chain before it (iteratively) for the field's history`, async () => {
    const result = await lint([path.join('library', 'migrations', `${String(CHAIN).padStart(4, '0')}_step.py`)], { cwd: dir });
    expect(result.migrations).toHaveLength(1);
    const m = result.migrations[0];
    // db_table from the first migration; varchar(50) NULL → varchar(80) NOT NULL.
    expect(statements(m)).toEqual([
      '8:9 AlterTableStmt ALTER TABLE "books" ALTER COLUMN "title" TYPE varchar(80) USING "title"::varchar(80)',
      '8:9 AlterTableStmt ALTER TABLE "books" ALTER COLUMN "title" SET NOT NULL',
      '9:9 AlterTableStmt ALTER TABLE "books" DROP COLUMN "f2" CASCADE',
    ]);
    expect(m.coverage?.unanalysed).toEqual([]);
    // Only the file named was linted; the others were read for context.
    expect(result.files).toEqual([path.join('library', 'migrations', `${String(CHAIN).padStart(4, '0')}_step.py`)]);
  });
});

describe('Django project state across a merge migration', () => {
  it('keeps the fields each branch added: an AlterField after the merge knows the field from either branch', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-django-merge-'));
    try {
      const app = path.join(root, 'shop', 'migrations');
      fs.mkdirSync(app, { recursive: true });
      const write = (name: string, deps: string, ops: string) => fs.writeFileSync(path.join(app, `${name}.py`), migration(deps, ops));
      write('0001_initial', '', "        migrations.CreateModel(name='Order', fields=[('id', models.AutoField(primary_key=True, serialize=False))]),");
      write('0002_note', "('shop', '0001_initial')", "        migrations.AddField(model_name='order', name='note', field=models.CharField(max_length=20, null=True)),");
      write('0002_total', "('shop', '0001_initial')", "        migrations.AddField(model_name='order', name='total', field=models.IntegerField(null=True)),");
      write('0003_merge', "('shop', '0002_note'), ('shop', '0002_total')", '');
      write(
        '0004_alter',
        "('shop', '0003_merge')",
        [
          "        migrations.AlterField(model_name='order', name='note', field=models.CharField(max_length=40, null=True)),",
          "        migrations.AlterField(model_name='order', name='total', field=models.BigIntegerField(null=True)),",
        ].join('\n'),
      );
      const result = await lint([path.join('shop', 'migrations', '0004_alter.py')], { cwd: root });
      const m = result.migrations[0];
      // Both fields are known, from whichever branch added them: their old types are there to compare.
      expect(m.coverage?.unanalysed).toEqual([]);
      expect(statements(m)).toEqual([
        '8:9 AlterTableStmt ALTER TABLE "shop_order" ALTER COLUMN "note" TYPE varchar(40) USING "note"::varchar(40)',
        '9:9 AlterTableStmt ALTER TABLE "shop_order" ALTER COLUMN "total" TYPE bigint USING "total"::bigint',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
