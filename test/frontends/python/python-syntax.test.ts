import { beforeAll, describe, expect, it } from 'vitest';
import type { SyntaxNode } from '@lezer/common';
import { lexicalError, loadPythonParser, PyFile } from '../../../src/frontends/python/syntax.js';
import { braceFormat, decodeLiteral, dedentStr, percentFormat, textClause, type PyStr } from '../../../src/frontends/python/strings.js';
import { Scope, strOf } from '../../../src/frontends/python/values.js';
import { alembic, lintPython, pos } from './helpers.js';
import { loadSqlParser } from '../../../src/pg/parse.js';

beforeAll(async () => {
  // textClause() finds bind parameters with PostgreSQL's scanner.
  await Promise.all([loadPythonParser(), loadSqlParser()]);
});

/** The first string-ish expression of `x = <expr>`. */
function valueOf(source: string): { file: PyFile; node: SyntaxNode; scope: Scope } {
  const file = new PyFile('t.py', source);
  const scope = Scope.module(file);
  const assign = file.top.getChildren('AssignStatement').pop()!;
  return { file, node: assign.lastChild!, scope };
}

/** Each character of a decoded value with the source text it came from. */
function origins(file: PyFile, s: PyStr): string[] {
  return [...s.text].map((ch, i) => `${ch}<${file.text[s.offsets[i]]}`);
}

describe('Python string literals', () => {
  it('decodes escapes and maps every character to where it was written', () => {
    const { file, node } = valueOf(String.raw`x = "a\tb\x41\u00e9\101\N{BULLET}\qz"` + '\n');
    const s = decodeLiteral(file.text, node);
    expect(s.text).toBe('a\tbAéA\ufffd\\qz');
    expect(s.offsets.slice(0, -1).map((o) => file.text.slice(o, o + 2))).toEqual(['a\\', '\\t', 'b\\', '\\x', '\\u', '\\1', '\\N', '\\q', '\\q', 'z"']);
    expect(s.offsets[s.text.length]).toBe(file.text.lastIndexOf('"'));
  });

  it('raw, bytes and triple-quoted strings; backslash-newline continues the line', () => {
    expect(decodeLiteral(valueOf(String.raw`x = r'\d+\n'`).file.text, valueOf(String.raw`x = r'\d+\n'`).node).text).toBe(String.raw`\d+\n`);
    expect(strOf(valueOf(String.raw`x = rb'\x00' b'\x41'`).scope, valueOf(String.raw`x = rb'\x00' b'\x41'`).node)!.text).toBe(String.raw`\x00A`);
    const { file, node, scope } = valueOf('x = """one\\\ntwo\n  three"""\n');
    const s = strOf(scope, node)!;
    expect(s.text).toBe('onetwo\n  three');
    expect(origins(file, s).slice(3, 4)).toEqual(['t<t']);
  });

  it('f-strings: {{ }} are braces, fields with module constants are substituted, others are placeholders', () => {
    const { node, scope } = valueOf('T = "users"\nx = f"{{x}} {T}.{col!r:>10} idx_{col}"\n');
    const s = strOf(scope, node)!;
    expect(s.text).toBe('{x} users."{col}" idx_col');
    expect(s.dynamic).toBe(true);
  });

  it('implicit concatenation, + and names', () => {
    const { node, scope } = valueOf('A = "SELECT "\nx = (A + "1" ";"\n     " -- end")\n');
    expect(strOf(scope, node)!.text).toBe('SELECT 1; -- end');
  });

  it('% and .format() placeholders, sa.text() bind parameters, dedent', () => {
    const s = (text: string): PyStr => ({ text, offsets: [...Array(text.length + 1).keys()], dynamic: false });
    expect(percentFormat(s('a = %s AND b = %(name)s AND c LIKE \'x%%\''), ['v']).text).toBe(`a = "{v}" AND b = "{name}" AND c LIKE 'x%'`);
    expect(braceFormat(s('{} {0} {name} {{}}')).text).toBe('"{0}" "{0}" "{name}" {}');
    const bound = textClause(s("a = :a AND b = :b AND a2 = :a AND c::int = 1 AND t = '10:30' AND d = \\:e"));
    expect(bound.text).toBe("a = $1 AND b = $2 AND a2 = $1 AND c::int = 1 AND t = '10:30' AND d = :e");
    const dedented = dedentStr(s('\n    UPDATE t\n      SET a = 1\n    '));
    expect(dedented.text).toBe('\nUPDATE t\n  SET a = 1\n');
    expect(dedented.offsets[1]).toBe(5);
  });
});

