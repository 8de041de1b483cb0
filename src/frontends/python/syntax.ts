/**
 * Parsing Python with @lezer/python, plus the checks lezer's error-tolerant parser
 * does not make (unterminated strings, unclosed brackets, bad dedents), so a file
 * that CPython would reject becomes one clear finding at the right place.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Comment, Position, Range } from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';

type LezerParser = { parse(text: string): Tree };

let parser: LezerParser | undefined;

export async function loadPythonParser(): Promise<void> {
  if (parser) return;
  const mod = await import('@lezer/python');
  parser = mod.parser as unknown as LezerParser;
}

export interface PySyntaxError {
  message: string;
  offset: number;
}

/** One parsed Python file. */
export class PyFile {
  readonly lines: LineIndex;
  readonly tree: Tree;
  readonly top: SyntaxNode;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    if (!parser) throw new Error('internal: loadPythonParser() must be awaited before parsing Python');
    this.lines = new LineIndex(text);
    this.tree = parser.parse(text);
    this.top = this.tree.topNode;
  }

  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  position(offset: number): Position {
    return this.lines.position(offset);
  }

  range(from: number, to: number): Range {
    return { start: this.lines.position(from), end: this.lines.position(to) };
  }

  /** The first syntax error, as CPython would report it (approximately), or undefined. */
  syntaxError(): PySyntaxError | undefined {
    const lexical = lexicalError(this.text);
    if (lexical?.atEof) return lexical;
    let first: number | undefined;
    const cursor = this.tree.cursor();
    do {
      if (cursor.type.isError && !bareYield(cursor.node)) {
        first = cursor.from;
        break;
      }
    } while (cursor.next());
    if (lexical && (first === undefined || lexical.offset <= first)) return lexical;
    if (first === undefined) return undefined;
    return { message: 'invalid syntax', offset: Math.min(first, this.text.length) };
  }

  /** `#` comments that mention migratelint (the only ones anyone needs). */
  directiveComments(): Comment[] {
    const out: Comment[] = [];
    if (!this.text.includes('migratelint-')) return out;
    const cursor = this.tree.cursor();
    do {
      if (cursor.name === 'Comment') {
        const text = this.text.slice(cursor.from, cursor.to);
        if (text.includes('migratelint-')) {
          out.push({ file: this.file, text, range: this.range(cursor.from, cursor.to), endOffset: cursor.to });
        }
      }
    } while (cursor.next());
    return out;
  }
}

/**
 * `yield` with no value (`try: yield finally: ...` in a context manager) is valid Python,
 * but @lezer/python expects a value after the keyword and leaves an empty error node there.
 */
function bareYield(node: SyntaxNode): boolean {
  return node.from === node.to && (node.parent?.name === 'YieldStatement' || node.parent?.name === 'YieldExpression') && node.prevSibling?.name === 'yield';
}

// ---------------------------------------------------------------------------
// Node helpers

/**
 * A node's children, punctuation included, comments left out: lezer keeps a `# …` inside
 * a list or a call as a child, where it would pass for an operation or an argument.
 * (Comments are collected by their own walk, for ignore directives.)
 */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', ';', 'AssignOp', '=', '*', '**']);

export function isPunct(node: SyntaxNode): boolean {
  return PUNCT.has(node.name);
}

