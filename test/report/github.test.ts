import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { githubReporter } from '../../src/report/github.js';
import { PAIR_WITHOUT_DOWN, PROJECT, context, lintAwkward, lintProject, removeProject } from './fixtures.js';

/** Reads a workflow command back the way the Actions runner does. */
function parseCommand(line: string): { command: string; props: Record<string, string>; message: string } {
  const m = /^::([a-z]+) ([^:]*)::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
  const props: Record<string, string> = {};
  for (const pair of m[2].split(',')) {
    const eq = pair.indexOf('=');
    expect(eq).toBeGreaterThan(0);
    props[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
  }
  return { command: m[1], props, message: unescapeData(m[3]) };
}

describe('github reporter', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('prints one ::error or ::warning command per finding, 1-based, with an inclusive endColumn', () => {
    const index = path.join(cwd, 'migrations/20240101120000_add_users_index.sql');
    const cafe = path.join(cwd, 'migrations/20240102120000_ajout_café.sql');
    expect(githubReporter(result, context(cwd))).toBe(
      [
        `::warning file=${index},line=1,endLine=1,col=1,endColumn=52,title=migratelint unused-disable::migratelint-disable-next-line for "no-truncate-cascade" suppresses nothing here; remove it`,
        `::error file=${index},line=2,endLine=2,col=1,endColumn=45,title=migratelint require-concurrent-index::CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built`,
        `::error file=${index},line=3,endLine=3,col=1,endColumn=17,title=migratelint no-delete-without-where::DELETE FROM users has no WHERE clause: it removes every row`,
        `::error file=${cafe},line=1,endLine=1,col=31,endColumn=37,title=migratelint no-not-null-without-default::column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows`,
        '',
      ].join('\n'),
    );
  });

  it('gives absolute paths, which the runner makes relative to the repository wherever lint ran', () => {
    for (const line of githubReporter(result, context(cwd)).trimEnd().split('\n')) {
      expect(path.isAbsolute(parseCommand(line).props.file)).toBe(true);
    }
  });

  it('escapes %, CR and LF in messages, and also : and , in properties, so every value reads back exactly', async () => {
    const awkward = await lintAwkward();
    const out = githubReporter(awkward, context('/repo'));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(awkward.findings.length);
    expect(lines[0]).toBe(
      '::error file=/repo/migrations/20240104_odd%2C name%3A 100%25.sql,line=1,endLine=1,col=1,endColumn=31,title=migratelint no-delete-without-where::DELETE FROM a|b<c>&*_x%2525:y,z has no WHERE clause: it removes every row',
    );
    // A statement over two lines: GitHub takes no columns on a multi-line annotation.
    expect(lines[1]).toBe(
      '::error file=/repo/migrations/20240104_odd%2C name%3A 100%25.sql,line=2,endLine=3,title=migratelint no-update-without-where::UPDATE multi%0Aline has no WHERE clause: it rewrites every row',
    );
    for (const [i, line] of lines.entries()) {
      const f = awkward.findings[i];
      const cmd = parseCommand(line);
      expect(cmd.command).toBe('error');
      expect(cmd.message).toBe(f.message);
      expect(cmd.props.file).toBe(path.resolve('/repo', f.file));
      expect(cmd.props.title).toBe(`migratelint ${f.ruleId}`);
      expect(Number(cmd.props.line)).toBe(f.range.start.line);
      expect(Number(cmd.props.endLine)).toBe(f.range.end.line);
    }
  });

  it('gives a zero-width finding a one-column annotation', async () => {
    const pair = await lintProject(PAIR_WITHOUT_DOWN);
    try {
      expect(pair.result.findings.map((f) => f.ruleId)).toEqual(['require-downgrade']);
      const cmd = parseCommand(githubReporter(pair.result, context(pair.cwd)).trimEnd());
      expect(cmd.props).toMatchObject({ line: '1', endLine: '1', col: '1', endColumn: '1' });
    } finally {
      removeProject(pair.cwd);
    }
  });

  it('prints nothing for a clean run', async () => {
    const clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    try {
      expect(githubReporter(clean.result, context(clean.cwd))).toBe('');
    } finally {
      removeProject(clean.cwd);
    }
  });
});