describe('Syntax errors CPython would report', () => {
  it('unterminated strings, brackets, indentation', () => {
    expect(lexicalError('x = "abc\ny = 1\n')).toEqual({ message: 'unterminated string literal', offset: 4 });
    expect(lexicalError("x = '''abc\n")).toEqual({ message: 'unterminated triple-quoted string literal', offset: 4 });
    expect(lexicalError('x = f(1, [2)\n')).toEqual({ message: "closing parenthesis ')' does not match opening parenthesis '['", offset: 11 });
    expect(lexicalError('x = 1)\n')).toEqual({ message: "unmatched ')'", offset: 5 });
    expect(lexicalError('x = f(\n  1,\n')).toEqual({ message: "'(' was never closed", offset: 5, atEof: true });
    expect(lexicalError('def f():\n        x = 1\n    y = 2\n')).toEqual({ message: 'unindent does not match any outer indentation level', offset: 27 });
    expect(lexicalError('x = 1\n    y = 2\n')).toEqual({ message: 'unexpected indent', offset: 10 });
    expect(lexicalError('def f():\nx = 1\n')).toEqual({ message: 'expected an indented block after line 1', offset: 9 });
    expect(lexicalError('def f():\n')).toMatchObject({ message: 'expected an indented block after line 2' });
  });

  it('valid Python passes: strings with quotes and brackets, continuations, comments, CRLF', () => {
    const ok = [
      'x = "it\'s (not" + \'a [bracket\' + """\n)"""\n',
      'x = [\n    1,  # ]\n]\nif x:\n    pass\n',
      'x = 1 + \\\n    2\n',
      'def f():\r\n    return {"a": [1, 2]}\r\n',
      'class A:\n\n    # comment at another indent\n  # and another\n    x = 1\n',
      'y = lambda: (yield)\nz = x[1:2]\n',
      'if x: pass\nelse: pass\n',
    ];
    for (const text of ok) expect(lexicalError(text)).toBeUndefined();
  });

  it('a Python syntax error in a migration is one parse-error finding at its position', async () => {
    const source = alembic("    op.execute('UPDATE t SET a = 1)\n    op.drop_table('x')");
    const result = await lintPython(source);
    expect(result.findings.map((f) => `${f.ruleId} ${pos(f)} ${f.message}`)).toEqual(['parse-error 10:16 Python syntax error: unterminated string literal']);
  });

  it('invalid syntax found by the parser', async () => {
    const result = await lintPython(alembic('    op.drop_table("x") = = 1'));
    expect(result.findings.map((f) => `${f.ruleId} ${pos(f)} ${f.message}`)).toEqual(['parse-error 10:26 Python syntax error: invalid syntax']);
  });

  it('a bare yield (a context manager in a migration helper) is valid Python; yield followed by garbage is not', () => {
    const ok = new PyFile('t.py', '@contextmanager\ndef cm():\n    try:\n        yield\n    finally:\n        pass\n\nx = lambda: (yield)\n');
    expect(ok.syntaxError()).toBeUndefined();
    const bad = new PyFile('t.py', 'def g():\n    yield = 1\n');
    expect(bad.syntaxError()?.message).toBe('invalid syntax');
  });
});

describe('Files that are not migrations are skipped', () => {
  it.each([
    ['__init__.py', ''],
    ['env.py', 'from alembic import context\n\ncontext.run_migrations()\n'],
    ['models.py', 'from django.db import models\n\nclass Book(models.Model):\n    title = models.CharField(max_length=10)\n'],
    ['helpers.py', 'def upgrade():\n    pass\n'],
    ['broken_helper.py', 'def helper(:\n'],
    ['migration_notes.py', 'class Migration:\n    pass\n'],
  ])('%s', async (name, text) => {
    const result = await lintPython(text, `versions/${name}`);
    expect(result.migrations).toEqual([]);
    expect(result.findings).toEqual([]);
  });
});

describe('Positions', () => {
  it('columns count UTF-16 units after non-ASCII text', async () => {
    const result = await lintPython(alembic(`    op.execute("UPDATE t SET name = 'é🙂' WHERE id = 1; DELETE FROM t")`));
    // `    op.execute("` is 16 units; 'é🙂' is 3 UTF-16 units.
    expect(result.findings.filter((f) => f.ruleId === 'no-delete-without-where').map(pos)).toEqual(['10:57']);
  });

  it('CRLF files', async () => {
    const result = await lintPython(alembic('    op.execute("DELETE FROM t")').replace(/\n/g, '\r\n'));
    expect(result.findings.filter((f) => f.ruleId === 'no-delete-without-where').map(pos)).toEqual(['10:17']);
  });
});