/** The expression inside parentheses, unwrapped. */
export function unparen(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.name === 'ParenthesizedExpression') {
    const inner = children(n).find((c) => !isPunct(c));
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** Statements of a Body node (or of the Script). */
export function bodyStatements(body: SyntaxNode | null): SyntaxNode[] {
  if (!body) return [];
  const out: SyntaxNode[] = [];
  for (let c = body.firstChild; c; c = c.nextSibling) {
    if (c.name === ':' || c.name === 'Comment') continue;
    if (c.name === 'StatementGroup') {
      for (let s = c.firstChild; s; s = s.nextSibling) if (s.name !== ';') out.push(s);
    } else out.push(c);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Lexical checks

const isIdent = (c: number) =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c >= 128;

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * A small Python tokenizer that finds what CPython's tokenizer rejects: strings that
 * never end, brackets that never close or close the wrong opener, and indentation
 * that does not match an outer level.
 */
export function lexicalError(text: string): (PySyntaxError & { atEof?: boolean }) | undefined {
  const n = text.length;
  const stack: { ch: string; at: number }[] = [];
  const indents = [0];
  let i = 0;
  let lineStart = true;
  let lastSignificant = '';
  let line = 1;

  while (i < n) {
    if (lineStart && stack.length > 0) lineStart = false;
    if (lineStart) {
      // Measure indentation of a logical line.
      let col = 0;
      let j = i;
      while (j < n) {
        const c = text[j];
        if (c === ' ') col++;
        else if (c === '\t') col = (Math.floor(col / 8) + 1) * 8;
        else if (c === '\f') col = 0;
        else break;
        j++;
      }
      const c = text[j];
      const blank = j >= n || c === '\n' || c === '\r' || c === '#' || (c === '\\' && (text[j + 1] === '\n' || text[j + 1] === '\r'));
      if (!blank) {
        const top = indents[indents.length - 1];
        if (col > top) {
          if (lastSignificant !== ':') return { message: 'unexpected indent', offset: j };
          indents.push(col);
        } else if (col < top) {
          while (indents.length > 1 && indents[indents.length - 1] > col) indents.pop();
          if (indents[indents.length - 1] !== col) {
            return { message: 'unindent does not match any outer indentation level', offset: j };
          }
        }
        if (lastSignificant === ':' && col <= top) {
          return { message: `expected an indented block after line ${line - 1}`, offset: j };
        }
      }
      i = j;
      lineStart = false;
      if (blank) {
        // Skip to the end of the line; a comment or blank line changes nothing.
        while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
        if (i < n) {
          if (text[i] === '\r' && text[i + 1] === '\n') i++;
          i++;
          line++;
        }
        lineStart = true;
        continue;
      }
    }
    const c = text[i];
    if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      line++;
      continue;
    }
    if (c === '"' || c === "'") {
      // A string prefix (r, b, f, rb, ...) was read as an identifier just before.
      const triple = text[i + 1] === c && text[i + 2] === c;
      const quote = triple ? c + c + c : c;
      const start = i;
      i += quote.length;
      let closed = false;
      while (i < n) {
        const d = text[i];
        if (d === '\\') {
          if (text[i + 1] === '\n' || text[i + 1] === '\r') line++;
          i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
          continue;
        }
        if (d === c && (!triple || (text[i + 1] === c && text[i + 2] === c))) {
          i += quote.length;
          closed = true;
          break;
        }
        if (d === '\n' || d === '\r') {
          if (!triple) break;
          if (d === '\r' && text[i + 1] === '\n') i++;
          line++;
        }
        i++;
      }
      if (!closed) {
        return triple
          ? { message: 'unterminated triple-quoted string literal', offset: start }
          : { message: 'unterminated string literal', offset: start };
      }
      lastSignificant = 'str';
      continue;
    }
    if (c in OPENERS) stack.push({ ch: c, at: i });
    else if (c in CLOSERS) {
      const open = stack.pop();
      if (!open) return { message: `unmatched '${c}'`, offset: i };
      if (open.ch !== CLOSERS[c]) {
        return { message: `closing parenthesis '${c}' does not match opening parenthesis '${open.ch}'`, offset: i };
      }
    }
    lastSignificant = c === ':' && stack.length === 0 ? ':' : isIdent(text.charCodeAt(i)) ? 'id' : c;
    if (isIdent(text.charCodeAt(i))) {
      while (i < n && isIdent(text.charCodeAt(i))) i++;
      continue;
    }
    i++;
  }
  if (stack.length) {
    const open = stack[stack.length - 1];
    return { message: `'${open.ch}' was never closed`, offset: open.at, atEof: true };
  }
  if (lastSignificant === ':') return { message: `expected an indented block after line ${line}`, offset: n, atEof: true };
  return undefined;
}

/** The clauses of an `if` statement in order: `if` and `elif` with their tests, then `else`. */
export function ifClauses(s: SyntaxNode): { test?: SyntaxNode; body: SyntaxNode }[] {
  const parts = children(s);
  const clauses: { test?: SyntaxNode; body: SyntaxNode }[] = [];
  for (let k = 0; k < parts.length; k++) {
    const word = parts[k].name;
    if ((word === 'if' || word === 'elif') && parts[k + 2]?.name === 'Body') {
      clauses.push({ test: parts[k + 1], body: parts[k + 2] });
      k += 2;
    } else if (word === 'else' && parts[k + 1]?.name === 'Body') {
      clauses.push({ body: parts[k + 1] });
      k += 1;
    }
  }
  return clauses;
}
