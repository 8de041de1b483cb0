/**
 * Operations on whole models: create, delete, rename, move to another table, and the
 * model options that have SQL (unique_together, index_together, order_with_respect_to).
 */
import type { SyntaxNode } from '@lezer/common';
import { q } from '../lower.js';
import { addForeignKey, columnDefinition, djangoIndexName, fieldIndexes, nameForeignKey, type ModelLookup } from '../django-fields.js';
import { defaultTable, mutableModel, type DjModel, type DjState } from '../django-state.js';
import { boolConst, constOf, dictOf, itemsOf, strConst, type Scope } from '../values.js';
import { columnOf, type OpContext, type Operation, type OperationHandler } from './context.js';
import { constraintDefinition, indexDefinition } from './indexes-constraints.js';
import { createThroughTableSql, nameThroughForeignKey, throughTableName } from './many-to-many.js';
import { cascadeIsFrameworks, dependentsOfModel } from './cascade.js';
import type { Reversal, ReverseHandler } from './reverse.js';

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
  ctx.emitSql(call.node, createTableSql(model, ctx.lookup).sql);
}

/** Puts the model CreateModel describes into the state, with its constraints and indexes. */
function declareModel(ctx: OpContext, arg: Operation['arg'], options: Map<string, SyntaxNode>): DjModel {
  const scope = ctx.scope;
  const name = strConst(scope, arg(0, 'name')) ?? '?';
  const lower = name.toLowerCase();
  const key = `${ctx.app}.${lower}`;
  const table = strConst(scope, options.get('db_table')) ?? defaultTable(key);
  const proxy = boolConst(scope, options.get('proxy')) === true;
  const managed = boolConst(scope, options.get('managed')) !== false && !proxy;
  // A proxy's first base that is a model (not models.Model or a mixin class).
  const proxyOf = proxy ? (itemsOf(scope, arg(3, 'bases')) ?? []).map((b) => strConst(scope, b)).find((b) => b?.includes('.'))?.toLowerCase() : undefined;
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
    ...(proxyOf ? { proxyOf } : {}),
  };
  ctx.owned.add(model);
  ctx.state.set(key, model);
  for (const item of itemsOf(scope, arg(1, 'fields')) ?? []) {
    const [nameNode, fieldNode] = itemsOf(scope, item) ?? [];
    const fieldName = strConst(scope, nameNode);
    if (!fieldName || !fieldNode) continue;
    const field = ctx.fieldOf(fieldNode, fieldName, lower);
    if (!field) continue;
    nameForeignKey(table, field, ctx.lookup);
    nameThroughForeignKey(model, field, ctx.lookup);
    model.fields.set(fieldName, field);
  }
  for (const c of itemsOf(scope, options.get('constraints')) ?? []) {
    const spec = constraintDefinition(ctx, model, key, c, false);
    if (spec) model.constraints.set(spec.name, spec.stored);
  }
  for (const i of itemsOf(scope, options.get('indexes')) ?? []) {
    const spec = indexDefinition(ctx, model, key, i, false);
    if (spec) model.constraints.set(spec.name, spec.stored);
  }
  return model;
}

/**
 * Django's create_model, from the model as the state has it: CREATE TABLE with the columns,
 * unique_together and the constraints that fit inline; then, as Django orders them, what
 * must follow: foreign keys, indexes, many-to-many tables. `unknown`: constraints and
 * indexes whose definition the state does not hold (left out).
 */
