/**
 * SQL text assembled from pieces of a JavaScript/TypeScript file, and the way back.
 *
 * A piece is either text (from a string literal, a template quasi, or SQL printed for
 * a builder call) that knows, for each of its UTF-16 units, the offset in the original
 * file it came from; or a hole: an `${expression}` (or a concatenated variable) whose
 * value is only known at run time. Holes are rendered when the chunk is built, with a
 * placeholder that keeps the SQL parseable where it stands (see `renderHole`).
 */
import type { SqlChunk, StatementOrigin } from '../../ir/types.js';
import type { LineIndex } from '../../ir/source-text.js';

export interface TextPiece {
  kind: 'text';
  text: string;
  /** File offset of text[i], for 0 <= i <= text.length (text.length gives the end). */
  map(i: number): number;
}

export interface HolePiece {
  kind: 'hole';
  /** Source text of the expression, for the placeholder. */
  src: string;
  /** File span of the hole (`${...}` including the braces, or the bare expression). */
  start: number;
  end: number;
  /** A tagged-template value: sent to the server as a bind parameter, not as text. */
  param: boolean;
  /**
   * Set when the hole is part of a name written around it (`IDX_${tablePrefix}users`):
   * the whole name with the hole as `${src}`, rendered as one quoted identifier.
   */
  ident?: string;
}

export type Piece = TextPiece | HolePiece;

/** A string known statically, up to its holes. */
export interface StaticString {
  pieces: Piece[];
}

export const textPiece = (text: string, map: (i: number) => number): TextPiece => ({ kind: 'text', text, map });

/** Text that maps to a single place (a builder call): `end` for the position just past it. */
export function fixedPiece(text: string, start: number, end = start): TextPiece {
  return { kind: 'text', text, map: (i) => (i >= text.length ? end : start) };
}

export function hasHoles(s: StaticString): boolean {
  return s.pieces.some((p) => p.kind === 'hole');
}

/** Whether any piece is literal text other than white space (a string made only of holes is not SQL known here). */
export function hasLiteralText(s: StaticString): boolean {
  for (const p of s.pieces) if (p.kind === 'text' && /\S/.test(p.text)) return true;
  return false;
}

/** The text with holes written as `${src}`: for messages and for values used as names. */
export function plainText(s: StaticString): string {
  return s.pieces.map((p) => (p.kind === 'text' ? p.text : '${' + p.src + '}')).join('');
}

// ---------------------------------------------------------------------------
// Decoding JavaScript string literals and template quasis.

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Decodes the raw text of a string literal body or template quasi (`text[from, to)`)
 * into its cooked value, with the file offset each cooked UTF-16 unit comes from.
 * Returns undefined when the raw text holds an invalid escape (possible in tagged templates).
 */
export function decodeJsString(text: string, from: number, to: number, template: boolean): TextPiece | undefined {
  // Fast path: nothing to decode, offsets are the identity.
  let plain = true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 || (template && c === 13)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    const value = text.slice(from, to);
    return textPiece(value, (i) => from + Math.min(i, value.length));
  }

  let out = '';
  const offsets: number[] = [];
  const emit = (s: string, at: number) => {
    for (let k = 0; k < s.length; k++) offsets.push(at);
    out += s;
  };
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === '\r' && template) {
      // Template literals normalise CRLF and CR to LF.
      emit('\n', i);
      i += text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (c !== '\\') {
      emit(c, i);
      i++;
      continue;
    }
    const at = i;
    const e = text[i + 1];
    i += 2;
    switch (e) {
      case 'n':
        emit('\n', at);
        break;
      case 't':
        emit('\t', at);
        break;
      case 'r':
        emit('\r', at);
        break;
      case 'b':
        emit('\b', at);
        break;
      case 'f':
        emit('\f', at);
        break;
      case 'v':
        emit('\v', at);
        break;
      case '\r':
        if (text[i] === '\n') i++;
        break; // line continuation
      case '\n':
      case '\u2028':
      case '\u2029':
        break;
      case 'x': {
        const hex = text.slice(i, i + 2);
        if (hex.length !== 2 || !HEX.test(hex)) return undefined;
        emit(String.fromCharCode(parseInt(hex, 16)), at);
        i += 2;
        break;
      }
      case 'u': {
        let code: number;
        if (text[i] === '{') {
          const close = text.indexOf('}', i);
          if (close < 0 || close > to) return undefined;
          const hex = text.slice(i + 1, close);
          if (!HEX.test(hex)) return undefined;
          code = parseInt(hex, 16);
          if (code > 0x10ffff) return undefined;
          i = close + 1;
        } else {
          const hex = text.slice(i, i + 4);
          if (hex.length !== 4 || !HEX.test(hex)) return undefined;
          code = parseInt(hex, 16);
          i += 4;
        }
        emit(String.fromCodePoint(code), at);
        break;
      }
      default: {
        if (e !== undefined && e >= '0' && e <= '7') {
          if (e === '0' && !(text[i] >= '0' && text[i] <= '9')) {
            emit('\0', at);
            break;
          }
          if (template) return undefined;
          // Legacy octal escape: up to three digits, value at most 255.
          let digits = e;
          while (digits.length < 3 && text[i] >= '0' && text[i] <= '7' && parseInt(digits + text[i], 8) <= 255) digits += text[i++];
          emit(String.fromCharCode(parseInt(digits, 8)), at);
          break;
        }
        if (e === undefined) return undefined;
        // Any other escaped character stands for itself (\' \" \\ \` \$ ...), surrogate pairs included.
        const cp = text.codePointAt(at + 1)!;
        const ch = String.fromCodePoint(cp);
        emit(ch, at);
        i = at + 1 + ch.length;
      }
    }
  }
  const value = out;
  return textPiece(value, (k) => (k >= value.length ? to : offsets[k]));
}

