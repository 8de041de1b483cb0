/**
 * Indexes and constraints: `models.Index` / `UniqueConstraint` / `CheckConstraint` /
 * `ExclusionConstraint` definitions as SQL (also used by CreateModel's options), and
 * the operations that add, remove, rename and validate them.
 */
import type { SyntaxNode } from '@lezer/common';
import { q } from '../lower.js';
import { djangoIndexName } from '../django-fields.js';
import { mutableModel, type DjModel } from '../django-state.js';
import { asCall, boolConst, constOf, dotted, itemsOf, lastName, resolve, strConst, type Scope } from '../values.js';
import { columnOf, type OpContext, type Operation, type OperationHandler } from './context.js';
import { conditionSql, expressionSql } from './expressions.js';

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
}

export interface ConstraintDefinition {
  name: string;
  /** `ALTER TABLE ... ADD ...` (or `CREATE UNIQUE INDEX` when `index` is set). */
  sql: string;
  /** The clause for inside CREATE TABLE, when the constraint can go there. */
  inline?: string;
  /** A UniqueConstraint with a condition, expressions or opclasses: Django makes it a unique index. */
  index?: boolean;
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
  model?.constraints.set(index.name, 'index');
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [index.sql]);
}

function removeIndex(ctx: OpContext, { call, arg }: Operation, concurrently: boolean): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '{name}';
  mutableModel(ctx.state, key, ctx.owned)?.constraints.delete(name);
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [`DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF EXISTS ${q(name)}`]);
}

function renameIndex(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const to = strConst(ctx.scope, arg(1, 'new_name')) ?? '{new_name}';
  // RenameIndex(old_fields=...) renames an unnamed index_together index: its name is Django's to compute.
  const from = strConst(ctx.scope, call.kwargs.get('old_name')) ?? `{${ctx.scope.file.src(call.kwargs.get('old_fields') ?? call.node).slice(0, 30)}}`;
  const model = mutableModel(ctx.state, key, ctx.owned);
  model?.constraints.delete(from);
  model?.constraints.set(to, 'index');
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [`ALTER INDEX ${q(from)} RENAME TO ${q(to)}`]);
}

function addConstraint(ctx: OpContext, { kind, call, arg }: Operation, notValid: boolean): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const model = mutableModel(ctx.state, key, ctx.owned);
  const c = constraintDefinition(ctx, model, key, arg(1, 'constraint'), notValid);
  if (!c) return ctx.unanalysed(call.node, `${kind}: constraint definition not understood`);
  model?.constraints.set(c.name, c.index ? 'index' : 'constraint');
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [c.sql]);
}

function removeConstraint(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '{name}';
  const model = mutableModel(ctx.state, key, ctx.owned);
  // A unique constraint Django created as an index is dropped as one.
  const isIndex = model?.constraints.get(name) === 'index';
  model?.constraints.delete(name);
  const t = q(ctx.tableOf(key));
  if (ctx.isManaged(key)) ctx.emitSql(call.node, [isIndex ? `DROP INDEX IF EXISTS ${q(name)}` : `ALTER TABLE ${t} DROP CONSTRAINT ${q(name)}`]);
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
  const sql =
    `CREATE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${q(name)} ON ${q(table)}${method ? ` USING ${method}` : ''} (${columns.join(', ')})` +
    `${includeClause(scope, model, call.kwargs.get('include'))}${where}`;
  return { name, sql };
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
    return { name, sql: `ALTER TABLE ${t} ADD ${body}${suffix}`, inline: body };
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
      return {
        name,
        index: true,
        sql: `CREATE UNIQUE INDEX ${q(name)} ON ${t} (${[...fields, ...expressions].join(', ')})${includeClause(scope, model, call.kwargs.get('include'))}${nulls}${where}`,
      };
    }
    const body = `CONSTRAINT ${q(name)} UNIQUE${nulls} (${fields.join(', ')})${includeClause(scope, model, call.kwargs.get('include'))}${deferrable}`;
    return { name, sql: `ALTER TABLE ${t} ADD ${body}`, inline: body };
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
    return { name, sql: `ALTER TABLE ${t} ADD ${body}${suffix}`, inline: body };
  }
  return undefined;
}
