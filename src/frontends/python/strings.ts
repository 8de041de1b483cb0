/**
 * Python string values with a map back to the file: every UTF-16 unit of the value
 * knows the file offset of the source text that produced it (through escapes,
 * implicit concatenation, f-string fields and `%` / `.format()` placeholders), so
 * SQL found inside a string is reported inside the string.
 */
import type { SyntaxNode } from '@lezer/common';
import { namedParams, positionalNumbers } from '../sql-bind-params.js';
import { concatMapped, type MappedString } from '../raw-string.js';

/** A Python string value mapped to its file; `dynamic` for f-string fields, `%s`, `{}`. */
export type PyStr = MappedString;

/** A string whose every unit maps to one offset (a value substituted from elsewhere). */
export function pinnedStr(text: string, at: number, dynamic = false): PyStr {
  return { text, offsets: new Array(text.length + 1).fill(at), dynamic };
}

export const concatStr = concatMapped;

const isWord = (ch: string | undefined) => !!ch && /[\p{L}\p{N}_$]/u.test(ch);

/**
 * Text standing for a value only known at run time. Next to identifier characters it is
 * a bare word (`idx_{name}` → `idx_name`); elsewhere a quoted identifier
 * (`{table}` → `"{table}"`), which parses wherever a name or a value may stand.
 */
export function placeholder(expr: string, before: string | undefined, after: string | undefined): string {
  const clean = expr.replace(/\s+/g, ' ').trim().slice(0, 40);
  if (isWord(before) || isWord(after)) return clean.replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/^_+|_+$/g, '') || 'x';
  return `"{${clean.replace(/"/g, "'")}}"`;
}

export interface LiteralParts {
  prefix: string;
  quote: string;
  bodyFrom: number;
  bodyTo: number;
  terminated: boolean;
}

/** Where the body of a String / FormatString node lies in the file. */
export function literalParts(text: string, node: SyntaxNode): LiteralParts {
  const src = text.slice(node.from, node.to);
  let q = 0;
  while (q < src.length && src[q] !== '"' && src[q] !== "'") q++;
  const ch = src[q] ?? '"';
  const triple = src.startsWith(ch + ch + ch, q);
  const quote = triple ? ch + ch + ch : ch;
  const bodyFrom = node.from + q + quote.length;
  const terminated = src.length >= q + 2 * quote.length && src.endsWith(quote);
  const bodyTo = terminated ? node.to - quote.length : node.to;
  return { prefix: src.slice(0, q).toLowerCase(), quote, bodyFrom, bodyTo: Math.max(bodyFrom, bodyTo), terminated };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Decodes one literal. `field` is called for each f-string replacement field
 * (`{expr}`) and returns its substitute text, or undefined for a placeholder.
 */
export function decodeLiteral(
  text: string,
  node: SyntaxNode,
  field?: (replacement: SyntaxNode) => string | undefined,
): PyStr {
  const parts = literalParts(text, node);
  const raw = parts.prefix.includes('r');
  const bytes = parts.prefix.includes('b');
  const fstring = parts.prefix.includes('f');
  const fields: SyntaxNode[] = [];
  if (fstring) for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === 'FormatReplacement') fields.push(c);

  let out = '';
  const offsets: number[] = [];
  let dynamic = false;
  const emit = (s: string, at: number) => {
    out += s;
    for (let k = 0; k < s.length; k++) offsets.push(at);
  };

  let i = parts.bodyFrom;
  const end = parts.bodyTo;
  let f = 0;
  while (i < end) {
    if (f < fields.length && i >= fields[f].from) {
      const fieldNode = fields[f++];
      const substitute = field?.(fieldNode);
      if (substitute !== undefined) emit(substitute, fieldNode.from);
      else {
        const expr = fieldExpression(text, fieldNode);
        emit(placeholder(expr, out[out.length - 1], text[fieldNode.to]), fieldNode.from);
        dynamic = true;
      }
      i = Math.max(i, fieldNode.to);
      continue;
    }
    const c = text[i];
    if (fstring && (c === '{' || c === '}') && text[i + 1] === c) {
      emit(c, i);
      i += 2;
      continue;
    }
    if (c !== '\\' || raw) {
      emit(c, i);
      i++;
      continue;
    }
    // A backslash escape.
    const start = i;
    const e = text[i + 1];
    if (e === undefined) {
      emit('\\', i);
      i++;
      continue;
    }
    if (e === '\n') {
      i += 2;
      continue;
    }
    if (e === '\r') {
      i += text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    if (e in SIMPLE_ESCAPES) {
      emit(SIMPLE_ESCAPES[e], start);
      i += 2;
      continue;
    }
    if (e >= '0' && e <= '7') {
      let j = i + 1;
      while (j < i + 4 && j < end && text[j] >= '0' && text[j] <= '7') j++;
      emit(String.fromCharCode(parseInt(text.slice(i + 1, j), 8)), start);
      i = j;
      continue;
    }
    const hexLen = e === 'x' ? 2 : !bytes && e === 'u' ? 4 : !bytes && e === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = text.slice(i + 2, i + 2 + hexLen);
      if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLen) {
        const cp = parseInt(hex, 16);
        emit(cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd', start);
        i += 2 + hexLen;
        continue;
      }
    }
    if (!bytes && e === 'N' && text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      if (close > 0 && close < end) {
        emit('\ufffd', start);
        i = close + 1;
        continue;
      }
    }
    // Unknown escapes keep their backslash.
    emit('\\' + e, start);
    i += 2;
  }
  offsets.push(end);
  return { text: out, offsets, dynamic };
}

