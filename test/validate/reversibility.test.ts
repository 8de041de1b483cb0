import { afterAll, describe, expect, it } from 'vitest';
import { reversibilityCheck } from '../../src/validate/reversibility.js';
import { cleanup, migrationsOf } from './helpers.js';

afterAll(cleanup);

describe('reversibility', () => {
  it('passes paired migrations and counts formats without a down convention', async () => {
    const { migrations } = await migrationsOf({
      'migrations/000001_a.up.sql': 'CREATE TABLE a (id bigint);',
      'migrations/000001_a.down.sql': 'DROP TABLE a;',
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE p (id bigint);',
      'db/migrations/20240101000000_merge.sql': '-- migrate:up\n-- migrate:down\n',
    });
    const r = reversibilityCheck(migrations);
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.summary).toBe('2 migrations with downs, all usable; 1 prisma without a down convention');
  });

  it('reports a missing down file, an empty down section and a down without its up', async () => {
    const { migrations } = await migrationsOf({
      'migrations/000001_a.up.sql': 'CREATE TABLE a (id bigint);',
      'migrations/000002_b.down.sql': 'DROP TABLE b;',
      'db/migrations/20240101000000_c.sql': '-- migrate:up\nCREATE TABLE c (id bigint);\n-- migrate:down\n-- nothing\n',
    });
    const r = reversibilityCheck(migrations);
    expect(r.status).toBe('failed');
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.file, f.message])).toEqual([
      ['validate/reversibility-empty-down', 'error', 'db/migrations/20240101000000_c.sql', 'down of 20240101000000_c is empty: rolling back does nothing, while the up changes the schema'],
      ['validate/reversibility-missing-down', 'error', 'migrations/000001_a.up.sql', '000001_a has no down migration (expected migrations/000001_a.down.sql)'],
      ['validate/reversibility-orphan-down', 'error', 'migrations/000002_b.down.sql', '000002_b.down.sql has no up migration (expected migrations/000002_b.up.sql)'],
    ]);
  });

  it('does not say a data-only up changes the schema', async () => {
    const { migrations } = await migrationsOf({
      'migrations/000001_backfill.up.sql': "UPDATE users SET plan = 'free' WHERE plan IS NULL;\nDELETE FROM sessions WHERE expired;",
      'migrations/000001_backfill.down.sql': '-- nothing to undo\n',
    });
    const [f] = reversibilityCheck(migrations).findings;
    expect(f.message).toBe('down of 000001_backfill is empty: rolling back does nothing, and the rows the up changes stay changed');
    expect(f.hint).toBe('write the statements that undo the data change, or accept it: migratelint-disable require-downgrade -- <reason>');
  });

  it('reports a Django operation without a reverse as irreversible', async () => {
    const { migrations } = await migrationsOf({
      'shop/migrations/0001_initial.py':
        'from django.db import migrations\n\n\ndef forwards(apps, schema_editor):\n    pass\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [migrations.RunPython(forwards)]\n',
    });
    const r = reversibilityCheck(migrations);
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([['validate/reversibility-irreversible', 'error']]);
    expect(r.findings[0].message).toMatch(/^down of 0001_initial is declared irreversible/);
  });

  it('turns a down declared irreversible on purpose (disable comment with a reason) into a warning', async () => {
    const { migrations } = await migrationsOf({
      'db/migrations/20240101000000_purge.sql':
        '-- migratelint-disable require-downgrade -- the purged rows cannot come back; restore from backup\n-- migrate:up\nDELETE FROM logs WHERE created_at < now() - interval \'1 year\';\n-- migrate:down\n',
    });
    const r = reversibilityCheck(migrations);
    expect(r.status).toBe('passed');
    expect(r.findings.map((f) => [f.severity, f.message])).toEqual([
      ['warn', 'down of 20240101000000_purge is empty: rolling back does nothing, and the rows the up changes stay changed; accepted as irreversible: the purged rows cannot come back; restore from backup'],
    ]);
  });
});
