/**
 * goose's ENVSUB regions: `${VAR}` is replaced from the environment before goose sends
 * the SQL, so it is not a syntax error there; outside a region it is sent as written.
 */
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { gooseEnvsub } from '../../src/frontends/sql/goose-envsub.js';

describe('goose -- +goose ENVSUB ON', () => {
  it('reads ${VAR}, ${VAR:-default} and $VAR as names of the same length inside the region only', () => {
    const text = ['-- +goose ENVSUB ON', 'CREATE TABLE ${REGION}post (a int, $COL text, ${X:-dflt}c int);', "SELECT '$$', $1, $body$ x $body$, \\$KEEP;", '-- +goose ENVSUB OFF', 'SELECT ${REGION};', ''].join('\n');
    const out = gooseEnvsub(text)!;
    expect(out.length).toBe(text.length);
    expect(out.split('\n').slice(1, 5)).toEqual([
      'CREATE TABLE _REGION__post (a int, _COL text, _X________c int);',
      "SELECT '$$', $1, $body$ x $body$, \\$KEEP;",
      '-- +goose ENVSUB OFF',
      'SELECT ${REGION};',
    ]);
    expect(gooseEnvsub('-- +goose Up\nSELECT ${A};\n')).toBeUndefined();
  });

  it('lints the substituted SQL at the positions of the file, and reports what goose sends unsubstituted', async () => {
    const file = [
      '-- +goose ENVSUB ON',
      '-- +goose Up',
      'CREATE INDEX ${PREFIX}posts_title ON ${PREFIX}posts (title);',
      '-- +goose ENVSUB OFF',
      'SELECT ${NOT_REPLACED};',
      '-- +goose Down',
      'DROP TABLE posts;',
      '',
    ].join('\n');
    const result = await lintText(file, 'db/migrations/00002_posts.sql');
    expect(result.migrations[0].format).toBe('goose');
    const findings = result.findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.column}`);
    expect(findings).toContain('require-concurrent-index@3:1');
    expect(findings.filter((f) => f.startsWith('parse-error'))).toEqual(['parse-error@5:8']);
  });
});
