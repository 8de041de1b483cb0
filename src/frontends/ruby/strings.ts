/**
 * SQL strings in Ruby source, with the file offset of every character, so findings in
 * `execute <<~SQL ... SQL` point inside the heredoc. Prism gives each string's raw
 * content and its value (escapes decoded, a `<<~` heredoc's indentation removed); the
 * value is aligned with the raw text by walking both: a character the value skips
 * (indentation, the backslash of an escape) is simply passed over.
 */
import { kind, type RbFile, type RNode } from './source.js';
import { concatMapped, type MappedString } from '../raw-string.js';

/** A Ruby string value mapped to its file; `dynamic` when parts are `#{...}`. */
export type RbStr = MappedString;

/** A placeholder for a value filled in at run time, shaped to fit where it stands. */
function placeholder(expr: string, before: string): string {
  const clean = expr.replace(/\s+/g, ' ').trim().slice(0, 40);
  // Right after a quote or inside a word, an identifier-like stand-in; elsewhere a quoted name.
  if (/['\w]$/.test(before)) return clean.replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/^_+|_+$/g, '') || 'x';
  return `"{${clean.replace(/"/g, "'")}}"`;
}

function literal(file: RbFile, n: RNode): RbStr {
  const value: string = n.unescaped.value;
  const loc = n.contentLoc ?? n.location;
  const from = file.offset(loc.startOffset);
  const to = file.offset(loc.startOffset + loc.length);
  const raw = file.text.slice(from, to);
  const offsets: number[] = new Array(value.length + 1);
  let p = 0;
  for (let i = 0; i < value.length; i++) {
    // Pass over what the value leaves out: indentation of a squiggly heredoc, line continuations.
    while (p < raw.length && raw[p] !== value[i] && raw[p] !== '\\') p++;
    offsets[i] = from + Math.min(p, raw.length);
    if (p < raw.length && raw[p] === value[i]) p++;
    else if (p < raw.length && raw[p] === '\\') p += 2;
  }
  offsets[value.length] = from + Math.min(p, raw.length);
  return { text: value, offsets, dynamic: false };
}

const concat = concatMapped;

/**
 * The SQL a string argument holds, or undefined when it is not a string. `locals` gives
 * the value of a local variable assigned earlier in the method (`sql = <<~SQL ... SQL`).
 */
export function sqlString(file: RbFile, n: RNode | undefined, locals?: ReadonlyMap<string, RNode>): RbStr | undefined {
  if (!n) return undefined;
  switch (kind(n)) {
    case 'StringNode':
    case 'XStringNode':
      return literal(file, n);
    case 'InterpolatedStringNode':
    case 'InterpolatedXStringNode': {
      const parts: RbStr[] = [];
      let before = '';
      for (const p of n.parts as RNode[]) {
        if (kind(p) === 'StringNode') {
          const s = literal(file, p);
          parts.push(s);
          before += s.text;
        } else {
          const at = file.offset(p.location.startOffset);
          const inner = sqlString(file, kind(p) === 'EmbeddedStatementsNode' && p.statements?.body?.length === 1 ? p.statements.body[0] : undefined, locals);
          if (inner && !inner.dynamic) {
            parts.push(inner);
            before += inner.text;
            continue;
          }
          const text = placeholder(file.src(p).replace(/^#\{|\}$/g, ''), before);
          parts.push({ text, offsets: new Array(text.length + 1).fill(at), dynamic: true });
          before += text;
        }
      }
      return parts.length ? concat(parts) : { text: '', offsets: [file.offset(n.location.startOffset)], dynamic: false };
    }
    case 'ParenthesesNode': {
      const body = n.body?.body as RNode[] | undefined;
      return body?.length === 1 ? sqlString(file, body[0], locals) : undefined;
    }
    case 'LocalVariableReadNode': {
      const value = locals?.get(n.name);
      return value && value !== n ? sqlString(file, value, locals) : undefined;
    }
    case 'CallNode': {
      // "…".squish / .strip / .freeze / .dup / .chomp: the SQL is the same statements.
      if (n.receiver && !n.arguments_ && /^(squish|strip|chomp|freeze|dup|to_s|strip_heredoc)$/.test(n.name)) {
        const inner = sqlString(file, n.receiver, locals);
        if (!inner) return undefined;
        if (n.name !== 'squish') return inner;
        return squish(inner);
      }
      // "a" + "b"
      if (n.name === '+' && n.receiver && n.arguments_?.arguments_?.length === 1) {
        const a = sqlString(file, n.receiver, locals);
        const b = sqlString(file, n.arguments_.arguments_[0], locals);
        return a && b ? concat([a, b]) : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `String#squish`: runs of white space become one space, ends trimmed; offsets follow. */
function squish(s: RbStr): RbStr {
  let text = '';
  const offsets: number[] = [];
  let space = false;
  for (let i = 0; i < s.text.length; i++) {
    if (/\s/.test(s.text[i])) {
      space = text.length > 0;
      continue;
    }
    if (space) {
      text += ' ';
      offsets.push(s.offsets[i]);
      space = false;
    }
    text += s.text[i];
    offsets.push(s.offsets[i]);
  }
  offsets.push(s.offsets[s.text.length]);
  return { text, offsets, dynamic: s.dynamic };
}
