/**
 * Django query expressions inside index and constraint definitions, as SQL: field
 * names (`'-created'`), `F()`, `OpClass()`, database functions (`Lower('name')`), and
 * `Q()` conditions with their lookups. What is not understood prints as a placeholder.
 */
import type { SyntaxNode } from '@lezer/common';
import { q, sqlValue } from '../lower.js';
import type { DjModel } from '../django-state.js';
import { placeholder } from '../strings.js';
import { unparen } from '../syntax.js';
import { asCall, boolConst, constOf, itemsOf, lastName, resolve, strConst, type Scope } from '../values.js';
import { columnOf } from './context.js';
import { djangoField, type ModelLookup } from '../django-fields.js';

const COMPARISONS: Record<string, string> = { exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** SQL for an expression inside an index or constraint (`Lower('name')`, `F('x')`, `'-created'`). */
export function expressionSql(scope: Scope, model: DjModel | undefined, node: SyntaxNode): string {
  const s = strConst(scope, node);
  if (s !== undefined) {
    const desc = s.startsWith('-');
    return `${q(columnOf(model, desc ? s.slice(1) : s))}${desc ? ' DESC' : ''}`;
  }
  const call = asCall(scope.file, resolve(scope, node));
  if (call) {
    const name = lastName(call.callee);
    if (name === 'F') return q(columnOf(model, strConst(scope, call.args[0]) ?? '?'));
    if (name === 'OpClass') return `${expressionSql(scope, model, call.args[0])} ${strConst(scope, call.kwargs.get('name') ?? call.args[1]) ?? ''}`.trim();
    const target = call.calleeNode.name === 'MemberExpression' ? call.calleeNode.firstChild : null;
    if ((name === 'desc' || name === 'asc') && target) return `${expressionSql(scope, model, target)} ${name.toUpperCase()}`;
    if (name === 'Cast') return castSql(scope, model, call.args[0], call.kwargs.get('output_field') ?? call.args[1]);
    if (/^[A-Z]\w*$/.test(name)) return `${name.toUpperCase()}(${call.args.map((x) => expressionSql(scope, model, x)).join(', ')})`;
  }
  return placeholder(scope.file.src(node), undefined, undefined);
}

/** Django's Cast on PostgreSQL, `(expression)::type`, the type of the output field (a placeholder when migratelint does not know it). */
function castSql(scope: Scope, model: DjModel | undefined, expression: SyntaxNode | undefined, outputField: SyntaxNode | undefined): string {
  const inner = expression ? expressionSql(scope, model, expression) : '?';
  const type = outputField ? djangoField(scope, outputField, 'cast', model?.app ?? '', model?.name ?? '', NO_MODELS)?.type : undefined;
  return `(${inner})::${type ?? placeholder(outputField ? scope.file.src(outputField) : 'type', undefined, undefined)}`;
}

/** Cast's output field is no foreign key: it needs no other model. */
const NO_MODELS: ModelLookup = { pkOf: () => undefined, tableOf: (key) => key };

/** A `Q(...)` condition (possibly combined with `&`, `|`, `~`) as SQL. */
export function conditionSql(scope: Scope, model: DjModel | undefined, node: SyntaxNode | undefined): string {
  if (!node) return 'true';
  const n = unparen(node);
  if (n.name === 'BinaryExpression') {
    const [l, op, r] = [n.firstChild!, n.firstChild!.nextSibling!, n.lastChild!];
    const joiner = scope.file.src(op) === '|' ? 'OR' : 'AND';
    return `(${conditionSql(scope, model, l)} ${joiner} ${conditionSql(scope, model, r)})`;
  }
  if (n.name === 'UnaryExpression' && scope.file.src(n).trim().startsWith('~')) {
    return `NOT (${conditionSql(scope, model, n.lastChild!)})`;
  }
  const call = asCall(scope.file, resolve(scope, n));
  if (!call || lastName(call.callee) !== 'Q') return placeholder(scope.file.src(n), undefined, undefined);
  const parts: string[] = call.args.map((x) => {
    const pair = itemsOf(scope, x);
    return pair && pair.length === 2 ? lookupSql(scope, model, strConst(scope, pair[0]) ?? '?', pair[1]) : conditionSql(scope, model, x);
  });
  for (const [k, v] of call.kwargs) if (k !== '_connector' && k !== '_negated') parts.push(lookupSql(scope, model, k, v));
  const connector = /\bOR\b/.test(scope.file.src(call.kwargs.get('_connector') ?? call.node)) && call.kwargs.has('_connector') ? ' OR ' : ' AND ';
  const joined = parts.length ? parts.join(connector) : 'true';
  return boolConst(scope, call.kwargs.get('_negated')) ? `NOT (${joined})` : parts.length > 1 ? `(${joined})` : joined;
}

/** One lookup of a `Q()`: `price__gte=0`, `deleted_at__isnull=True`. */
function lookupSql(scope: Scope, model: DjModel | undefined, lookup: string, valueNode: SyntaxNode): string {
  const segments = lookup.split('__');
  let op = 'exact';
  if (segments.length > 1 && /^(exact|iexact|gt|gte|lt|lte|in|isnull|contains|icontains|startswith|istartswith|endswith|iendswith|range)$/.test(segments[segments.length - 1])) {
    op = segments.pop()!;
  }
  const col = q(columnOf(model, segments[0]));
  const v = constOf(scope, valueNode);
  const value = (x: unknown) => (x !== undefined && (x === null || typeof x !== 'object') ? sqlValue(x) : undefined);
  let rhs = value(v);
  if (rhs === undefined) {
    const call = asCall(scope.file, resolve(scope, valueNode));
    rhs = call && lastName(call.callee) === 'F' ? q(columnOf(model, strConst(scope, call.args[0]) ?? '?')) : placeholder(scope.file.src(valueNode), undefined, undefined);
  }
  switch (op) {
    case 'isnull':
      return `${col} IS ${v === false ? 'NOT ' : ''}NULL`;
    case 'in': {
      const items = Array.isArray(v) ? v.map(value).filter((x): x is string => !!x) : [rhs];
      return `${col} IN (${items.join(', ') || 'NULL'})`;
    }
    case 'range': {
      const items = Array.isArray(v) ? v.map(value) : [];
      return `${col} BETWEEN ${items[0] ?? 'NULL'} AND ${items[1] ?? 'NULL'}`;
    }
    case 'iexact':
      return `UPPER(${col}::text) = UPPER(${rhs})`;
    case 'contains':
    case 'icontains':
    case 'startswith':
    case 'istartswith':
    case 'endswith':
    case 'iendswith': {
      const like = op.startsWith('i') ? 'ILIKE' : 'LIKE';
      return `${col}::text ${like} ${rhs}`;
    }
    default:
      return `${col} ${COMPARISONS[op] ?? '='} ${rhs}`;
  }
}
