import { describe, expect, it } from 'vitest';
import { findingsIn, lintCode, lintFixtures, migrationOf } from './helpers.js';

const RULES = ['no-not-null-without-default', 'require-concurrent-index', 'no-drop-cascade', 'require-downgrade', 'no-concurrently-in-transaction'];

describe('MikroORM fixtures', async () => {
  const result = await lintFixtures('mikro-orm');

  it('reads this.addSql strings where they are written', () => {
    const m = migrationOf(result, 'Migration20240101120000.ts');
    expect(m.format).toBe('mikro-orm');
    expect(m.up.statements).toHaveLength(4);
    expect(findingsIn(result, 'Migration20240101120000.ts', RULES)).toEqual([
      'require-concurrent-index@8:18',
      'no-not-null-without-default@9:48',
      'no-drop-cascade@15:18',
    ]);
  });

  it('inlines a helper method of the migration class', async () => {
    const { migration } = await lintCode(
      [
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240303 extends Migration {',
        '  async up(): Promise<void> {',
        "    this.index('author', 'email');",
        '  }',
        '  private index(table: string, column: string) {',
        '    this.addSql(`create index "${table}_${column}_index" on "${table}" ("${column}");`);',
        '  }',
        '}',
      ].join('\n'),
      'Migration20240303.ts',
    );
    expect(migration!.up.statements.map((s) => s.text)).toEqual(['create index "author_email_index" on "author" ("email")']);
    expect(migration!.coverage!.unanalysed).toEqual([]);
  });

  it('isTransactional() returning false lets CONCURRENTLY run; a missing down() is reported', () => {
    const m = migrationOf(result, 'Migration20240202120000.ts');
    expect(m.up.transaction).toBe(false);
    expect(findingsIn(result, 'Migration20240202120000.ts', RULES)).toEqual(['require-downgrade@1:1']);
    expect(result.findings.find((f) => f.ruleId === 'require-downgrade' && f.file.endsWith('Migration20240202120000.ts'))!.message).toBe(
      "migration has no down migration (no down() method: MikroORM's default down() throws)",
    );
  });
});
