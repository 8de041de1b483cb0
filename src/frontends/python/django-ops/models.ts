/**
 * Operations on whole models: create, delete, rename, move to another table, and the
 * model options that have SQL (unique_together, index_together, order_with_respect_to).
 */
import type { SyntaxNode } from '@lezer/common';
import { q } from '../lower.js';
import { addForeignKey, columnDefinition, djangoIndexName, fieldIndexes } from '../django-fields.js';
import { defaultTable, mutableModel, type DjModel } from '../django-state.js';
import { boolConst, constOf, dictOf, itemsOf, strConst, type Scope } from '../values.js';
import { columnOf, type OpContext, type Operation, type OperationHandler } from './context.js';
import { constraintDefinition, indexDefinition } from './indexes-constraints.js';
import { createThroughTableSql, throughTableName } from './many-to-many.js';
import { cascadeFor, dependentsOfModel } from './cascade.js';

export const modelOperations: Record<string, OperationHandler> = {
  CreateModel: createModel,
  DeleteModel: deleteModel,
  RenameModel: renameModel,
  AlterModelTable: alterModelTable,
  AlterUniqueTogether: (ctx, op) => alterTogether(ctx, op, 'unique'),
  AlterIndexTogether: (ctx, op) => alterTogether(ctx, op, 'index'),
  AlterOrderWithRespectTo: alterOrderWithRespectTo,
};

function createModel(ctx: OpContext, { call, arg }: Operation): void {
  const options = new Map(dictOf(ctx.scope, arg(2, 'options')) ?? []);
  const model = declareModel(ctx, arg, options);
  if (!model.managed) {
    ctx.analysed();
    return;
  }
  ctx.emitSql(call.node, createTableSql(ctx, model, options));
}

/** Puts the model CreateModel describes into the state. */
function declareModel(ctx: OpContext, arg: Operation['arg'], options: Map<string, SyntaxNode>): DjModel {
  const scope = ctx.scope;
  const name = strConst(scope, arg(0, 'name')) ?? '?';
  const lower = name.toLowerCase();
  const key = `${ctx.app}.${lower}`;
  const table = strConst(scope, options.get('db_table')) ?? defaultTable(key);
  const managed = boolConst(scope, options.get('managed')) !== false && boolConst(scope, options.get('proxy')) !== true;
  const model: DjModel = {
    key,
    app: ctx.app,
    name: lower,
    table,
    fields: new Map(),
    uniqueTogether: togetherGroups(scope, options.get('unique_together')),
    indexTogether: togetherGroups(scope, options.get('index_together')),
    constraints: new Map(),
    managed,
  };
  ctx.owned.add(model);
  ctx.state.set(key, model);
  for (const item of itemsOf(scope, arg(1, 'fields')) ?? []) {
    const [nameNode, fieldNode] = itemsOf(scope, item) ?? [];
    const fieldName = strConst(scope, nameNode);
    if (!fieldName || !fieldNode) continue;
    const field = ctx.fieldOf(fieldNode, fieldName, lower);
    if (field) model.fields.set(fieldName, field);
  }
  return model;
}

/**
 * CREATE TABLE with the columns, unique_together and the constraints that fit inline;
 * then, as Django orders them, what must follow: foreign keys, indexes, many-to-many tables.
 */
function createTableSql(ctx: OpContext, model: DjModel, options: Map<string, SyntaxNode>): string[] {
  const { table, key } = model;
  const t = q(table);
  const columns: string[] = [];
  const after: string[] = [];
  for (const f of model.fields.values()) {
    if (f.m2m) {
      if (!f.m2m.through) after.push(...createThroughTableSql(model, f, ctx.lookup));
      continue;
    }
    columns.push(columnDefinition(f, { includeDefault: false }));
    if (f.fk?.dbConstraint) after.push(addForeignKey(table, f, ctx.lookup));
    after.push(...fieldIndexes(table, f));
  }
  for (const group of model.uniqueTogether) {
    const cols = group.map((g) => columnOf(model, g));
    columns.push(`CONSTRAINT ${q(djangoIndexName(table, cols, '_uniq'))} UNIQUE (${cols.map(q).join(', ')})`);
  }
  for (const group of model.indexTogether) {
    const cols = group.map((g) => columnOf(model, g));
    after.push(`CREATE INDEX ${q(djangoIndexName(table, cols, '_idx'))} ON ${t} (${cols.map(q).join(', ')})`);
  }
  for (const c of itemsOf(ctx.scope, options.get('constraints')) ?? []) {
    const spec = constraintDefinition(ctx, model, key, c, false);
    if (!spec) continue;
    model.constraints.set(spec.name, spec.index ? 'index' : 'constraint');
    if (spec.index || !spec.inline) after.push(spec.sql);
    else columns.push(spec.inline);
  }
  for (const i of itemsOf(ctx.scope, options.get('indexes')) ?? []) {
    const spec = indexDefinition(ctx, model, key, i, false);
    if (!spec) continue;
    model.constraints.set(spec.name, 'index');
    after.push(spec.sql);
  }
  return [`CREATE TABLE ${t} (${columns.join(', ')})`, ...after];
}

function deleteModel(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'name'));
  const model = ctx.state.get(key);
  const sql: string[] = [];
  // Django's CASCADE is printed only where the state shows a foreign key it would drop (see cascade.ts).
  for (const f of model?.fields.values() ?? []) {
    if (f.m2m && !f.m2m.through) sql.push(`DROP TABLE ${q(throughTableName(model!.table, f))}`);
  }
  sql.push(`DROP TABLE ${q(ctx.tableOf(key))}${cascadeFor(dependentsOfModel(ctx.state, key))}`);
  if (ctx.isManaged(key)) ctx.emitSql(call.node, sql);
  ctx.state.delete(key);
}

