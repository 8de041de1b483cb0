/**
 * Named bind parameters (`:name`, as SQLAlchemy's `text()` and `Session.execute()`
 * write them) found with PostgreSQL's own scanner, so that only a colon the server
 * would see as code is one: `::type` casts, `:=`, and colons inside string literals,
 * dollar quotes, quoted identifiers and comments are left alone. The frontends swap
 * each parameter for a positional `$n`, which PostgreSQL parses wherever a value may
 * stand.
 */
import { OffsetConverter } from '../ir/source-text.js';
import { loadedSqlParser } from '../pg/parse.js';

export interface NamedParam {
  /** UTF-16 offsets of `:name` in the SQL. */
  start: number;
  end: number;
  name: string;
}

export interface NamedParams {
  params: NamedParam[];
  /** Offsets of the backslashes in `\:` (SQLAlchemy's escape for a literal colon). */
  escapes: number[];
}

/** What SQLAlchemy accepts as a parameter name: `\w+`. */
const PARAM_NAME = /^[\p{L}\p{N}_]+$/u;
const ENDS_IN_WORD = /[\p{L}\p{N}_]$/u;

interface Token {
  start: number;
  end: number;
  text: string;
}

function tokens(sql: string): Token[] | undefined {
  const parser = loadedSqlParser();
  if (!parser) throw new Error('internal: loadSqlParser() must be awaited before reading bind parameters');
  const offsets = new OffsetConverter(sql);
  try {
    return parser.scanSync(sql).tokens.map((t) => {
      const start = offsets.fromByte(t.start);
      const end = offsets.fromByte(t.end);
      return { start, end, text: sql.slice(start, end) };
    });
  } catch {
    // An unterminated literal or comment: the statement does not parse anyway.
    return undefined;
  }
}

/**
 * The `:name` parameters of a SQL text: a lone `:` token right before a name, and not
 * right after a word (`arr[lo:hi]`, `a:b` are no parameters, as in SQLAlchemy).
 * Undefined when the scanner rejects the text.
 */
export function namedParams(sql: string): NamedParams | undefined {
  if (!sql.includes(':')) return { params: [], escapes: [] };
  const list = tokens(sql);
  if (!list) return undefined;
  const params: NamedParam[] = [];
  const escapes: number[] = [];
  list.forEach((tok, k) => {
    if (tok.text !== ':') return;
    const before = list[k - 1];
    const name = list[k + 1];
    const touchesBefore = !!before && before.end === tok.start;
    if (touchesBefore && before.text === '\\') {
      escapes.push(before.start);
      return;
    }
    if (touchesBefore && ENDS_IN_WORD.test(before.text)) return;
    if (!name || name.start !== tok.end || !PARAM_NAME.test(name.text)) return;
    params.push({ start: tok.start, end: name.end, name: name.text });
  });
  return { params, escapes };
}

/** `$1`, `$2`, ... by order of first appearance: the same name is the same parameter. */
export function positionalNumbers(params: NamedParam[]): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const p of params) if (!numbers.has(p.name)) numbers.set(p.name, numbers.size + 1);
  return numbers;
}