// ---------------------------------------------------------------------------
// Rendering holes and building the chunk.

type LexState = 'code' | 'single' | 'double' | 'dollar' | 'line-comment' | 'block-comment';

/** Where the end of `sql` stands lexically: inside a string, an identifier, a comment, or in code. */
export function sqlStateAt(sql: string): LexState {
  let state: LexState = 'code';
  let escapes = false;
  let tag = '';
  let depth = 0;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i];
    switch (state) {
      case 'code':
        if (c === "'") {
          escapes = i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[\w$]/.test(sql[i - 2]));
          state = 'single';
        } else if (c === '"') state = 'double';
        else if (c === '-' && sql[i + 1] === '-') {
          state = 'line-comment';
          i++;
        } else if (c === '/' && sql[i + 1] === '*') {
          state = 'block-comment';
          depth = 1;
          i++;
        } else if (c === '$' && (i === 0 || !/[\w$]/.test(sql[i - 1]))) {
          const m = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
          if (m) {
            tag = m[0];
            state = 'dollar';
            i += tag.length - 1;
          }
        }
        break;
      case 'single':
        if (escapes && c === '\\') i++;
        else if (c === "'") {
          if (sql[i + 1] === "'") i++;
          else state = 'code';
        }
        break;
      case 'double':
        if (c === '"') {
          if (sql[i + 1] === '"') i++;
          else state = 'code';
        }
        break;
      case 'dollar':
        if (c === '$' && sql.startsWith(tag, i)) {
          i += tag.length - 1;
          state = 'code';
        }
        break;
      case 'line-comment':
        if (c === '\n' || c === '\r') state = 'code';
        break;
      case 'block-comment':
        if (c === '*' && sql[i + 1] === '/') {
          depth--;
          i++;
          if (depth === 0) state = 'code';
        } else if (c === '/' && sql[i + 1] === '*') {
          depth++;
          i++;
        }
        break;
    }
    i++;
  }
  return state;
}

/** How holes in code position are written: as a quoted identifier, or as a bind parameter. */
export type HoleMode = 'ident' | 'param';

function holeName(src: string): string {
  const flat = src.replace(/\s+/g, ' ').trim();
  return flat.length > 40 ? `${flat.slice(0, 37)}...` : flat;
}

/**
 * The name that stands for a value known only at run time: `${expression}`, the
 * expression shortened so that the name stays a readable, valid identifier (well
 * under PostgreSQL's 63 bytes).
 */
export function placeholder(src: string): string {
  return '${' + holeName(src) + '}';
}

function renderHole(hole: HolePiece, state: LexState, mode: HoleMode, paramNo: number): string {
  if (hole.ident !== undefined && state === 'code') return `"${hole.ident.replace(/"/g, '')}"`;
  const name = holeName(hole.src);
  switch (state) {
    case 'code':
      // A quoted identifier parses wherever a name or a column reference can stand,
      // which covers nearly every place a runtime value is interpolated into SQL; a
      // bind parameter is what a tagged template really sends.
      return mode === 'param' ? `$${paramNo}` : `"\${${name.replace(/"/g, '')}}"`;
    case 'single':
      return `\${${name.replace(/['\\]/g, '')}}`;
    case 'double':
      return `\${${name.replace(/"/g, '')}}`;
    case 'dollar':
      return name.replace(/\$/g, '');
    case 'line-comment':
      return name;
    case 'block-comment':
      return name.replace(/\*\/|\/\*/g, '');
  }
}

const WORD_END = /[A-Za-z0-9_]+$/;
const WORD_START = /^[A-Za-z0-9_]*/;

