import { describe, expect, it } from 'vitest';
import { CommandSyntaxError, formatCommandLine, splitCommandLine } from '../../../src/exec/runners/argv.js';

describe('splitCommandLine', () => {
  it.each([
    ['alembic', ['alembic']],
    ['  python3   manage.py  migrate ', ['python3', 'manage.py', 'migrate']],
    ["alembic -c 'db/my alembic.ini'", ['alembic', '-c', 'db/my alembic.ini']],
    ['alembic -c "db/my alembic.ini"', ['alembic', '-c', 'db/my alembic.ini']],
    ['npx knex --knexfile db/knex\\ file.js', ['npx', 'knex', '--knexfile', 'db/knex file.js']],
    [`echo "a \\"b\\" \\\\ c"`, ['echo', 'a "b" \\ c']],
    [`echo 'it'\\''s'`, ['echo', "it's"]],
    [`echo ""`, ['echo', '']],
    [`echo a"b c"d`, ['echo', 'ab cd']],
    ['npx kysely --cwd a#b', ['npx', 'kysely', '--cwd', 'a#b']],
    ['echo "$literal is refused" || true', null],
  ] as const)('%s', (line, expected) => {
    if (expected === null) expect(() => splitCommandLine(line)).toThrow(CommandSyntaxError);
    else expect(splitCommandLine(line)).toEqual({ argv: expected, env: {} });
  });

  it('takes leading NAME=value words as environment variables', () => {
    expect(splitCommandLine('DJANGO_SETTINGS_MODULE=shop.settings.prod  EMPTY= python3 manage.py migrate')).toEqual({
      argv: ['python3', 'manage.py', 'migrate'],
      env: { DJANGO_SETTINGS_MODULE: 'shop.settings.prod', EMPTY: '' },
    });
    expect(splitCommandLine(`A="x y" cmd B=1`)).toEqual({ argv: ['cmd', 'B=1'], env: { A: 'x y' } });
    // Quoted, it is a command (as in a shell), not an assignment.
    expect(splitCommandLine(`'A=1' cmd`)).toEqual({ argv: ['A=1', 'cmd'], env: {} });
  });

  it.each([
    ['alembic upgrade head | tee log', /pipe/],
    ['alembic; rm -rf /', /separator/],
    ['alembic && true', /&/],
    ['alembic > out.log', /redirection/],
    ['$HOME/bin/alembic', /variable/],
    ['"$HOME/bin/alembic"', /inside double quotes/],
    ['alembic `x`', /substitution/],
    ['knex migrate:up *.js', /glob/],
    ['~/venv/bin/alembic', /home-folder/],
    ["alembic -c 'unclosed", /unclosed single quote/],
    ['alembic -c "unclosed', /unclosed double quote/],
    ['alembic \\', /backslash/],
    ['   ', /empty command/],
    ['A=1 B=2', /only variable assignments/],
  ])('refuses %s', (line, message) => {
    expect(() => splitCommandLine(line)).toThrow(message);
  });

  it('quotes words back so the line reads as it would run', () => {
    const argv = ['alembic', '-c', 'db/my alembic.ini', "it's", '', 'a=b,c/d:e@f%g+h'];
    expect(formatCommandLine(argv)).toBe(`alembic -c 'db/my alembic.ini' 'it'\\''s' '' a=b,c/d:e@f%g+h`);
    expect(splitCommandLine(formatCommandLine(argv)).argv).toEqual(argv);
  });
});
