import { expect } from 'vitest';
import { lintText, type LintResult } from '../../../src/lint.js';
import type { Finding, Migration } from '../../../src/ir/types.js';

export const FILE = 'db/migrate/20240501120000_change_things.rb';

/** A migration class around `body` (methods and class-level calls), for Rails `version`. */
export function migration(body: string, version = '7.1'): string {
  return `class ChangeThings < ActiveRecord::Migration[${version}]\n${body}\nend\n`;
}

export async function lintRails(source: string, file = FILE): Promise<{ result: LintResult; m: Migration }> {
  const result = await lintText(source, file);
  expect(result.migrations).toHaveLength(1);
  return { result, m: result.migrations[0] };
}

/** The statements of a section as `line:column text` (white space collapsed). */
export function sql(m: Migration, section: 'up' | 'down' = 'up'): string[] {
  return m[section].statements.map((s) => `${s.range.start.line}:${s.range.start.column} ${s.text.replace(/\s+/g, ' ').trim()}`);
}

export const pos = (f: Pick<Finding, 'range'>): string => `${f.range.start.line}:${f.range.start.column}`;

/** `rule@line:column` of every finding. */
export const findings = (result: LintResult): string[] => result.findings.map((f) => `${f.ruleId}@${pos(f)}`);

export const rule = (result: LintResult, id: string): string[] => result.findings.filter((f) => f.ruleId === id).map(pos);
