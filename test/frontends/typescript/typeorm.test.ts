import { describe, expect, it } from 'vitest';
import { findingsIn, lintFixtures, migrationOf } from './helpers.js';

const RULES = ['no-not-null-without-default', 'require-concurrent-index', 'require-concurrent-index-drop', 'no-update-without-where', 'require-downgrade', 'parse-error', 'no-concurrently-in-transaction'];

describe('TypeORM fixtures', async () => {
  const result = await lintFixtures('typeorm');

  it('reads a generated migration with hundreds of queryRunner.query calls', () => {
    const m = migrationOf(result, '1700000000000-InitialSchema.ts');
    expect(m.format).toBe('typeorm');
    expect(m.up.statements).toHaveLength(183);
    expect(m.down.statements).toHaveLength(152);
    expect(m.coverage).toEqual({ analysed: 335, unanalysed: [] });
    expect(m.up.statements.every((s) => s.kind !== 'Invalid')).toBe(true);
    expect(m.up.transaction).toBe(true);
    // Only the two statements on a table that existed before; the 60 indexes on new tables are fine.
    expect(findingsIn(result, '1700000000000-InitialSchema.ts', ['no-not-null-without-default', 'require-concurrent-index'])).toEqual([
      'no-not-null-without-default@187:68',
      'require-concurrent-index@188:34',
    ]);
  });

  it('lowers the QueryRunner API: TableColumn is NOT NULL unless isNullable, TableIndex is a plain index', () => {
    const m = migrationOf(result, '1700000100000-AddOrderStatus.ts');
    expect(m.up.statements.map((s) => s.text)).toEqual([
      'ALTER TABLE "order" ADD "status" varchar(32) NOT NULL',
      'ALTER TABLE "order" ADD "notes" text',
      'ALTER TABLE "order" ADD "priority" integer NOT NULL DEFAULT 0',
      'CREATE INDEX "IDX_order_status" ON "order" ("status")',
      'CREATE TABLE IF NOT EXISTS "order_event" ("id" SERIAL NOT NULL, "orderId" uuid NOT NULL, "kind" varchar NOT NULL, CONSTRAINT "PK_order_event" PRIMARY KEY ("id"))',
      'CREATE INDEX "IDX_order_event_order" ON "order_event" ("orderId")',
      'ALTER TABLE "order_event" ADD CONSTRAINT "FK_order_event_orderId" FOREIGN KEY ("orderId") REFERENCES "order"("id") ON DELETE CASCADE',
    ]);
    expect(findingsIn(result, '1700000100000-AddOrderStatus.ts', RULES)).toEqual([
      'no-not-null-without-default@7:11',
      'require-concurrent-index@23:11',
      'require-concurrent-index-drop@47:11',
    ]);
    // public transaction = false
    expect(m.up.transaction).toBe(false);
  });

  it('reads a JavaScript class export, inlines this.helper(), and reports the missing down()', () => {
    const m = migrationOf(result, '1700000200000-ConcurrentIndex.js');
    expect(m.format).toBe('typeorm');
    expect(m.up.transaction).toBe(false);
    expect(findingsIn(result, '1700000200000-ConcurrentIndex.js', RULES)).toEqual(['require-downgrade@1:1', 'no-update-without-where@13:30']);
    expect(result.findings.find((f) => f.ruleId === 'require-downgrade' && f.file.endsWith('ConcurrentIndex.js'))!.message).toBe(
      'migration has no down migration (the migration class has no down() method)',
    );
  });
});
