import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { directionAt } from '../../src/ir/direction.js';
import { applyDownSetting } from '../../src/engine/down-setting.js';
import type { Finding, Migration, Position, Section } from '../../src/ir/types.js';

const at = (line: number, column = 1): Position => ({ line, column });
const section = (file: string | undefined, start?: Position): Section => ({
  state: 'present',
  statements: [],
  file,
  ...(start ? { range: { start, end: start } } : {}),
});
const migration = (up: Section, down: Section): Migration => ({
  path: up.file ?? 'm',
  files: [],
  format: 'sql',
  up,
  down,
  expectsDown: true,
  comments: [],
  problems: [],
  sources: new Map(),
});

describe('directionAt', () => {
  it('a pair: all of the down file is down, all of the up file up', () => {
    const pair = migration(section('1.up.sql', at(1)), section('1.down.sql', at(1)));
    expect(directionAt(pair, '1.down.sql', at(1))).toBe('down');
    expect(directionAt(pair, '1.up.sql', at(9))).toBe('up');
  });

  it('one file with both sections: the section that starts last before the place', () => {
    const upFirst = migration(section('m.sql', at(1)), section('m.sql', at(5)));
    expect(directionAt(upFirst, 'm.sql', at(4, 80))).toBe('up');
    expect(directionAt(upFirst, 'm.sql', at(5))).toBe('down');
    const downFirst = migration(section('m.sql', at(5)), section('m.sql', at(1)));
    expect(directionAt(downFirst, 'm.sql', at(3))).toBe('down');
    expect(directionAt(downFirst, 'm.sql', at(6))).toBe('up');
  });

  it('up when the sections share their start (Django derives its down from the same operations) or the down is missing', () => {
    expect(directionAt(migration(section('m.py', at(3)), section('m.py', at(3))), 'm.py', at(9))).toBe('up');
    expect(directionAt(migration(section('m.ts', at(3)), section(undefined)), 'm.ts', at(9))).toBe('up');
  });
});

/** The findings of the named rules only, so rules added later do not change these cases. */
const lintDbmate = async (sql: string, rules: Record<string, 'error' | 'warn'>) =>
  (await lintText(sql, '20240101120000_a.sql', { rules }))
    .findings.filter((f) => f.ruleId in rules)
    .map((f) => `${f.ruleId}@${f.range.start.line}:${f.direction}`);

describe('findings not made while checking a section', () => {
  it('an empty down section is reported in the down; a missing one at the top of the up', async () => {
    const empty = ['-- migrate:up', 'CREATE TABLE a (id bigint);', '-- migrate:down', ''].join('\n');
    expect(await lintDbmate(empty, { 'require-downgrade': 'error' })).toEqual(['require-downgrade@3:down']);
    const missing = ['-- migrate:up', 'CREATE TABLE a (id bigint);', ''].join('\n');
    expect(await lintDbmate(missing, { 'require-downgrade': 'error' })).toEqual(['require-downgrade@1:up']);
  });

  it('an ignore comment that suppresses nothing is in the section it is written in', async () => {
    const sql = [
      '-- migrate:up',
      '-- migratelint-disable-next-line no-truncate-cascade',
      'CREATE TABLE a (id bigint);',
      '-- migrate:down',
      '-- migratelint-disable-next-line no-truncate-cascade',
      'DROP TABLE a;',
      '',
    ].join('\n');
    expect(await lintDbmate(sql, { 'unused-disable': 'warn' })).toEqual(['unused-disable@2:up', 'unused-disable@5:down']);
  });
});

describe('applyDownSetting', () => {
  const finding = (direction: 'up' | 'down', severity: 'error' | 'warn'): Finding => ({
    ruleId: 'r',
    severity,
    message: 'm',
    file: 'f',
    range: { start: at(1), end: at(1) },
    direction,
  });
  const found = [finding('up', 'error'), finding('down', 'error'), finding('down', 'warn')];

  it('lint keeps everything as it is', () => {
    expect(applyDownSetting(found, 'lint')).toEqual({ findings: found, hidden: 0 });
  });

  it('warn caps down findings at warnings', () => {
    expect(applyDownSetting(found, 'warn').findings.map((f) => `${f.direction}:${f.severity}`)).toEqual(['up:error', 'down:warn', 'down:warn']);
  });

  it('off drops down findings and counts them', () => {
    expect(applyDownSetting(found, 'off')).toEqual({ findings: [found[0]], hidden: 2 });
  });
});