function createTableSql(model: DjModel, lookup: ModelLookup): { sql: string[]; unknown: string[] } {
  const { table } = model;
  const t = q(table);
  const columns: string[] = [];
  const after: string[] = [];
  const unknown: string[] = [];
  for (const f of model.fields.values()) {
    if (f.m2m) {
      if (!f.m2m.through) after.push(...createThroughTableSql(model, f, lookup));
      continue;
    }
    columns.push(columnDefinition(f, { includeDefault: false }));
    if (f.fk?.dbConstraint) after.push(addForeignKey(table, f, lookup));
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
  // Constraints inline where they can be; unique indexes and indexes after, in the order defined.
  for (const [name, c] of model.constraints) {
    if (!c.create || c.create.table !== table) unknown.push(name);
    else if (c.create.inline) columns.push(c.create.inline);
    else after.push(c.create.sql);
  }
  return { sql: [`CREATE TABLE ${t} (${columns.join(', ')})`, ...after], unknown };
}

/** Django's delete_model: its auto-created many-to-many tables, then the table, each WITH CASCADE (see cascade.ts). */
function dropModelSql(model: DjModel | undefined, table: string): { through: string[]; table: string } {
  const through: string[] = [];
  for (const f of model?.fields.values() ?? []) {
    if (f.m2m && !f.m2m.through) through.push(`DROP TABLE ${q(throughTableName(model!.table, f))} CASCADE`);
  }
  return { through, table: `DROP TABLE ${q(table)} CASCADE` };
}

function deleteModel(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'name'));
  const model = ctx.state.get(key);
  const sql = dropModelSql(model, ctx.tableOf(key));
  // Nothing references an auto-created many-to-many table: the CASCADE there is Django's
  // alone; the table's own is judged when another model's foreign key points at it.
  const judged = !cascadeIsFrameworks(dependentsOfModel(ctx.state, key));
  const parts = judged
    ? [{ sql: sql.through, frameworkCascade: true }, { sql: [sql.table], frameworkCascade: false }]
    : [{ sql: [...sql.through, sql.table], frameworkCascade: true }];
  if (ctx.isManaged(key)) ctx.emitDrops(call.node, parts);
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
  if (model && !model.managed) {
    ctx.analysed();
    return;
  }
  const sql = fromTable === toTable ? [] : [`ALTER TABLE ${q(fromTable)} RENAME TO ${q(toTable)}`];
  if (model) sql.push(...renamedManyToManySql(ctx.state, model, toKey, { from: fromKey, to: toKey }, { from: fromTable, to: toTable }));
  if (sql.length) ctx.emitSql(call.node, sql);
  else ctx.analysed();
}

/**
 * What RenameModel does to the auto-created many-to-many tables around the model: its
 * own are named after its table (`shop_deal_products` → `shop_offer_products`), and every
 * such table, its own or another model's pointing at it, names its column for the model
 * (`deal_id` → `offer_id`). A model related to itself keeps `from_`/`to_` columns.
 * `state` holds the model as `current` and other models pointing at that key (forward:
 * the state after the rename; backward: the state the reverse starts from).
 */
