/**
 * Ruby literals as values: what a migration passes to `create_table`, `add_column`,
 * `add_index` (symbols, strings, numbers, booleans, nil, arrays, hashes, lambdas).
 * Anything else (a variable, a method call) is `unknown`: the lowering then says it
 * could not read that argument instead of guessing.
 */
import { kind, type RbFile, type RNode } from './source.js';

export interface Sym {
  sym: string;
}
/** `-> { "now()" }`: Rails uses the block's string as SQL. */
export interface Lambda {
  lambda: RNode;
}
export interface Unknown {
  unknown: RNode;
}
export type RValue = string | number | boolean | null | Sym | Lambda | Unknown | RValue[] | Map<string, RValue>;

export const isSym = (v: RValue | undefined): v is Sym => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && 'sym' in v;
export const isUnknown = (v: RValue | undefined): v is Unknown => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && 'unknown' in v;
export const isLambda = (v: RValue | undefined): v is Lambda => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && 'lambda' in v;

export function valueOf(n: RNode | undefined): RValue | undefined {
  if (!n) return undefined;
  switch (kind(n)) {
    case 'SymbolNode':
      return { sym: n.unescaped.value };
    case 'StringNode':
      return n.unescaped.value as string;
    case 'IntegerNode':
      return Number(n.value);
    case 'FloatNode':
      return n.value as number;
    case 'TrueNode':
      return true;
    case 'FalseNode':
      return false;
    case 'NilNode':
      return null;
    case 'ArrayNode':
      return (n.elements as RNode[]).map((e) => valueOf(e) ?? { unknown: e });
    case 'HashNode':
    case 'KeywordHashNode': {
      const out = new Map<string, RValue>();
      for (const e of n.elements as RNode[]) {
        if (kind(e) !== 'AssocNode') continue;
        const key = nameOf(e.key);
        if (key !== undefined) out.set(key, valueOf(e.value) ?? { unknown: e.value });
      }
      return out;
    }
    case 'LambdaNode':
      return { lambda: n };
    case 'ParenthesesNode': {
      const body = n.body?.body as RNode[] | undefined;
      return body?.length === 1 ? valueOf(body[0]) : { unknown: n };
    }
    case 'InterpolatedStringNode':
      // Adjacent literals ('a' 'b', or a heredoc) without interpolation are one string.
      if ((n.parts as RNode[]).every((p) => kind(p) === 'StringNode')) return (n.parts as RNode[]).map((p) => p.unescaped.value).join('');
      return { unknown: n };
    case 'CallNode':
      // `"text".squish`, `<<~SQL.strip`: the string itself, spaces aside.
      if (n.receiver && !n.arguments_ && /^(squish|strip|chomp|freeze|dup|to_s)$/.test(n.name)) {
        const inner = valueOf(n.receiver);
        if (typeof inner === 'string') return n.name === 'squish' ? inner.replace(/\s+/g, ' ').trim() : n.name === 'strip' ? inner.trim() : inner;
      }
      return { unknown: n };
    default:
      return { unknown: n };
  }
}

/** A symbol's or string's text: `:users`, `"users"`, `users:` as a hash key. */
export function nameOf(n: RNode | undefined): string | undefined {
  const v = valueOf(n);
  if (typeof v === 'string') return v;
  if (isSym(v)) return v.sym;
  return undefined;
}

export function nameValue(v: RValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (isSym(v)) return v.sym;
  return undefined;
}

export interface CallArgs {
  args: RNode[];
  kwargs: Map<string, RNode>;
  /** The options as values. */
  opts: Map<string, RValue>;
}

/** A call's positional arguments and its trailing `key: value` options. */
export function callArgs(call: RNode): CallArgs {
  const all: RNode[] = call.arguments_?.arguments_ ?? [];
  const args: RNode[] = [];
  const kwargs = new Map<string, RNode>();
  for (const a of all) {
    if (kind(a) === 'KeywordHashNode' || (kind(a) === 'HashNode' && a === all[all.length - 1] && all.length > 1)) {
      for (const e of a.elements as RNode[]) {
        if (kind(e) !== 'AssocNode') continue;
        const key = nameOf(e.key);
        if (key !== undefined) kwargs.set(key, e.value);
      }
    } else args.push(a);
  }
  const opts = new Map<string, RValue>();
  for (const [k, v] of kwargs) opts.set(k, valueOf(v) ?? { unknown: v });
  return { args, kwargs, opts };
}

/** The statements of a block or body (`do ... end`, `{ ... }`, `def ... end`). */
export function bodyOf(n: RNode | undefined): RNode[] {
  if (!n) return [];
  const body = kind(n) === 'StatementsNode' ? n : (n.body ?? n.statements);
  if (!body) return [];
  if (kind(body) === 'StatementsNode') return body.body as RNode[];
  if (kind(body) === 'BeginNode') return (body.statements?.body as RNode[]) ?? [];
  return [body];
}

/** The single block parameter's name (`|t|`), if any. */
export function blockParam(block: RNode | undefined): string | undefined {
  const p = block?.parameters?.parameters?.requireds?.[0];
  return p ? (p.name as string) : undefined;
}

/** `A::B::C` as text, or undefined for anything that is not a constant. */
export function constantName(file: RbFile, n: RNode | undefined): string | undefined {
  if (!n) return undefined;
  const k = kind(n);
  if (k === 'ConstantReadNode') return n.name as string;
  if (k === 'ConstantPathNode') {
    const parent = n.parent ? constantName(file, n.parent) : '';
    return parent === undefined ? undefined : `${parent ? `${parent}::` : ''}${n.name as string}`;
  }
  return undefined;
}
