/**
 * A Rails app's schema dump as statements that seed the schema model: `db/schema.rb`
 * (the Ruby DSL, lowered with the migrations' own lowering) or `db/structure.sql` (a
 * pg_dump, parsed as SQL), found next to each `db/migrate` folder of the run (an
 * engine's own `db/`). Which of its objects seed the model, and why not all of them, is
 * `src/schema/seed.ts`'s business: the dump already holds the new migrations' changes.
 */
import path from 'node:path';
import type { Coverage, Statement } from '../../ir/types.js';
import type { MigrationUnit } from '../../ir/unit.js';
import { LineIndex } from '../../ir/source-text.js';
import { parseChunk } from '../../pg/parse.js';
import type { ReadFile, SchemaSeed } from '../registry.js';
import type { RubyParse } from './prism.js';
import { kind, RbFile, type RNode } from './source.js';
import { bodyOf, constantName, valueOf } from './values.js';
import { OpLowerer } from './ops.js';
import { RbBuilder } from './builder.js';

/** The Rails version `ActiveRecord::Schema.define` (no `[x.y]`, before Rails 7) lowers with: dumps of that era spell out serial ids and precisions. */
const UNVERSIONED = 6.1;

/** The `db/` folder of a Rails migration's path (`…/db/migrate/2024…_x.rb`), or undefined. */
function dbFolder(file: string): string | undefined {
  const dir = path.posix.dirname(file.split(path.sep).join('/'));
  if (path.posix.basename(dir) !== 'migrate') return undefined;
  const db = path.posix.dirname(dir);
  return path.posix.basename(db) === 'db' ? db : undefined;
}

/** The dump of each Rails app (or engine) whose migrations the run holds: schema.rb first, as Rails' default format. */
export function railsSchemaSeeds(units: readonly MigrationUnit[], readFile: ReadFile, parse: RubyParse): SchemaSeed[] {
  const folders = new Set<string>();
  for (const u of units) {
    if (u.format !== 'rails') continue;
    const db = dbFolder(u.path);
    if (db !== undefined) folders.add(db);
  }
  const seeds: SchemaSeed[] = [];
  for (const db of [...folders].sort()) {
    const rb = `${db}/schema.rb`;
    const sql = `${db}/structure.sql`;
    const rbText = tryRead(readFile, rb);
    if (rbText !== undefined) seeds.push(schemaRb(rb, rbText, parse));
    else {
      const sqlText = tryRead(readFile, sql);
      if (sqlText !== undefined) seeds.push(structureSql(sql, sqlText));
    }
  }
  return seeds;
}

function tryRead(readFile: ReadFile, file: string): string | undefined {
  try {
    return readFile(file);
  } catch {
    return undefined;
  }
}

/** `ActiveRecord::Schema[7.1].define(version: …) do … end`, each definition lowered as the migration method of the same name. */
export function schemaRb(file: string, text: string, parse: RubyParse): SchemaSeed {
  const rb = new RbFile(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, parse);
  if (rb.errors.length) {
    const e = rb.errors[0];
    return { file, statements: [], note: `${file}:${rb.position(e.location.startOffset).line}: Ruby syntax error (${e.message}): the schema model is not seeded from it` };
  }
  const define = findDefine(rb);
  if (!define) return { file, statements: [], note: `${file}: no ActiveRecord::Schema.define block: the schema model is not seeded from it` };
  // Coverage and comments of a dump are nobody's concern: the dump is not linted.
  const coverage: Coverage = { analysed: 0, unanalysed: [] };
  const builder = new RbBuilder(rb, coverage, []);
  const ops = new OpLowerer(rb, define.version, () => undefined);
  for (const call of bodyOf(define.node.block)) {
    // Definitions the lowering does not know (a view from a gem, say) stay unknown to the model.
    if (kind(call) !== 'CallNode' || call.receiver) continue;
    let op;
    try {
      op = ops.lower(call);
    } catch {
      op = undefined;
    }
    if (op) builder.builder(op.sql, call);
  }
  return { file, statements: builder.statements };
}

function findDefine(rb: RbFile): { node: RNode; version: number } | undefined {
  for (const n of bodyOf(rb.root)) {
    if (kind(n) !== 'CallNode' || n.name !== 'define' || !n.block) continue;
    const recv = n.receiver;
    if (kind(recv) === 'CallNode' && recv.name === '[]' && constantName(rb, recv.receiver) === 'ActiveRecord::Schema') {
      const v = valueOf(recv.arguments_?.arguments_?.[0]);
      const version = typeof v === 'number' ? v : Number(v);
      return { node: n, version: Number.isFinite(version) ? version : UNVERSIONED };
    }
    if (constantName(rb, recv) === 'ActiveRecord::Schema') return { node: n, version: UNVERSIONED };
  }
  return undefined;
}

/** pg_dump's output, parsed as SQL; statements that do not parse (psql's `\restrict`) are left out and counted in the note. */
export function structureSql(file: string, text: string): SchemaSeed {
  const lines = new LineIndex(text);
  const all = parseChunk({ sql: text, file, origin: 'sql', position: (offset) => lines.position(offset) });
  const statements: Statement[] = all.filter((s) => s.kind !== 'Invalid');
  const bad = all.length - statements.length;
  if (!bad) return { file, statements };
  const first = all.find((s) => s.kind === 'Invalid')!;
  const what = statements.length ? `seeded from the other ${statements.length}` : 'the schema model is not seeded from it';
  return { file, statements, note: `${file}:${first.range.start.line}: ${bad} statement${bad === 1 ? '' : 's'} did not parse (${first.error?.message ?? 'syntax error'}): ${what}` };
}
