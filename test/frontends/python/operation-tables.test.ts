import { describe, expect, it } from 'vitest';
import { alembic, lintPython, pos } from './helpers.js';

// Operations are looked up by name in tables of handlers: a name that is also a
// property of every JavaScript object must still be an unknown operation.

const django = (operations: string) => `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('shop', '0001_initial')]

    operations = [
${operations}
    ]
`;

describe('operation tables', () => {
  it('Django: names of Object.prototype members are unknown operations', async () => {
    const result = await lintPython(django('        migrations.constructor(),\n        migrations.toString(),\n        migrations.__proto__(),'), 'shop/migrations/0002_x.py');
    const m = result.migrations[0];
    expect(m.problems).toEqual([]);
    expect(m.coverage?.unanalysed.map((u) => `${pos(u)} ${u.reason}`)).toEqual([
      '8:9 constructor is not a Django operation migratelint knows; not analysed',
      '9:9 toString is not a Django operation migratelint knows; not analysed',
      '10:9 __proto__ is not a Django operation migratelint knows; not analysed',
    ]);
  });

  it('Django: operations without SQL count as analysed', async () => {
    const ops = ['AlterModelOptions', 'AlterModelManagers', 'AlterModelTableComment', 'CreateCollation', 'RemoveCollation'];
    const result = await lintPython(django(ops.map((o) => `        migrations.${o}('book'),`).join('\n')), 'shop/migrations/0002_x.py');
    const m = result.migrations[0];
    expect(m.up.statements).toEqual([]);
    expect(m.coverage).toEqual({ analysed: ops.length, unanalysed: [] });
  });

  it('Alembic: names of Object.prototype members are calls not analysed', async () => {
    const result = await lintPython(alembic("    op.constructor('t')\n    op.toString('t')"), 'versions/abc123_test.py');
    const m = result.migrations[0];
    expect(m.problems).toEqual([]);
    expect(m.coverage?.unanalysed.map((u) => `${pos(u)} ${u.reason}`)).toEqual(['10:5 op.constructor() is not analysed', '11:5 op.toString() is not analysed']);
  });
});
