import { describe, expect, it } from 'vitest';
import type { Rule } from '../../rules/kit/rule.js';
import { lintText, type LintOptions } from '../../src/lint.js';

export interface InvalidCase {
  sql: string;
  /** Position of the (first) finding of this rule, 1-based. */
  line: number;
  column: number;
  /** How many findings of this rule the SQL produces (default 1). */
  count?: number;
  message?: RegExp;
  filename?: string;
  options?: LintOptions;
}

export type ValidCase = string | { sql: string; filename?: string; options?: LintOptions };

/** ESLint RuleTester-style cases: each valid case has no finding of the rule, each invalid one has. */
export function ruleCases(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.id, () => {
    it('documents itself', () => {
      expect(rule.summary.length).toBeGreaterThan(10);
      for (const key of ['why', 'safe', 'bad', 'good'] as const) expect(rule.docs[key].length).toBeGreaterThan(5);
    });
    for (const c of cases.valid) {
      const { sql, filename, options } = typeof c === 'string' ? { sql: c, filename: undefined, options: undefined } : c;
      it(`valid: ${sql.replace(/\s+/g, ' ').slice(0, 80)}`, async () => {
        const found = await findingsOf(rule, sql, filename, options);
        expect(found).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.sql.replace(/\s+/g, ' ').slice(0, 80)}`, async () => {
        const found = await findingsOf(rule, c.sql, c.filename, c.options);
        expect(found.length).toBe(c.count ?? 1);
        expect({ line: found[0].range.start.line, column: found[0].range.start.column }).toEqual({ line: c.line, column: c.column });
        if (c.message) expect(found[0].message).toMatch(c.message);
      });
    }
  });
}

/** Lints with the rule under test switched on, even where the recommended preset leaves it off (style rules). */
export async function findingsOf(rule: Rule, sql: string, filename = 'migration.sql', options: LintOptions = {}) {
  const builtin = (await import('../../rules/index.js')).builtinRules.some((r) => r.id === rule.id);
  const rules = { [rule.id]: rule.presets?.strict && rule.presets.strict !== 'off' ? rule.presets.strict : rule.severity, ...options.rules };
  const result = await lintText(sql, filename, { ...options, rules, extraRules: builtin ? options.extraRules : [rule, ...(options.extraRules ?? [])] });
  return result.findings.filter((f) => f.ruleId === rule.id);
}
