import { describe, expect, it } from 'vitest';
import type { Rule } from '../../rules/kit/index.js';
import type { Finding } from '../../src/ir/types.js';
import { builtinRules } from '../../rules/index.js';
import { fixFile } from '../../src/engine/apply-fixes.js';
import { lintText, type LintOptions } from '../../src/lint.js';

/**
 * A plain SQL file: no tool's transaction rules. (A file named migration.sql is Prisma's,
 * which sends it as one query: several statements there share one implicit transaction.)
 */
export const DEFAULT_FILE = 'plain.sql';

export interface InvalidCase {
  sql: string;
  /** Start of the (first) finding of this rule, 1-based. */
  line: number;
  column: number;
  /** End of the (first) finding (exclusive, 1-based), when the case pins it. */
  endLine?: number;
  endColumn?: number;
  /** How many findings of this rule the SQL produces (default 1). */
  count?: number;
  /** The (first) finding's message: the whole text, or a pattern. */
  message?: string | RegExp;
  /**
   * The file after `--fix` applies this rule's fixes; `null` when the rule offers none
   * for this case. Required whenever the rule fixes the case (as ESLint's RuleTester
   * requires `output`), so no fix goes untested.
   */
  output?: string | null;
  filename?: string;
  options?: LintOptions;
}

export type ValidCase = string | { sql: string; filename?: string; options?: LintOptions };

/**
 * ESLint RuleTester-style cases: each valid case has no finding of the rule, each
 * invalid one has, at the given place, with the given message and fixed output.
 * Only registered rules can be tested: a rule missing from rules/index.ts would pass
 * here and never run in the CLI.
 */
export function ruleCases(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.id, () => {
    it('is registered and documents itself', () => {
      expect(builtinRules.includes(rule), `${rule.id} is not listed in rules/index.ts`).toBe(true);
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
        const { start, end } = found[0].range;
        expect({ line: start.line, column: start.column }).toEqual({ line: c.line, column: c.column });
        if (c.endLine !== undefined || c.endColumn !== undefined) {
          expect({ endLine: end.line, endColumn: end.column }).toEqual({ endLine: c.endLine ?? end.line, endColumn: c.endColumn ?? end.column });
        }
        if (typeof c.message === 'string') expect(found[0].message).toBe(c.message);
        else if (c.message) expect(found[0].message).toMatch(c.message);
        checkFixes(rule, c, found);
      });
    }
  });
}

function checkFixes(rule: Rule, c: InvalidCase, found: Finding[]): void {
  const fixed = found.filter((f) => f.fix);
  if (fixed.length > 0 && !rule.fixable) throw new Error(`${rule.id} offers a fix but does not say fixable: true`);
  if (fixed.length === 0) {
    if (c.output !== undefined && c.output !== null) throw new Error(`expected a fix giving ${JSON.stringify(c.output)}, but ${rule.id} offered none`);
    return;
  }
  if (c.output === undefined) throw new Error(`${rule.id} fixed this case: add output (the fixed SQL) to the case`);
  const file = c.filename ?? DEFAULT_FILE;
  expect(fixFile(c.sql, file, fixed).output).toBe(c.output ?? c.sql);
}

/** Lints with the rule under test switched on, even where the recommended preset leaves it off (style rules). */
export async function findingsOf(rule: Rule, sql: string, filename = DEFAULT_FILE, options: LintOptions = {}) {
  if (!builtinRules.includes(rule)) throw new Error(`${rule.id} is not listed in rules/index.ts: it would never run`);
  const rules = { [rule.id]: rule.presets?.strict && rule.presets.strict !== 'off' ? rule.presets.strict : rule.severity, ...options.rules };
  const result = await lintText(sql, filename, { ...options, rules });
  return result.findings.filter((f) => f.ruleId === rule.id);
}