function renameModel(ctx: OpContext, { call, arg }: Operation): void {
  const fromKey = ctx.modelKey(arg(0, 'old_name'));
  const toName = strConst(ctx.scope, arg(1, 'new_name')) ?? '?';
  const toKey = `${ctx.app}.${toName.toLowerCase()}`;
  const model = ctx.state.get(fromKey);
  const fromTable = ctx.tableOf(fromKey);
  // A table named after the model follows the rename; an explicit db_table stays.
  const derived = !model || model.table === defaultTable(fromKey);
  const toTable = derived ? defaultTable(toKey) : model!.table;
  if (model) {
    ctx.state.delete(fromKey);
    const moved: DjModel = { ...model, key: toKey, name: toName.toLowerCase(), table: toTable, fields: new Map(model.fields) };
    ctx.owned.add(moved);
    ctx.state.set(toKey, moved);
    // Foreign keys elsewhere now point at the new name.
    for (const [k, other] of ctx.state) {
      if (![...other.fields.values()].some((f) => f.fk?.to === fromKey || f.m2m?.to === fromKey)) continue;
      const copy = mutableModel(ctx.state, k, ctx.owned)!;
      for (const [n, f] of copy.fields) {
        if (f.fk?.to === fromKey) copy.fields.set(n, { ...f, fk: { ...f.fk, to: toKey } });
        if (f.m2m?.to === fromKey) copy.fields.set(n, { ...f, m2m: { ...f.m2m, to: toKey } });
      }
    }
  }
  if (fromTable === toTable || (model && !model.managed)) {
    ctx.analysed();
    return;
  }
  ctx.emitSql(call.node, [`ALTER TABLE ${q(fromTable)} RENAME TO ${q(toTable)}`]);
}

function alterModelTable(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const from = ctx.tableOf(key);
  const to = strConst(ctx.scope, arg(1, 'table')) ?? defaultTable(key);
  if (model) model.table = to;
  if (from !== to && ctx.isManaged(key)) ctx.emitSql(call.node, [`ALTER TABLE ${q(from)} RENAME TO ${q(to)}`]);
}

/** `_order`, the column Django keeps the order in, comes and goes with order_with_respect_to. */
function alterOrderWithRespectTo(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const t = q(ctx.tableOf(key));
  const to = constOf(ctx.scope, arg(1, 'order_with_respect_to'));
  if (to === null || to === undefined) {
    // Django's CASCADE left out: nothing can reference the `_order` column it manages.
    if (model?.fields.has('_order')) ctx.emitSql(call.node, [`ALTER TABLE ${t} DROP COLUMN "_order"`]);
    model?.fields.delete('_order');
  } else {
    ctx.emitSql(call.node, [`ALTER TABLE ${t} ADD COLUMN "_order" integer DEFAULT 0 NOT NULL`, `ALTER TABLE ${t} ALTER COLUMN "_order" DROP DEFAULT`]);
    model?.fields.set('_order', { name: '_order', kind: 'OrderWrt', column: '_order', type: 'integer', null: false, primaryKey: false, unique: false, dbIndex: false });
  }
}

/** `unique_together` / `index_together`: one group (`('a', 'b')`) or a list of groups. */
function togetherGroups(scope: Scope, node: SyntaxNode | undefined): string[][] {
  const v = constOf(scope, node);
  if (!Array.isArray(v) || v.length === 0) return [];
  if (v.every((x) => typeof x === 'string')) return [v as string[]];
  return v.filter((g): g is string[] => Array.isArray(g) && g.every((x) => typeof x === 'string'));
}

/** Django diffs the old and new groups: drops what went, adds what came. */
function alterTogether(ctx: OpContext, { kind, call, arg }: Operation, which: 'unique' | 'index'): void {
  const unique = which === 'unique';
  const key = ctx.modelKey(arg(0, 'name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const next = togetherGroups(ctx.scope, arg(1, unique ? 'unique_together' : 'index_together'));
  if (model.stub) {
    if (unique) model.uniqueTogether = next;
    else model.indexTogether = next;
    ctx.unanalysed(call.node, `${kind}: model ${key} not found in earlier migrations`);
    return;
  }
  const previous = unique ? model.uniqueTogether : model.indexTogether;
  const id = (g: string[]) => g.join('\u0000');
  const removed = previous.filter((g) => !next.some((n) => id(n) === id(g)));
  const added = next.filter((g) => !previous.some((p) => id(p) === id(g)));
  if (unique) model.uniqueTogether = next;
  else model.indexTogether = next;
  if (!model.managed) return;
  const table = model.table;
  const t = q(table);
  const sql: string[] = [];
  for (const g of removed) {
    const cols = g.map((n) => columnOf(model, n));
    sql.push(
      unique
        ? `ALTER TABLE ${t} DROP CONSTRAINT ${q(djangoIndexName(table, cols, '_uniq'))}`
        : `DROP INDEX IF EXISTS ${q(djangoIndexName(table, cols, '_idx'))}`,
    );
  }
  for (const g of added) {
    const cols = g.map((n) => columnOf(model, n));
    sql.push(
      unique
        ? `ALTER TABLE ${t} ADD CONSTRAINT ${q(djangoIndexName(table, cols, '_uniq'))} UNIQUE (${cols.map(q).join(', ')})`
        : `CREATE INDEX ${q(djangoIndexName(table, cols, '_idx'))} ON ${t} (${cols.map(q).join(', ')})`,
    );
  }
  if (sql.length) ctx.emitSql(call.node, sql);
  else ctx.analysed();
}