function renamedManyToManySql(state: DjState, model: DjModel, current: string, keys: { from: string; to: string }, tables: { from: string; to: string }): string[] {
  const sql: string[] = [];
  const column = (key: string) => `${key.slice(key.indexOf('.') + 1)}_id`;
  const renameColumn = (table: string) => {
    if (column(keys.from) !== column(keys.to)) sql.push(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(column(keys.from))} TO ${q(column(keys.to))}`);
  };
  for (const f of model.fields.values()) {
    if (!f.m2m || f.m2m.through) continue;
    const before = throughTableName(tables.from, f);
    const after = throughTableName(tables.to, f);
    if (before !== after) sql.push(`ALTER TABLE ${q(before)} RENAME TO ${q(after)}`);
    if (f.m2m.to !== keys.from && f.m2m.to !== keys.to) renameColumn(after);
  }
  for (const other of state.values()) {
    if (other.key === current || !other.managed) continue;
    for (const f of other.fields.values()) if (f.m2m && !f.m2m.through && f.m2m.to === current) renameColumn(throughTableName(other.table, f));
  }
  return sql;
}

function alterModelTable(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const from = ctx.tableOf(key);
  const to = strConst(ctx.scope, arg(1, 'table')) ?? defaultTable(key);
  if (model) model.table = to;
  if (from === to || !ctx.isManaged(key)) return ctx.analysed();
  // Its auto-created many-to-many tables are named after its table, and follow it.
  const through = model ? renamedManyToManySql(ctx.state, model, key, { from: key, to: key }, { from, to }) : [];
  ctx.emitSql(call.node, [`ALTER TABLE ${q(from)} RENAME TO ${q(to)}`, ...through]);
}

/** `_order`, the column Django keeps the order in, comes and goes with order_with_respect_to. */
function alterOrderWithRespectTo(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const to = constOf(ctx.scope, arg(1, 'order_with_respect_to'));
  const had = !!model?.fields.has('_order');
  const has = to !== null && to !== undefined;
  if (has) model?.fields.set('_order', { name: '_order', kind: 'OrderWrt', column: '_order', type: 'integer', null: false, primaryKey: false, unique: false, dbIndex: false });
  else model?.fields.delete('_order');
  const sql = orderColumnSql(ctx.tableOf(key), had, has);
  if (sql.length) ctx.emitSql(call.node, sql);
  else ctx.analysed();
}

/** Django adds `_order` when the model gains an order_with_respect_to, and drops it when it loses one. */
function orderColumnSql(table: string, had: boolean, has: boolean): string[] {
  const t = q(table);
  // Django's CASCADE left out: nothing can reference the `_order` column it manages.
  if (had && !has) return [`ALTER TABLE ${t} DROP COLUMN "_order"`];
  if (!had && has) return [`ALTER TABLE ${t} ADD COLUMN "_order" integer DEFAULT 0 NOT NULL`, `ALTER TABLE ${t} ALTER COLUMN "_order" DROP DEFAULT`];
  return [];
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
  if (unique) model.uniqueTogether = next;
  else model.indexTogether = next;
  if (!model.managed) return;
  const sql = togetherSql(model, previous, next, unique);
  if (sql.length) ctx.emitSql(call.node, sql);
  else ctx.analysed();
}

/** Django diffs the old and new groups: drops what went, adds what came. */
function togetherSql(model: DjModel, previous: string[][], next: string[][], unique: boolean): string[] {
  const id = (g: string[]) => g.join('\u0000');
  const removed = previous.filter((g) => !next.some((n) => id(n) === id(g)));
  const added = next.filter((g) => !previous.some((p) => id(p) === id(g)));
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
  return sql;
}

// ---------------------------------------------------------------------------
// Reverses (Django's database_backwards; see reverse.ts)

/** The table a model has in a state (one no migration defined: its default name). */
const tableIn = (r: Reversal, state: DjState, key: string) => r.lookup(state).tableOf(key);

/** Renames a table back, when the operation renamed it. */
function renameBack(r: Reversal, fromKey: string, toKey: string): void {
  const from = tableIn(r, r.before, fromKey);
  const to = tableIn(r, r.after, toKey);
  if (!r.managed(toKey)) return;
  const sql = from === to ? [] : [`ALTER TABLE ${q(to)} RENAME TO ${q(from)}`];
  const model = r.after.get(toKey);
  if (model) sql.push(...renamedManyToManySql(r.after, model, toKey, { from: toKey, to: fromKey }, { from: to, to: from }));
  if (sql.length) r.emit(sql);
}

function togetherBack(r: Reversal, { arg }: Operation, unique: boolean): void {
  const key = r.modelKey(arg(0, 'name'));
  const before = r.known(r.before, key);
  const after = r.after.get(key);
  if (!after || !after.managed) return;
  const groups = (m: DjModel | undefined) => (unique ? m?.uniqueTogether : m?.indexTogether) ?? [];
  r.emit(togetherSql(after, groups(after), groups(before), unique));
}

export const modelReverses: Record<string, ReverseHandler> = {
  // delete_model of the model as it is after the CreateModel; Django's DROPs end with CASCADE.
  CreateModel(r, { arg }) {
    const key = r.modelKey(arg(0, 'name'));
    const model = r.after.get(key);
    if (model?.managed) {
      const sql = dropModelSql(model, model.table);
      r.emit([...sql.through, sql.table]);
    }
  },
  // create_model of the model as it was before the DeleteModel.
  DeleteModel(r, { arg }) {
    const key = r.modelKey(arg(0, 'name'));
    if (!r.managed(key)) return;
    const model = r.known(r.before, key);
    if (!model) return r.notLowered(`DeleteModel ${key}: the model was not found in earlier migrations, so Django's reverse (creating it again) is not known`);
    const { sql, unknown } = createTableSql(model, r.lookup(r.before));
    r.emit(sql);
    if (unknown.length) r.notLowered(`DeleteModel ${key}: the definition of ${unknown.join(', ')} is not known (not understood, or a column was renamed since), so creating the model again leaves it out`);
  },
  RenameModel(r, { arg }) {
    const fromKey = r.modelKey(arg(0, 'old_name'));
    const toKey = r.modelKey(arg(1, 'new_name'));
    renameBack(r, fromKey, toKey);
  },
  AlterModelTable(r, { arg }) {
    const key = r.modelKey(arg(0, 'name'));
    renameBack(r, key, key);
  },
  AlterUniqueTogether: (r, op) => togetherBack(r, op, true),
  AlterIndexTogether: (r, op) => togetherBack(r, op, false),
  AlterOrderWithRespectTo(r, { arg }) {
    const key = r.modelKey(arg(0, 'name'));
    const after = r.after.get(key);
    if (!after?.managed) return;
    r.emit(orderColumnSql(after.table, after.fields.has('_order'), !!r.before.get(key)?.fields.has('_order')));
  },
};
