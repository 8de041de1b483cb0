/**
 * A PostgreSQL-aware lexer that finds statement boundaries and comments without
 * parsing. It is used when the file as a whole does not parse, so one bad
 * statement does not hide the rest, and to find ignore comments. It never throws:
 * an unterminated string or comment runs to the end of the text.
 */

export interface Span {
  start: number;
  end: number;
}

export interface SplitResult {
  /** Statement spans: from the first token to the end of the last token before `;`. */
  statements: Span[];
  comments: Span[];
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isIdentStart = (c: number) =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isIdentChar = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;

export function splitSql(sql: string): SplitResult {
  const statements: Span[] = [];
  const comments: Span[] = [];
  const n = sql.length;
  let i = 0;
  let stmtStart = -1;
  let lastTokenEnd = -1;
  // Inside `BEGIN ATOMIC ... END` (SQL-standard function bodies) semicolons do not
  // end the statement; CASE ... END nests inside it.
  let atomicDepth = 0;
  let previousWord = '';

  const token = (start: number, end: number) => {
    if (stmtStart < 0) stmtStart = start;
    lastTokenEnd = end;
  };
  const endStatement = () => {
    if (stmtStart >= 0) statements.push({ start: stmtStart, end: lastTokenEnd });
    stmtStart = -1;
    atomicDepth = 0;
    previousWord = '';
  };

  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const start = i;
      while (i < n && sql.charCodeAt(i) !== 10 && sql.charCodeAt(i) !== 13) i++;
      comments.push({ start, end: i });
      continue;
    }
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const start = i;
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      comments.push({ start, end: i });
      continue;
    }
    if (c === 59) {
      if (atomicDepth > 0) {
        token(i, i + 1);
        i++;
        continue;
      }
      endStatement();
      i++;
      continue;
    }
    if (c === 39) {
      const start = i;
      i = skipQuoted(sql, i, 39, false);
      token(start, i);
      previousWord = '';
      continue;
    }
    if (c === 34) {
      const start = i;
      i = skipQuoted(sql, i, 34, false);
      token(start, i);
      previousWord = '';
      continue;
    }
    if (c === 36) {
      const tagEnd = dollarTagEnd(sql, i);
      if (tagEnd > 0 && (i === 0 || !isIdentChar(sql.charCodeAt(i - 1)))) {
        const tag = sql.slice(i, tagEnd);
        const close = sql.indexOf(tag, tagEnd);
        const start = i;
        i = close < 0 ? n : close + tag.length;
        token(start, i);
        previousWord = '';
        continue;
      }
    }
    if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentChar(sql.charCodeAt(i))) i++;
      // E'...' (and e'...') strings honour backslash escapes.
      if (i - start === 1 && (c === 69 || c === 101) && sql.charCodeAt(i) === 39) {
        i = skipQuoted(sql, i, 39, true);
        token(start, i);
        previousWord = '';
        continue;
      }
      // B'', X'', U&'' and N'' are ordinary quoted strings after their prefix.
      token(start, i);
      const word = sql.slice(start, i).toUpperCase();
      if (word === 'ATOMIC' && previousWord === 'BEGIN') atomicDepth = 1;
      else if (atomicDepth > 0 && word === 'CASE') atomicDepth++;
      else if (atomicDepth > 0 && word === 'END') atomicDepth--;
      previousWord = word;
      continue;
    }
    token(i, i + 1);
    previousWord = '';
    i++;
  }
  endStatement();
  return { statements, comments };
}

function skipQuoted(sql: string, i: number, quote: number, backslashEscapes: boolean): number {
  const n = sql.length;
  i++;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === 92) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return n;
}

/** If a dollar-quote opener (`$$` or `$tag$`) starts at i, the offset just past it; else -1. */
function dollarTagEnd(sql: string, i: number): number {
  let j = i + 1;
  if (sql.charCodeAt(j) === 36) return j + 1;
  if (!isIdentStart(sql.charCodeAt(j))) return -1;
  while (j < sql.length) {
    const c = sql.charCodeAt(j);
    if (c === 36) return j + 1;
    if (!(isIdentStart(c) || (c >= 48 && c <= 57))) return -1;
    j++;
  }
  return -1;
}
