import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { MARKDOWN_FOLD_AFTER, escapeMarkdown, markdownReporter } from '../../src/report/markdown.js';
import { PROJECT, context, lintAwkward, lintProject, manyDeletes, removeProject } from './fixtures.js';

/** The cells of a GFM table row: split on pipes that no backslash escapes. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') {
      cell += row[i] + (row[i + 1] ?? '');
      i++;
    } else if (row[i] === '|') {
      out.push(cell);
      cell = '';
    } else cell += row[i];
  }
  out.push(cell);
  expect(out[0]).toBe('');
  expect(out[out.length - 1]).toBe('');
  return out.slice(1, -1).map((c) => c.trim());
}

/** What GFM shows for escaped text: backslash escapes resolved, `<br>` as a line break. */
function shown(text: string): string {
  return text.replace(/<br>/g, '\n').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

describe('markdown reporter', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('summarises totals and counts per rule, then lists findings with links to their lines', () => {
    expect(markdownReporter(result, context(cwd))).toBe(
      [
        '<!-- migratelint-report -->',
        '### migratelint',
        '',
        '**❌ 4 problems** (3 errors, 1 warning) in 3 files.',
        '',
        '| Rule | Errors | Warnings |',
        '| --- | ---: | ---: |',
        '| `no-delete-without-where` | 1 | 0 |',
        '| `no-not-null-without-default` | 1 | 0 |',
        '| `require-concurrent-index` | 1 | 0 |',
        '| `unused-disable` | 0 | 1 |',
        '',
        '| Severity | Location | Rule | Message |',
        '| --- | --- | --- | --- |',
        '| 🟡 warning | [migrations/20240101120000\\_add\\_users\\_index.sql:1](migrations/20240101120000_add_users_index.sql#L1) | `unused-disable` | migratelint-disable-next-line for "no-truncate-cascade" suppresses nothing here; remove it |',
        '| 🔴 error | [migrations/20240101120000\\_add\\_users\\_index.sql:2](migrations/20240101120000_add_users_index.sql#L2) | `require-concurrent-index` | CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built |',
        '| 🔴 error | [migrations/20240101120000\\_add\\_users\\_index.sql:3](migrations/20240101120000_add_users_index.sql#L3) | `no-delete-without-where` | DELETE FROM users has no WHERE clause: it removes every row |',
        '| 🔴 error | [migrations/20240102120000\\_ajout\\_café.sql:1](migrations/20240102120000_ajout_caf%C3%A9.sql#L1) | `no-not-null-without-default` | column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows |',
        '',
        '<sub>migratelint 1.2.3</sub>',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report', async () => {
    const clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    try {
      expect(markdownReporter(clean.result, context(clean.cwd))).toBe(
        '<!-- migratelint-report -->\n### migratelint\n\n**✅ No problems** in 1 file.\n\n<sub>migratelint 1.2.3</sub>\n',
      );
    } finally {
      removeProject(clean.cwd);
    }
  });

  it('escapes messages so that a table cell shows them literally, and never breaks the table', async () => {
    const awkward = await lintAwkward();
    const out = markdownReporter(awkward, context('/repo'));
    const rows = out.split('\n').filter((l) => l.startsWith('| 🔴'));
    expect(rows).toHaveLength(awkward.findings.length);
    expect(rows[0]).toBe(
      '| 🔴 error | [migrations/20240104\\_odd, name: 100%.sql:1](migrations/20240104_odd%2C%20name%3A%20100%25.sql#L1) | `no-delete-without-where` | DELETE FROM a\\|b\\<c\\>\\&\\*\\_x%25:y,z has no WHERE clause: it removes every row |',
    );
    // A finding over two lines links to the range.
    expect(rows[1]).toContain('(migrations/20240104_odd%2C%20name%3A%20100%25.sql#L2-L3)');
    for (const [i, row] of rows.entries()) {
      const [, , rule, message] = cells(row);
      expect(rule).toBe(`\`${awkward.findings[i].ruleId}\``);
      // Shown text equals the message; control characters are replaced, not passed on.
      // eslint-disable-next-line no-control-regex
      expect(shown(message)).toBe(awkward.findings[i].message.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '\uFFFD'));
    }
    // No raw HTML or control character from a message reaches the comment.
    expect(out.replace(/<(?:br|sub|\/sub)>|<!-- migratelint-report -->/g, '')).not.toMatch(/(?<!\\)</);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('escapes every character that starts markup, and only by backslash or <br>', () => {
    const text = 'a|b `c` *d* _e_ [f](g) <h> #i ~j~ $k$ &amp; !l \\m\nn';
    const escaped = escapeMarkdown(text);
    expect(escaped).toBe('a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\]\\(g\\) \\<h\\> \\#i \\~j\\~ \\$k\\$ \\&amp; \\!l \\\\m<br>n');
    expect(shown(escaped)).toBe(text);
  });

  it(`folds the findings table into <details> above ${MARKDOWN_FOLD_AFTER} findings`, async () => {
    const at = await lintProject(manyDeletes(MARKDOWN_FOLD_AFTER));
    const above = await lintProject(manyDeletes(MARKDOWN_FOLD_AFTER + 1));
    try {
      expect(at.result.findings).toHaveLength(MARKDOWN_FOLD_AFTER);
      expect(markdownReporter(at.result, context(at.cwd))).not.toContain('<details>');

      const out = markdownReporter(above.result, context(above.cwd));
      expect(out).toContain('**❌ 21 problems** (21 errors, 0 warnings) in 1 file.');
      expect(out).toContain('| `no-delete-without-where` | 21 | 0 |');
      const lines = out.split('\n');
      const open = lines.indexOf('<details>');
      const close = lines.indexOf('</details>');
      expect(open).toBeGreaterThan(0);
      expect(lines[open + 1]).toBe('<summary>Show all 21 findings</summary>');
      expect(lines[open + 2]).toBe(''); // markdown inside HTML needs a blank line first
      expect(lines[open + 3]).toBe('| Severity | Location | Rule | Message |');
      expect(lines.slice(open, close).filter((l) => l.startsWith('| 🔴'))).toHaveLength(21);
      expect(lines[close - 1]).toBe('');
      // The per-rule counts stay outside, visible at a glance.
      expect(lines.indexOf('| Rule | Errors | Warnings |')).toBeLessThan(open);
    } finally {
      removeProject(at.cwd);
      removeProject(above.cwd);
    }
  });

  it('mentions findings a baseline hid', () => {
    const withBaseline: LintResult = { ...result, baseline: { file: '.migratelint-baseline.json', suppressed: 2, stale: [] } };
    expect(markdownReporter(withBaseline, context(cwd))).toContain('\n2 known findings hidden by the baseline .migratelint-baseline.json.\n');
  });
});
