/**
 * A rule's good example that spans migrations ("-- in the next migration:") is linted as
 * the migrations it describes, one file each, through the schema model: the safe
 * pattern a rule documents must not report that rule.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { lint } from '../../src/lint.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-good-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const NEXT_MIGRATION = /^--.*\b(next|later) migration\b/i;

/** The migrations an example describes: split before each line that announces the next one. */
function migrationsOf(example: string): string[] {
  const parts: string[][] = [[]];
  for (const line of example.split('\n')) {
    if (NEXT_MIGRATION.test(line) && parts[parts.length - 1].length) parts.push([]);
    parts[parts.length - 1].push(line);
  }
  return parts.map((p) => `${p.join('\n')}\n`);
}

const spanning = builtinRules.filter((r) => migrationsOf(r.docs.good).length > 1);

describe('good examples that span migrations', () => {
  it('exist (the split finds them)', () => {
    expect(spanning.map((r) => r.id)).toContain('no-set-not-null-without-check');
  });

  for (const rule of spanning) {
    it(`${rule.id}: linted as ${migrationsOf(rule.docs.good).length} migrations, reports nothing`, async () => {
      const dir = fs.mkdtempSync(path.join(tmp, `${rule.id}-`));
      migrationsOf(rule.docs.good).forEach((text, i) => fs.writeFileSync(path.join(dir, `${i + 1}_step.sql`), text));
      const result = await lint(['.'], { cwd: dir, rules: { [rule.id]: 'error' } });
      expect(result.findings.filter((f) => f.ruleId === rule.id)).toEqual([]);
    });
  }
});
