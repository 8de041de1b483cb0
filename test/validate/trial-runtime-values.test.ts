import { describe, expect, it } from 'vitest';
import type { ExecMigration } from '../../src/exec/migrations.js';
import { withoutRunTimeValues } from '../../src/validate/trial-runtime-values.js';
import { lintCode } from '../frontends/typescript/helpers.js';
import { lintPython } from '../frontends/python/helpers.js';

/** What the trial runs of a code migration's up, and what it leaves out for want of run-time values. */
async function split(code: string, file = '20240101000000-m.js') {
  const { migration } = await lintCode(code, file);
  const em = { id: 'm', file, migration } as unknown as ExecMigration;
  const { em: kept, leftOut } = withoutRunTimeValues(em);
  return { runs: kept.migration.up.statements.map((s) => s.text), leftOut: leftOut.map((l) => l.statement.text) };
}

describe('statements whose values come at run time', () => {
  it("leaves out a template literal's ${value} inside a quoted string, keeps the rest", async () => {
    const r = await split(`module.exports = { up: async (qi) => {
  const [teams] = await qi.sequelize.query('SELECT * FROM teams');
  for (const teamId of teams) {
    await qi.sequelize.query(\`UPDATE users SET "isAdmin" = true WHERE "teamId" = '\${teamId}'\`);
  }
  await qi.sequelize.query('UPDATE users SET "isAdmin" = false WHERE "isAdmin" IS NULL');
} };`);
    expect(r.runs).toEqual(['SELECT * FROM teams', 'UPDATE users SET "isAdmin" = false WHERE "isAdmin" IS NULL']);
    expect(r.leftOut).toEqual([`UPDATE users SET "isAdmin" = true WHERE "teamId" = '\${teamId}'`]);
  });

  it('leaves out a builder call whose value the code computes (a default from process.env)', async () => {
    const r = await split(`module.exports = { up: async (qi, Sequelize) => {
  await qi.addColumn('users', 'language', { type: Sequelize.STRING, defaultValue: process.env.DEFAULT_LANGUAGE });
  await qi.addColumn('users', 'theme', { type: Sequelize.STRING, defaultValue: 'light' });
} };`);
    expect(r.leftOut).toEqual(['ALTER TABLE "users" ADD COLUMN "language" VARCHAR(255) DEFAULT "${process.env.DEFAULT_LANGUAGE}"']);
    expect(r.runs).toEqual([`ALTER TABLE "users" ADD COLUMN "theme" VARCHAR(255) DEFAULT 'light'`]);
  });

  it('keeps a name filled in at run time (a table prefix): the placeholder names it consistently', async () => {
    const r = await split(`const prefix = process.env.PREFIX;
module.exports = { up: async (qi) => { await qi.sequelize.query(\`CREATE TABLE \${prefix}_users (id int)\`); } };`);
    expect(r.leftOut).toEqual([]);
    expect(r.runs).toHaveLength(1);
  });

  it("leaves out a Django queryset's update or delete: its filter is the code's, a placeholder in the SQL", async () => {
    const code = `from django.db import migrations


def move(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='users', model='user').delete()
    ContentType.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [('contenttypes', '0002_remove_content_type_name')]
    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
`;
    const { migrations } = await lintPython(code, 'users/migrations/0005_move.py');
    const em = { id: 'm', file: 'users/migrations/0005_move.py', migration: migrations[0] } as unknown as ExecMigration;
    const { em: kept, leftOut } = withoutRunTimeValues(em);
    expect(leftOut.map((l) => l.statement.text)).toEqual([`DELETE FROM "django_content_type" WHERE "{'users', model='user'}"`]);
    expect(kept.migration.up.statements.map((s) => s.text)).toEqual(['DELETE FROM "django_content_type"']);
  });
});
