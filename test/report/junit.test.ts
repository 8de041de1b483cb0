import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { junitReporter } from '../../src/report/junit.js';
import { fingerprints } from '../../src/report/fingerprint.js';
import { FILE_CAFE, FILE_CLEAN, FILE_INDEX, PROJECT, context, lintAwkward, lintProject, removeProject } from './fixtures.js';
import { findAll, parseXml, type XmlElement } from './xml.js';

function checkCounts(root: XmlElement): void {
  expect(root.name).toBe('testsuites');
  let tests = 0;
  let failures = 0;
  for (const suite of root.children) {
    expect(suite.name).toBe('testsuite');
    const cases = suite.children;
    for (const c of cases) expect(c.name).toBe('testcase');
    const failed = cases.filter((c) => c.children.some((f) => f.name === 'failure'));
    expect(Number(suite.attrs.tests)).toBe(cases.length);
    expect(Number(suite.attrs.failures)).toBe(failed.length);
    expect(suite.attrs.errors).toBe('0');
    tests += cases.length;
    failures += failed.length;
  }
  expect(Number(root.attrs.tests)).toBe(tests);
  expect(Number(root.attrs.failures)).toBe(failures);
}

describe('junit reporter', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('writes a suite per file, a failing testcase per finding and a passing one for a clean file', () => {
    const out = junitReporter(result, context(cwd));
    const id = fingerprints(result.findings, result.migrations).map((p) => p.slice(0, 12));
    expect(out).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="migratelint" tests="5" failures="4" errors="0" skipped="0" time="0">',
        `  <testsuite name="${FILE_INDEX}" tests="3" failures="3" errors="0" skipped="0" time="0">`,
        `    <testcase name="unused-disable ${id[0]}" classname="${FILE_INDEX}" file="${FILE_INDEX}" line="1" time="0">`,
        `      <failure message="migratelint-disable-next-line for &quot;no-truncate-cascade&quot; suppresses nothing here; remove it" type="warning">${FILE_INDEX}:1:1: warning: migratelint-disable-next-line for "no-truncate-cascade" suppresses nothing here; remove it [unused-disable]</failure>`,
        '    </testcase>',
        `    <testcase name="require-concurrent-index ${id[1]}" classname="${FILE_INDEX}" file="${FILE_INDEX}" line="2" time="0">`,
        `      <failure message="CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built" type="error">${FILE_INDEX}:2:1: error: CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built [require-concurrent-index]</failure>`,
        '    </testcase>',
        `    <testcase name="no-delete-without-where ${id[2]}" classname="${FILE_INDEX}" file="${FILE_INDEX}" line="3" time="0">`,
        `      <failure message="DELETE FROM users has no WHERE clause: it removes every row" type="error">${FILE_INDEX}:3:1: error: DELETE FROM users has no WHERE clause: it removes every row [no-delete-without-where]</failure>`,
        '    </testcase>',
        '  </testsuite>',
        `  <testsuite name="${FILE_CAFE}" tests="1" failures="1" errors="0" skipped="0" time="0">`,
        `    <testcase name="no-not-null-without-default ${id[3]}" classname="${FILE_CAFE}" file="${FILE_CAFE}" line="1" time="0">`,
        `      <failure message="column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows" type="error">${FILE_CAFE}:1:31: error: column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows [no-not-null-without-default]</failure>`,
        '    </testcase>',
        '  </testsuite>',
        `  <testsuite name="${FILE_CLEAN}" tests="1" failures="0" errors="0" skipped="0" time="0">`,
        `    <testcase name="no problems" classname="${FILE_CLEAN}" file="${FILE_CLEAN}" time="0"/>`,
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    checkCounts(parseXml(out));
  });

  it('names each testcase by rule and statement, so the names stay when lines move', async () => {
    const names = (r: LintResult, at: string) => findAll(parseXml(junitReporter(r, context(at))), 'testcase').map((c) => `${c.attrs.classname} ${c.attrs.name}`);
    const shifted = await lintProject({
      ...PROJECT,
      [FILE_INDEX]: '\n\n' + PROJECT[FILE_INDEX].replace('DELETE FROM users;', '\n\nDELETE FROM users;'),
      [FILE_CAFE]: '-- a comment first\n' + PROJECT[FILE_CAFE],
    });
    try {
      expect(shifted.result.findings.map((f) => f.range.start.line)).not.toEqual(result.findings.map((f) => f.range.start.line));
      expect(names(shifted.result, shifted.cwd)).toEqual(names(result, cwd));
      for (const name of names(result, cwd).slice(0, 4)) expect(name).toMatch(/ [a-z-]+ [0-9a-f]{12}$/);
      expect(new Set(names(result, cwd)).size).toBe(5);
    } finally {
      removeProject(shifted.cwd);
    }
  });

  it('shows passing testcases for a clean run', async () => {
    const clean = await lintProject({ [FILE_CLEAN]: PROJECT[FILE_CLEAN], 'migrations/20240107120000_more.sql': 'CREATE TABLE more (id bigint);\n' });
    try {
      const root = parseXml(junitReporter(clean.result, context(clean.cwd)));
      checkCounts(root);
      expect(root.attrs).toMatchObject({ tests: '2', failures: '0' });
      expect(findAll(root, 'testcase').map((c) => [c.attrs.classname, c.attrs.name, c.children.length])).toEqual([
        [FILE_CLEAN, 'no problems', 0],
        ['migrations/20240107120000_more.sql', 'no problems', 0],
      ]);
    } finally {
      removeProject(clean.cwd);
    }
  });

  it('is well-formed XML whose attributes and text read back as the exact messages', async () => {
    const awkward = await lintAwkward();
    const out = junitReporter(awkward, context('/repo'));
    const root = parseXml(out);
    checkCounts(root);
    const failures = findAll(root, 'failure');
    expect(failures).toHaveLength(awkward.findings.length);
    for (const [i, failure] of failures.entries()) {
      const f = awkward.findings[i];
      // XML cannot carry BEL or ESC at all: they become U+FFFD; everything else is kept,
      // including the line break (written as &#10; in the attribute).
      // eslint-disable-next-line no-control-regex
      const expected = f.message.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '\uFFFD');
      expect(failure.attrs.message).toBe(expected);
      expect(failure.attrs.type).toBe('error');
      expect(failure.text).toBe(`${f.file}:${f.range.start.line}:${f.range.start.column}: error: ${expected} [${f.ruleId}]`);
    }
    expect(out).toContain('message="UPDATE multi&#10;line has no WHERE clause: it rewrites every row"');
    expect(out).toContain('DELETE FROM a|b&lt;c&gt;&amp;*_x%25:y,z');
    expect(findAll(root, 'testsuite').map((s) => s.attrs.name)).toEqual(['migrations/20240104_odd, name: 100%.sql']);
  });

  it('replaces characters XML cannot carry, even unpaired surrogates', () => {
    const broken: LintResult = {
      ...result,
      findings: [{ ...result.findings[1], message: 'half \uD83D pair, NUL \u0000, quote \' and "; \r\n]]> end' }],
    };
    const root = parseXml(junitReporter(broken, context(cwd)));
    const [failure] = findAll(root, 'failure');
    expect(failure.attrs.message).toBe('half \uFFFD pair, NUL \uFFFD, quote \' and "; \r\n]]> end');
    expect(failure.text).toContain('half \uFFFD pair, NUL \uFFFD, quote \' and "; \r\n]]> end');
  });

  it('writes an empty, well-formed document when no file was linted', () => {
    const empty: LintResult = { ...result, files: [], migrations: [], counts: { files: 0, migrations: 0 }, findings: [], errorCount: 0, warningCount: 0 };
    const out = junitReporter(empty, context(cwd));
    expect(parseXml(out).attrs).toMatchObject({ name: 'migratelint', tests: '0', failures: '0' });
  });
});
