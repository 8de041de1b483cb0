import { describe, expect, it } from 'vitest';
import { buildChunk, decodeJsString, fixedPiece, sqlStateAt, type StaticString } from '../../../src/frontends/typescript/text.js';
import { LineIndex } from '../../../src/ir/source-text.js';

/** Decodes the body of the first quoted string in `src`, as the frontend does. */
function decodeFirst(src: string, quote = "'") {
  const from = src.indexOf(quote) + 1;
  const to = src.lastIndexOf(quote);
  const piece = decodeJsString(src, from, to, quote === '`');
  if (!piece) throw new Error('did not decode');
  return { piece, from, to };
}

describe('decodeJsString', () => {
  it('maps a string without escapes one to one', () => {
    const { piece, from } = decodeFirst("q('DELETE FROM t')");
    expect(piece.text).toBe('DELETE FROM t');
    expect(piece.map(0)).toBe(from);
    expect(piece.map(7)).toBe(from + 7);
    expect(piece.map(piece.text.length)).toBe(from + 13);
  });

  it('decodes escapes and maps each cooked unit to where its escape starts', () => {
    const src = String.raw`x = 'a\nb\'c\u00e9\u{1F600}d\x41\\e'`;
    const { piece, from, to } = decodeFirst(src);
    expect(piece.text).toBe("a\nb'cé😀dA\\e");
    const rawOffset = (needle: string) => src.indexOf(needle, from);
    expect(piece.map(1)).toBe(rawOffset('\\n'));
    expect(piece.map(2)).toBe(rawOffset('b'));
    expect(piece.map(3)).toBe(rawOffset("\\'"));
    expect(piece.map(5)).toBe(rawOffset('\\u00e9'));
    // The surrogate pair: both units map to the \u{...} escape.
    expect(piece.map(6)).toBe(rawOffset('\\u{'));
    expect(piece.map(7)).toBe(rawOffset('\\u{'));
    expect(piece.map(8)).toBe(rawOffset('d'));
    expect(piece.map(9)).toBe(rawOffset('\\x41'));
    expect(piece.map(10)).toBe(rawOffset('\\\\'));
    expect(piece.map(11)).toBe(src.lastIndexOf('e'));
    expect(piece.map(piece.text.length)).toBe(to);
  });

  it('drops line continuations and normalises CRLF in templates', () => {
    const cont = decodeFirst("s = 'a\\\nb'");
    expect(cont.piece.text).toBe('ab');
    expect(cont.piece.map(1)).toBe(cont.from + 3);
    const crlf = decodeFirst('s = `x\r\ny`', '`');
    expect(crlf.piece.text).toBe('x\ny');
    expect(crlf.piece.map(1)).toBe(crlf.from + 1);
    expect(crlf.piece.map(2)).toBe(crlf.from + 3);
  });

  it('rejects invalid escapes in templates (allowed in tagged templates only)', () => {
    const src = 's = `\\unope`';
    expect(decodeJsString(src, 5, src.length - 1, true)).toBeUndefined();
  });
});

describe('sqlStateAt', () => {
  it('knows where the end of a SQL prefix stands', () => {
    expect(sqlStateAt('SELECT ')).toBe('code');
    expect(sqlStateAt("SELECT 'it''s ")).toBe('single');
    expect(sqlStateAt("SELECT 'done' ")).toBe('code');
    expect(sqlStateAt("SELECT E'a\\' ")).toBe('single');
    expect(sqlStateAt('SELECT "col')).toBe('double');
    expect(sqlStateAt('DO $body$ BEGIN ')).toBe('dollar');
    expect(sqlStateAt('DO $$ x $$ ')).toBe('code');
    expect(sqlStateAt('SELECT 1 -- note ')).toBe('line-comment');
    expect(sqlStateAt('SELECT 1 -- note\n')).toBe('code');
    expect(sqlStateAt('SELECT /* a /* b */ ')).toBe('block-comment');
  });
});

describe('buildChunk', () => {
  const text = 'DELETE FROM ${table} WHERE name = ${name}';
  const lines = new LineIndex(text);
  const hole = (src: string) => {
    const start = text.indexOf('${' + src);
    return { kind: 'hole' as const, src, start, end: start + src.length + 3, param: false };
  };
  const s: StaticString = {
    pieces: [
      { kind: 'text', text: 'DELETE FROM ', map: (i) => i },
      hole('table'),
      { kind: 'text', text: " WHERE name = '", map: (i) => text.indexOf(' WHERE') + i },
      hole('name'),
      fixedPiece("'", text.length),
    ],
  };

  it('writes holes as quoted names in code and as text inside strings', () => {
    const { chunk, holes } = buildChunk(s, 'f.ts', lines, 'raw-string', text.length, 'ident');
    expect(chunk.sql).toBe(`DELETE FROM "\${table}" WHERE name = '\${name}'`);
    expect(holes).toHaveLength(2);
    // Any offset inside the hole maps to the start of `${table}` in the file.
    expect(chunk.position(chunk.sql.indexOf('"${table}"') + 3)).toEqual({ line: 1, column: text.indexOf('${table}') + 1 });
    expect(chunk.position(chunk.sql.indexOf('WHERE'))).toEqual({ line: 1, column: text.indexOf('WHERE') + 1 });
  });

  it('writes holes as bind parameters in param mode', () => {
    const { chunk } = buildChunk(s, 'f.ts', lines, 'raw-string', text.length, 'param');
    expect(chunk.sql).toBe(`DELETE FROM $1 WHERE name = '\${name}'`);
  });
});
