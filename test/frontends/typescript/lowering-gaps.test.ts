import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../../src/lint.js';
import { FIXTURES, findingsIn, lintCode, migrationOf, only } from './helpers.js';
import type { Migration } from '../../../src/ir/types.js';

const js = (lines: string[]) => lines.join('\n') + '\n';
const texts = (m: Migration | undefined, section: 'up' | 'down' = 'up') => m![section].statements.map((s) => s.text);
const notes = (m: Migration | undefined) => m!.coverage!.unanalysed.map((u) => `${u.range.start.line}:${u.range.start.column} ${u.reason}`);

describe('knex.raw() as a fragment of a query builder', async () => {
  const result = await lint([path.join(FIXTURES, 'dialects', 'knex')]);
  const file = '20240302000000_fragment_bindings.js';

  it('fills in ?? and ? bindings (names from the list, placeholders for values known at run time) and knex.ref()', () => {
    const m = migrationOf(result, file);
    expect(m.up.statements.map((s) => `${s.kind} ${s.range.start.line}:${s.range.start.column} ${s.text}`)).toEqual([
      `UpdateStmt 2:9 UPDATE "articles" SET "slug" = REPLACE("slug", ' ', '-') WHERE "slug" like '% %'`,
      'UpdateStmt 5:9 UPDATE "articles" SET "title_copy" = "articles"."title"',
      'UpdateStmt 6:9 UPDATE "articles" SET "body" = TRIM("${binding 1}"), "score" = $1 * 2 WHERE "body" IS NOT NULL',
    ]);
    // The statements are linted: only the UPDATE without WHERE is reported, no parse error.
    expect(findingsIn(result, file, ['parse-error', 'no-update-without-where'])).toEqual(['no-update-without-where@5:9']);
  });
});

describe('SQL lowered from a builder call that does not parse', async () => {
  const result = await lint([path.join(FIXTURES, 'dialects', 'knex')]);
  const file = '20240303000000_foreign_types.js';

  it('is a coverage note, not a parse error; raw SQL the user wrote stays a parse error', () => {
    const m = migrationOf(result, file);
    expect(notes(m)).toEqual(['3:5 lowered SQL does not parse: syntax error at or near "unsigned"']);
    expect(m.up.statements.map((s) => s.kind)).toEqual(['AlterTableStmt', 'AlterTableStmt', 'AlterTableStmt', 'Invalid']);
    expect(m.up.statements[2].text).toBe('ALTER TABLE "counters" ADD COLUMN "visits" integer');
    expect(findingsIn(result, file, ['parse-error'])).toEqual(['parse-error@6:82']);
  });
});

describe('knex lowering with names known only at run time', () => {
  it('keeps dotted run-time names whole and leaves out an unknown referential action', async () => {
    const { migration, findings } = await lintCode(
      js([
        'export async function up(knex) {',
        '  for (const update of updates) {',
        '    await knex.schema.alterTable(update.table, (table) => {',
        '      table.dropIndex([update.column], `${update.table}_${update.column}_foreign`);',
        '      table.foreign(update.column).references(update.references).onDelete(update.onDelete);',
        "      table.foreign(update.other).references('id').inTable(update.target).onUpdate('CASCADE');",
        '    });',
        '  }',
        '}',
        'export async function down() {}',
      ]),
      '20240101000000_runtime_names.js',
    );
    expect(texts(migration)).toEqual([
      'DROP INDEX "${update.table}_${update.column}_foreign"',
      'ALTER TABLE "${update.table}" ADD CONSTRAINT "${update.table}_${update.column}_foreign" FOREIGN KEY ("${update.column}") REFERENCES "${update.references}"',
      'ALTER TABLE "${update.table}" ADD CONSTRAINT "${update.table}_${update.other}_foreign" FOREIGN KEY ("${update.other}") REFERENCES "${update.target}" ("id") ON UPDATE CASCADE',
    ]);
    expect(only(findings, 'parse-error')).toEqual([]);
  });

  it('shortens the placeholder of a long run-time expression so it is no long identifier', async () => {
    const { migration, findings } = await lintCode(
      js([
        'export async function up(knex) {',
        "  await knex.schema.alterTable('roles', (table) => {",
        "    table.dropForeign('parent', foreignKeys.find((fk) => fk.table === 'roles' && fk.column === 'parent')?.constraint_name);",
        '  });',
        '}',
        'export async function down() {}',
      ]),
      '20240101000000_long_names.js',
    );
    expect(texts(migration)).toEqual(['ALTER TABLE "roles" DROP CONSTRAINT "${foreignKeys.find((fk) => fk.table ===...}"']);
    expect(only(findings, 'no-long-identifier', 'parse-error')).toEqual([]);
  });
});

