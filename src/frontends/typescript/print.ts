/**
 * Printing the SQL a builder call runs. Every piece of printed text is tied to the
 * call (or the part of a chain) it came from, so a finding on a column lands on the
 * column's builder call and a finding on the statement lands on the whole call.
 */
import type * as t from '@babel/types';
import { fixedPiece, placeholder, type Piece, type StaticString } from './text.js';
import { quoteIdent, quoteLiteral, type Val } from './values.js';

export interface Span {
  start: number;
  end: number;
}

export const spanOf = (node: t.Node): Span => ({ start: node.start!, end: node.end! });

/** One printed statement. */
export class SqlOut {
  readonly pieces: Piece[] = [];

  constructor(readonly at: Span) {}

  /** Appends text located at `at` (a sub-call), or at the whole call. */
  add(text: string, at: Span = this.at): this {
    if (text) this.pieces.push(fixedPiece(text, at.start, at.end));
    return this;
  }

  get text(): string {
    return this.pieces.map((p) => (p.kind === 'text' ? p.text : '')).join('');
  }

  toStatic(): StaticString {
    return { pieces: this.pieces };
  }
}

/** `"schema"."table"` from a name that may carry its schema (`public.users`). */
export function tableName(name: string, schema?: string): string {
  const parts = schema ? [schema, ...name.split('.').slice(-1)] : name.split('.');
  return parts.map(quoteIdent).join('.');
}

export { quoteIdent, quoteLiteral };

/** A name for a builder argument: its static value, or `${expr}` when it is only known at run time. */
export function nameOf(v: Val | undefined): string | undefined {
  if (!v) return undefined;
  switch (v.t) {
    case 'str':
      return v.value;
    case 'num':
      return v.raw;
    case 'unknown':
      return placeholder(v.src);
    case 'path':
      return '${' + v.parts.join('.') + '}';
    default:
      return undefined;
  }
}

/** A list of names from a string or an array of strings. */
export function namesOf(v: Val | undefined): string[] {
  if (!v) return [];
  if (v.t === 'arr') return v.items.map(nameOf).filter((n): n is string => n !== undefined);
  const n = nameOf(v);
  return n === undefined ? [] : [n];
}

/** Index and constraint names the way the frameworks derive them: lower case, non-word characters as `_`. */
export function derivedName(...parts: string[]): string {
  // A part known only at run time (`${update.table}`) is kept whole: its characters are not the name's.
  return parts.map((p) => (p.includes('${') ? p : p.replace(/[^\w$]+/g, '_').toLowerCase())).join('_');
}

export const columnList = (cols: string[]) => `(${cols.map(quoteIdent).join(', ')})`;