/**
 * Holes written inside a name (`CREATE TABLE ${prefix}users`, `IDX_${prefix}abc`,
 * `${a}_${b}`) are merged with the letters around them into one hole that renders as
 * a single quoted identifier (`"${prefix}users"`); a placeholder on its own would
 * leave the letters dangling next to it and the statement would not parse.
 */
export function glueNameHoles(s: StaticString): StaticString {
  if (!s.pieces.some((p) => p.kind === 'hole')) return s;
  // Empty quasis (`${a}${b}`) stand between pieces that are adjacent in the SQL.
  const pieces = s.pieces.filter((p) => p.kind === 'hole' || p.text.length > 0);
  const out: Piece[] = [];
  let rendered = '';
  let k = 0;
  while (k < pieces.length) {
    const p = pieces[k];
    if (p.kind === 'text') {
      out.push(p);
      rendered += p.text;
      k++;
      continue;
    }
    const prev = out[out.length - 1];
    const lead = prev?.kind === 'text' ? WORD_END.exec(prev.text) : null;
    const next = pieces[k + 1];
    const trails = next?.kind === 'hole' || (next?.kind === 'text' && WORD_START.exec(next.text)![0].length > 0);
    // A bind parameter (tagged template) is a value, never part of a name.
    if ((!lead && !trails) || p.param || sqlStateAt(rendered) !== 'code') {
      out.push(p);
      rendered += ' x ';
      k++;
      continue;
    }
    let ident = '';
    let start = p.start;
    const srcs: string[] = [];
    if (lead && prev?.kind === 'text') {
      const cut = prev.text.length - lead[0].length;
      start = prev.map(cut);
      ident = lead[0];
      if (cut > 0) out[out.length - 1] = textPiece(prev.text.slice(0, cut), prev.map);
      else out.pop();
    }
    let end = p.end;
    let j = k;
    for (;;) {
      const h = pieces[j] as HolePiece;
      ident += '${' + holeName(h.src) + '}';
      srcs.push(h.src);
      end = h.end;
      j++;
      const t = pieces[j];
      if (t?.kind === 'hole' && !t.param) continue;
      if (t?.kind !== 'text') break;
      const word = WORD_START.exec(t.text)![0];
      const after = pieces[j + 1];
      if (word.length === t.text.length && after?.kind === 'hole' && !after.param) {
        ident += word;
        j++;
        continue;
      }
      if (word) {
        ident += word;
        end = t.map(word.length);
        const rest = t.text.slice(word.length);
        const map = t.map;
        pieces[j] = textPiece(rest, (i) => map(word.length + i));
      }
      break;
    }
    out.push({ kind: 'hole', src: srcs.join(' '), start, end, param: false, ident });
    rendered += ' x ';
    k = j;
  }
  return { pieces: out };
}

export interface BuiltChunk {
  chunk: SqlChunk;
  /** Spans of rendered holes inside chunk.sql. */
  holes: { start: number; end: number }[];
}

/**
 * Builds the chunk handed to the SQL parser. `end` is the file offset the end of the
 * text maps to (the closing quote of a string, the end of a builder call).
 */
export function buildChunk(
  s: StaticString,
  file: string,
  lines: LineIndex,
  origin: StatementOrigin,
  end: number,
  mode: HoleMode = 'ident',
): BuiltChunk {
  const starts: number[] = [];
  const maps: ((i: number) => number)[] = [];
  const holes: { start: number; end: number }[] = [];
  const runTimeValues: { start: number; end: number }[] = [];
  let sql = '';
  let paramNo = 0;
  for (const p of glueNameHoles(s).pieces) {
    let text: string;
    let map: (i: number) => number;
    if (p.kind === 'text') {
      text = p.text;
      map = p.map;
    } else {
      const state = sqlStateAt(sql);
      if (state === 'code' && mode === 'param' && p.ident === undefined) paramNo++;
      text = renderHole(p, state, mode, paramNo);
      const len = text.length;
      const { start, end: holeEnd } = p;
      map = (i) => (i >= len ? holeEnd : start);
      holes.push({ start: sql.length, end: sql.length + len });
      // Inside a quoted string a hole is a value (`WHERE id = '${id}'`); in code it is most
      // often a name (`CREATE TABLE ${table}`), which the placeholder stands in for well.
      if (state === 'single' || state === 'dollar') runTimeValues.push({ start: sql.length, end: sql.length + len });
    }
    if (text.length === 0) continue;
    starts.push(sql.length);
    maps.push(map);
    sql += text;
  }
  const position = (offset: number) => {
    if (offset >= sql.length || starts.length === 0) return lines.position(end);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lines.position(maps[lo](offset - starts[lo]));
  };
  const chunk: SqlChunk = runTimeValues.length ? { sql, file, origin, position, runTimeValues } : { sql, file, origin, position };
  return { chunk, holes };
}