describe('names written around an interpolated value', () => {
  it('render as one quoted identifier, so the statement parses and the table is the right one', async () => {
    const { migration, findings } = await lintCode(
      js([
        'exports.up = async (knex) => {',
        '  const prefix = process.env.PREFIX;',
        "  const table = `${prefix}events`;",
        '  await knex.raw(`CREATE TABLE ${prefix}events (id bigint, kind_${suffix} text)`);',
        '  await knex.raw(`CREATE INDEX idx_${prefix}_${kind}_on ON ${table} (id)`);',
        '  await knex.raw(`UPDATE ${table} SET kind = \'x\' WHERE "${prefix}" IS NULL`);',
        '};',
        'exports.down = async () => {};',
      ]),
      '1_glued.js',
    );
    expect(texts(migration)).toEqual([
      'CREATE TABLE "${prefix}events" (id bigint, "kind_${suffix}" text)',
      'CREATE INDEX "idx_${prefix}_${kind}_on" ON "${prefix}events" (id)',
      `UPDATE "\${prefix}events" SET kind = 'x' WHERE "\${prefix}" IS NULL`,
    ]);
    expect(migration!.coverage!.unanalysed).toEqual([]);
    // The index is on the table the migration creates: no lock finding.
    expect(only(findings, 'require-concurrent-index', 'parse-error')).toEqual([]);
  });
});

describe('code shapes that used to stop the walker', () => {
  it('a variable assigned from itself (x = x.map(...)) neither loops nor hides the statements around it', async () => {
    const { migration } = await lintCode(
      js([
        'export async function up(knex) {',
        "  const rows = await knex.select('id', 'flags').from('fields');",
        '  for (const { id, flags } of rows) {',
        '    let parsed = toArray(flags);',
        '    parsed = parsed.map((f) => `cast-${f}`);',
        "    let sql = 'UPDATE fields SET flags = ?';",
        "    sql = sql + ' WHERE id = ?';",
        "    const joined = parsed.join(',');",
        '    await knex.raw(sql, [joined, id]);',
        "    await knex('fields').update({ flags: joined }).where({ id });",
        '  }',
        '}',
        'export async function down() {}',
      ]),
      '20220101000000_self_assign.js',
    );
    expect(texts(migration)).toEqual(['UPDATE fields SET flags = $1 WHERE id = $2', 'UPDATE "fields" SET "flags" = "${parsed.join(\',\')}" WHERE "id" = "${id}"']);
    expect(notes(migration)).toEqual([]);
  });

  it('a deeply nested helper that reaches no framework object is not listed as unread', async () => {
    const { migration } = await lintCode(
      js([
        'const isText = (v) => typeof v === "string" && v.length > 0;',
        'const a = (v) => isText(v);',
        'const b = (v) => a(v);',
        'const c = (v) => b(v);',
        'const d = (v) => c(v);',
        'function walk(knex, v) { if (d(v)) return knex.raw("SELECT 1"); }',
        'exports.up = async (knex) => { await walk(knex, "x"); };',
        'exports.down = async () => {};',
      ]),
      '1_deep.js',
    );
    expect(texts(migration)).toEqual(['SELECT 1']);
    expect(notes(migration)).toEqual([]);
  });
});