/** The Python expression inside an f-string replacement field, as written. */
export function fieldExpression(text: string, fieldNode: SyntaxNode): string {
  for (let c = fieldNode.firstChild; c; c = c.nextSibling) {
    if (c.name !== '{' && c.name !== '}') return text.slice(c.from, c.to);
  }
  return text.slice(fieldNode.from + 1, fieldNode.to - 1);
}

/**
 * Rewrites the matches of a pattern in a string value, keeping the map: replaced text
 * maps to the start of its match. `replace` returns the new text, or undefined to keep the match.
 */
export function rewriteStr(s: PyStr, pattern: RegExp, replace: (m: RegExpExecArray, out: string) => string | undefined, dynamic = false): PyStr {
  let text = '';
  const offsets: number[] = [];
  let last = 0;
  let changed = false;
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  for (let m = re.exec(s.text); m; m = re.exec(s.text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const replacement = replace(m, text + s.text.slice(last, m.index));
    if (replacement === undefined) continue;
    text += s.text.slice(last, m.index);
    for (let k = last; k < m.index; k++) offsets.push(s.offsets[k]);
    text += replacement;
    for (let k = 0; k < replacement.length; k++) offsets.push(s.offsets[m.index]);
    last = m.index + m[0].length;
    changed = true;
  }
  if (!changed) return s;
  text += s.text.slice(last);
  for (let k = last; k <= s.text.length; k++) offsets.push(s.offsets[k]);
  return { text, offsets, dynamic: s.dynamic || dynamic };
}

/** `"..." % args`: `%s`, `%(name)s`, `%d` become placeholders, `%%` a percent sign. */
export function percentFormat(s: PyStr, names: string[] = []): PyStr {
  let k = 0;
  return rewriteStr(
    s,
    /%(?:%|(\(\w+\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa])/g,
    (m, before) => {
      if (m[0] === '%%') return '%';
      const name = m[1] ? m[1].slice(1, -1) : names[k] ?? `%${m[0].slice(-1)}`;
      k++;
      return placeholder(name, before[before.length - 1], s.text[m.index + m[0].length]);
    },
    true,
  );
}

/**
 * `"...".format(...)`: `{}` / `{0}` / `{name}` fields become placeholders (or the
 * argument's constant value), `{{` a brace. `arg` gives, for a field key (automatic
 * fields get their position), the constant value or the argument's source text.
 */
export function braceFormat(s: PyStr, arg?: (key: string) => { value?: string; label?: string } | undefined): PyStr {
  let auto = 0;
  return rewriteStr(
    s,
    /\{\{|\}\}|\{([^{}]*)\}/g,
    (m, before) => {
      if (m[0] === '{{') return '{';
      if (m[0] === '}}') return '}';
      let key = (m[1] ?? '').split(/[!:]/)[0];
      if (key === '') key = String(auto++);
      const found = arg?.(key);
      if (found?.value !== undefined) return found.value;
      return placeholder(found?.label ?? key, before[before.length - 1], s.text[m.index + m[0].length]);
    },
    true,
  );
}

/**
 * What SQLAlchemy's `text()` does to a string: `:name` bind parameters become
 * `$n` parameters and `\:` an ordinary colon. The parameters are found with
 * PostgreSQL's scanner, so a colon inside a literal, a comment or a `::` cast stays.
 */
export function textClause(s: PyStr): PyStr {
  const found = namedParams(s.text);
  if (!found) return s;
  const numbers = positionalNumbers(found.params);
  const edits = [
    ...found.params.map((p) => ({ start: p.start, end: p.end, text: `$${numbers.get(p.name)}` })),
    ...found.escapes.map((at) => ({ start: at, end: at + 1, text: '' })),
  ];
  return replaceSpans(s, edits);
}

/** Replaces spans of a string (not overlapping); inserted text maps to where its span began. */
export function replaceSpans(s: PyStr, edits: { start: number; end: number; text: string }[]): PyStr {
  if (!edits.length) return s;
  let text = '';
  const offsets: number[] = [];
  let last = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    text += s.text.slice(last, e.start);
    for (let k = last; k < e.start; k++) offsets.push(s.offsets[k]);
    text += e.text;
    for (let k = 0; k < e.text.length; k++) offsets.push(s.offsets[e.start]);
    last = e.end;
  }
  text += s.text.slice(last);
  for (let k = last; k <= s.text.length; k++) offsets.push(s.offsets[k]);
  return { text, offsets, dynamic: s.dynamic };
}

/** `textwrap.dedent`. */
export function dedentStr(s: PyStr): PyStr {
  const lines = s.text.split('\n');
  let margin: string | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (margin === undefined || !indent.startsWith(margin)) {
      if (margin === undefined) margin = indent;
      else {
        let k = 0;
        while (k < margin.length && k < indent.length && margin[k] === indent[k]) k++;
        margin = margin.slice(0, k);
      }
    }
  }
  const cut = margin?.length ?? 0;
  let text = '';
  const offsets: number[] = [];
  let pos = 0;
  lines.forEach((line, index) => {
    const blank = line.trim() === '';
    const from = blank ? line.length : Math.min(cut, line.length);
    for (let k = from; k < line.length; k++) {
      text += line[k];
      offsets.push(s.offsets[pos + k]);
    }
    pos += line.length;
    if (index < lines.length - 1) {
      text += '\n';
      offsets.push(s.offsets[pos]);
      pos++;
    }
  });
  offsets.push(s.offsets[s.text.length]);
  return { text, offsets, dynamic: s.dynamic };
}

/** `str.strip()` (and lstrip / rstrip). */
export function stripStr(s: PyStr, which: 'strip' | 'lstrip' | 'rstrip'): PyStr {
  let from = 0;
  let to = s.text.length;
  if (which !== 'rstrip') while (from < to && /\s/.test(s.text[from])) from++;
  if (which !== 'lstrip') while (to > from && /\s/.test(s.text[to - 1])) to--;
  return { text: s.text.slice(from, to), offsets: s.offsets.slice(from, to + 1), dynamic: s.dynamic };
}
