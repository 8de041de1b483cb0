/**
 * Indexes and constraints: `models.Index` / `UniqueConstraint` / `CheckConstraint` /
 * `ExclusionConstraint` definitions as SQL (also used by CreateModel's options), and
 * the operations that add, remove, rename and validate them.
 */
import type { SyntaxNode } from '@lezer/common';
import { q } from '../lower.js';
import { djangoIndexName } from '../django-fields.js';
import { mutableModel, type DjConstraint, type DjModel } from '../django-state.js';
import { asCall, boolConst, constOf, dotted, itemsOf, lastName, resolve, strConst, type Scope } from '../values.js';
import { columnOf, type OpContext, type Operation, type OperationHandler } from './context.js';
import { conditionSql, expressionSql } from './expressions.js';
import type { Reversal, ReverseHandler } from './reverse.js';

const INDEX_METHODS: Record<string, string> = {
  GinIndex: 'gin',
  GistIndex: 'gist',
  BrinIndex: 'brin',
  HashIndex: 'hash',
  SpGistIndex: 'spgist',
  BloomIndex: 'bloom',
  BTreeIndex: 'btree',
};

/** django.contrib.postgres RangeOperators, as the operators they stand for. */
const RANGE_OPERATORS: Record<string, string> = {
  EQUAL: '=',
  NOT_EQUAL: '<>',
  CONTAINS: '@>',
  CONTAINED_BY: '<@',
  OVERLAPS: '&&',
  FULLY_LT: '<<',
  FULLY_GT: '>>',
  NOT_LT: '&>',
  NOT_GT: '&<',
  ADJACENT_TO: '-|-',
};

export interface IndexDefinition {
  name: string;
  sql: string;
  /** What the state keeps of it: how to create it again, CONCURRENTLY or not. */
  stored: DjConstraint;
}

export interface ConstraintDefinition {
  name: string;
  /** `ALTER TABLE ... ADD ...` (or `CREATE UNIQUE INDEX` when `index` is set). */
  sql: string;
  /** The clause for inside CREATE TABLE, when the constraint can go there. */
  inline?: string;
  /** A UniqueConstraint with a condition, expressions or opclasses: Django makes it a unique index. */
  index?: boolean;
  /** What the state keeps of it: how to create it again (validated: Django's add_constraint). */
  stored: DjConstraint;
}

export const indexAndConstraintOperations: Record<string, OperationHandler> = {
  AddIndex: (ctx, op) => addIndex(ctx, op, false),
  AddIndexConcurrently: (ctx, op) => addIndex(ctx, op, true),
  RemoveIndex: (ctx, op) => removeIndex(ctx, op, false),
  RemoveIndexConcurrently: (ctx, op) => removeIndex(ctx, op, true),
  RenameIndex: renameIndex,
  AddConstraint: (ctx, op) => addConstraint(ctx, op, false),
  AddConstraintNotValid: (ctx, op) => addConstraint(ctx, op, true),
  RemoveConstraint: removeConstraint,
  ValidateConstraint: validateConstraint,
};

function addIndex(ctx: OpContext, { kind, call, arg }: Operation, concurrently: boolean): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const index = indexDefinition(ctx, model, key, arg(1, 'index'), concurrently);
  if (!index) return ctx.unanalysed(call.node, `${kind}: index definition not understood`);
  model?.constraints.set(index.name, index.stored);
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [index.sql]);
}

/** Django's remove_index. */
export function dropIndexSql(name: string, concurrently: boolean): string {
  return `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF EXISTS ${q(name)}`;
}

function removeIndex(ctx: OpContext, { call, arg }: Operation, concurrently: boolean): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '{name}';
  mutableModel(ctx.state, key, ctx.owned)?.constraints.delete(name);
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [dropIndexSql(name, concurrently)]);
}

function renameIndex(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const to = strConst(ctx.scope, arg(1, 'new_name')) ?? '{new_name}';
  // RenameIndex(old_fields=...) renames an unnamed index_together index: its name is Django's to compute.
  const from = strConst(ctx.scope, call.kwargs.get('old_name')) ?? `{${ctx.scope.file.src(call.kwargs.get('old_fields') ?? call.node).slice(0, 30)}}`;
  const model = mutableModel(ctx.state, key, ctx.owned);
  const previous = model?.constraints.get(from);
  model?.constraints.delete(from);
  // The old print names the old index: the renamed one is known by name only.
  model?.constraints.set(to, { kind: previous?.kind ?? 'index' });
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [`ALTER INDEX ${q(from)} RENAME TO ${q(to)}`]);
}

function addConstraint(ctx: OpContext, { kind, call, arg }: Operation, notValid: boolean): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const c = constraintDefinition(ctx, model, key, arg(1, 'constraint'), notValid);
  if (!c) return ctx.unanalysed(call.node, `${kind}: constraint definition not understood`);
  model?.constraints.set(c.name, c.stored);
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [c.sql]);
}

