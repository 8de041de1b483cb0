/**
 * db/schema.rb and db/structure.sql seed the schema model with what no migration of the
 * run creates: the dump already holds the new migrations' own tables and changes.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../../../src/lint.js';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/ruby/schema-seed');

const run = (app: string): Promise<LintResult> => lint(['db/migrate'], { cwd: path.join(FIXTURES, app) });
const of = (r: LintResult, id: string) => r.findings.filter((f) => f.ruleId === id).map((f) => `${path.basename(f.file)}:${f.range.start.line}`);

describe.each(['schema-rb', 'structure-sql'])('a Rails app with %s', (app) => {
  it('knows what the dump says existed before the migrations, and only that', async () => {
    const r = await run(app);
    expect(r.notes).toBeUndefined();
    // legacy_orders' CHECK (status IS NOT NULL), from the dump, proves SET NOT NULL needs no scan.
    expect(of(r, 'no-set-not-null-without-check')).toEqual([]);
    // An index on the table created just before it locks nobody; the one on legacy_orders does.
    expect(of(r, 'require-concurrent-index')).toEqual(['20240501000000_add_order_things.rb:9']);
    // The dump shows amount as bigint AFTER the migration: that is not its type before it.
    const change = r.findings.filter((f) => f.ruleId === 'no-rewriting-column-type-change');
    expect(change.map((f) => f.range.start.line)).toEqual([3, 7]);
    expect(change[0].message).toMatch(/current type is not in the migrations linted/);
  });
});

describe('a schema.rb that does not parse', () => {
  it('is one note, and the migrations are linted without it', async () => {
    const r = await run('broken');
    expect(r.notes).toEqual(['db/schema.rb:6: Ruby syntax error (unexpected <<, ignoring it): the schema model is not seeded from it']);
    expect(of(r, 'no-set-not-null-without-check')).toEqual(['20240501000000_add_order_things.rb:10']);
    expect(of(r, 'require-concurrent-index')).toEqual(['20240501000000_add_order_things.rb:9']);
  });
});