/** Django's remove_constraint: a unique constraint it created as an index is dropped as one. */
export function dropConstraintSql(table: string, name: string, kind: DjConstraint['kind'] | undefined): string {
  return kind === 'index' ? `DROP INDEX IF EXISTS ${q(name)}` : `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(name)}`;
}

function removeConstraint(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '{name}';
  const model = mutableModel(ctx.state, key, ctx.owned);
  const kind = model?.constraints.get(name)?.kind;
  model?.constraints.delete(name);
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [dropConstraintSql(ctx.tableOf(key), name, kind)]);
}

function validateConstraint(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '{name}';
  ctx.emitSql(call.node, [`ALTER TABLE ${q(ctx.tableOf(key))} VALIDATE CONSTRAINT ${q(name)}`]);
}

/** The ` INCLUDE (...)` clause of an `include=[...]` list, or nothing. */
function includeClause(scope: Scope, model: DjModel | undefined, node: SyntaxNode | undefined): string {
  const include = (constOf(scope, node) as string[] | undefined) ?? [];
  return include.length ? ` INCLUDE (${include.map((c) => q(columnOf(model, c))).join(', ')})` : '';
}

export function indexDefinition(ctx: OpContext, model: DjModel | undefined, key: string, node: SyntaxNode | undefined, concurrently: boolean): IndexDefinition | undefined {
  const scope = ctx.scope;
  const call = node ? asCall(scope.file, resolve(scope, node)) : undefined;
  if (!call) return undefined;
  const kind = lastName(call.callee);
  const table = model?.table ?? ctx.tableOf(key);
  const fields = (itemsOf(scope, call.kwargs.get('fields')) ?? []).map((f) => expressionSql(scope, model, f));
  const expressions = call.args.map((x) => `(${expressionSql(scope, model, x)})`);
  const opclasses = (constOf(scope, call.kwargs.get('opclasses')) as string[] | undefined) ?? [];
  const columns = [...fields, ...expressions].map((c, i) => (opclasses[i] ? `${c} ${opclasses[i]}` : c));
  const name =
    strConst(scope, call.kwargs.get('name')) ??
    djangoIndexName(table, fields.map((f) => f.replace(/"/g, '').replace(/ DESC$/, '')), '_idx');
  const method = INDEX_METHODS[kind];
  const where = call.kwargs.has('condition') ? ` WHERE ${conditionSql(scope, model, call.kwargs.get('condition'))}` : '';
  const body = `${q(name)} ON ${q(table)}${method ? ` USING ${method}` : ''} (${columns.join(', ')})${includeClause(scope, model, call.kwargs.get('include'))}${where}`;
  const plain = `CREATE INDEX ${body}`;
  const concurrent = `CREATE INDEX CONCURRENTLY ${body}`;
  return { name, sql: concurrently ? concurrent : plain, stored: { kind: 'index', create: { table, sql: plain, concurrently: concurrent } } };
}

export function constraintDefinition(
  ctx: OpContext,
  model: DjModel | undefined,
  key: string,
  node: SyntaxNode | undefined,
  notValid: boolean,
): ConstraintDefinition | undefined {
  const scope = ctx.scope;
  const call = node ? asCall(scope.file, resolve(scope, node)) : undefined;
  if (!call) return undefined;
  const kind = lastName(call.callee);
  const table = model?.table ?? ctx.tableOf(key);
  const t = q(table);
  const name = strConst(scope, call.kwargs.get('name')) ?? '{name}';
  const suffix = notValid ? ' NOT VALID' : '';
  if (kind === 'CheckConstraint') {
    // `check=` before Django 5.1, `condition=` since.
    const check = conditionSql(scope, model, call.kwargs.get('condition') ?? call.kwargs.get('check'));
    const body = `CONSTRAINT ${q(name)} CHECK (${check})`;
    return constraint(table, name, `ALTER TABLE ${t} ADD ${body}`, suffix, body);
  }
  if (kind === 'UniqueConstraint') {
    const fields = (itemsOf(scope, call.kwargs.get('fields')) ?? []).map((f) => expressionSql(scope, model, f));
    const expressions = call.args.map((x) => `(${expressionSql(scope, model, x)})`);
    const nulls = boolConst(scope, call.kwargs.get('nulls_distinct')) === false ? ' NULLS NOT DISTINCT' : '';
    const deferrable = call.kwargs.has('deferrable')
      ? ` DEFERRABLE INITIALLY ${/IMMEDIATE/.test(scope.file.src(call.kwargs.get('deferrable')!)) ? 'IMMEDIATE' : 'DEFERRED'}`
      : '';
    if (call.kwargs.has('condition') || expressions.length || call.kwargs.has('opclasses')) {
      const where = call.kwargs.has('condition') ? ` WHERE ${conditionSql(scope, model, call.kwargs.get('condition'))}` : '';
      const sql = `CREATE UNIQUE INDEX ${q(name)} ON ${t} (${[...fields, ...expressions].join(', ')})${includeClause(scope, model, call.kwargs.get('include'))}${nulls}${where}`;
      return { name, index: true, sql, stored: { kind: 'index', create: { table, sql } } };
    }
    const body = `CONSTRAINT ${q(name)} UNIQUE${nulls} (${fields.join(', ')})${includeClause(scope, model, call.kwargs.get('include'))}${deferrable}`;
    return constraint(table, name, `ALTER TABLE ${t} ADD ${body}`, '', body);
  }
  if (kind === 'ExclusionConstraint') {
    const using = strConst(scope, call.kwargs.get('index_type')) ?? 'gist';
    const elements = (itemsOf(scope, call.kwargs.get('expressions')) ?? []).map((pair) => {
      const [expr, op] = itemsOf(scope, pair) ?? [];
      const opText = strConst(scope, op) ?? RANGE_OPERATORS[lastName(dotted(scope.file, op ?? pair) ?? '')] ?? '=';
      return `${expr ? expressionSql(scope, model, expr) : '"?"'} WITH ${opText}`;
    });
    const where = call.kwargs.has('condition') ? ` WHERE (${conditionSql(scope, model, call.kwargs.get('condition'))})` : '';
    const body = `CONSTRAINT ${q(name)} EXCLUDE USING ${using} (${elements.join(', ')})${where}`;
    return constraint(table, name, `ALTER TABLE ${t} ADD ${body}`, suffix, body);
  }
  return undefined;
}

/** A table constraint: `suffix` (NOT VALID) is for this operation only; the state keeps it as Django would add it again. */
function constraint(table: string, name: string, sql: string, suffix: string, inline: string): ConstraintDefinition {
  return { name, sql: `${sql}${suffix}`, inline, stored: { kind: 'constraint', create: { table, sql, inline } } };
}

// ---------------------------------------------------------------------------
// Reverses (Django's database_backwards; see reverse.ts)

/** The indexes or constraints the operation added to model `key`: in the state after it, not before. */
function addedNames(r: Reversal, key: string): string[] {
  const before = r.before.get(key)?.constraints;
  return [...(r.after.get(key)?.constraints.keys() ?? [])].filter((name) => !before?.has(name));
}

/** add_index / add_constraint of what the state before the operation held under `name`. */
function createAgain(r: Reversal, { kind, arg }: Operation, concurrently: boolean): void {
  const key = r.modelKey(arg(0, 'model_name'));
  const name = strConst(r.scope, arg(1, 'name')) ?? '{name}';
  if (!r.managed(key)) return;
  const create = r.before.get(key)?.constraints.get(name)?.create;
  if (!create || create.table !== r.lookup(r.after).tableOf(key)) {
    return r.notLowered(`${kind} ${name}: its definition is not known (not found in earlier migrations, or a column or the table was renamed since), so Django's reverse (creating it again) is not lowered`);
  }
  r.emit([concurrently && create.concurrently ? create.concurrently : create.sql]);
}

function dropAdded(r: Reversal, { arg }: Operation, concurrently: boolean): void {
  const key = r.modelKey(arg(0, 'model_name'));
  if (!r.managed(key)) return;
  const table = r.lookup(r.after).tableOf(key);
  const constraints = r.after.get(key)?.constraints;
  r.emit(addedNames(r, key).map((name) => (concurrently ? dropIndexSql(name, true) : dropConstraintSql(table, name, constraints?.get(name)?.kind))));
}

export const indexAndConstraintReverses: Record<string, ReverseHandler> = {
  AddIndex: (r, op) => dropAdded(r, op, false),
  AddIndexConcurrently: (r, op) => dropAdded(r, op, true),
  RemoveIndex: (r, op) => createAgain(r, op, false),
  RemoveIndexConcurrently: (r, op) => createAgain(r, op, true),
  AddConstraint: (r, op) => dropAdded(r, op, false),
  AddConstraintNotValid: (r, op) => dropAdded(r, op, false),
  RemoveConstraint: (r, op) => createAgain(r, op, false),
  RenameIndex(r, { call, arg }) {
    const key = r.modelKey(arg(0, 'model_name'));
    const from = strConst(r.scope, call.kwargs.get('old_name'));
    const to = strConst(r.scope, arg(1, 'new_name'));
    // Django's reverse of a RenameIndex(old_fields=...) does nothing.
    if (from && to && from !== to && r.managed(key)) r.emit([`ALTER INDEX ${q(to)} RENAME TO ${q(from)}`]);
  },
  // ValidateConstraint's reverse does nothing.
  ValidateConstraint: () => {},
};
