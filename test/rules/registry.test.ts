/**
 * The guard over rules/ (as ESLint's and stylelint's own suites guard theirs): a rule
 * file that is not registered, not tested or not documented fails here, by name, and
 * every rule's bad example must report the rule while its good example must not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import type { Rule } from '../../rules/kit/index.js';
import { DEFAULT_FILE, findingsOf } from '../helpers/rule-cases.js';

const ROOT = path.resolve(__dirname, '../..');
const ruleFiles = fs
  .readdirSync(path.join(ROOT, 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

describe('rule registry', () => {
  it('registers every file under rules/, and nothing else', async () => {
    const registered = new Map(builtinRules.map((r) => [r.id, r]));
    const unregistered = ruleFiles.filter((f) => !registered.has(f));
    expect(unregistered, `rule files not listed in rules/index.ts (they would never run): ${unregistered.join(', ')}`).toEqual([]);
    const withoutFile = [...registered.keys()].filter((id) => !ruleFiles.includes(id));
    expect(withoutFile, `registered rules whose id is not their file name: ${withoutFile.join(', ')}`).toEqual([]);
    for (const file of ruleFiles) {
      const mod = (await import(pathToFileURL(path.join(ROOT, 'rules', `${file}.ts`)).href)) as { default: Rule };
      expect(mod.default, `rules/${file}.ts default-exports the rule it registers`).toBe(registered.get(file));
    }
  });

  it('has one id per rule, in kebab-case', () => {
    const ids = builtinRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('has a test file and a docs page for every rule', () => {
    const untested = builtinRules.filter((r) => !fs.existsSync(path.join(ROOT, 'test/rules', `${r.id}.test.ts`))).map((r) => r.id);
    expect(untested, `rules without test/rules/<id>.test.ts: ${untested.join(', ')}`).toEqual([]);
    const undocumented = builtinRules.filter((r) => !fs.existsSync(path.join(ROOT, 'docs/rules', `${r.id}.md`))).map((r) => r.id);
    expect(undocumented, `rules without docs/rules/<id>.md (npm run docs:rules): ${undocumented.join(', ')}`).toEqual([]);
  });

  it('declares options only with a schema of an object', () => {
    for (const rule of builtinRules.filter((r) => r.optionsSchema)) {
      expect(rule.optionsSchema!.type, rule.id).toBe('object');
      expect(rule.optionsSchema!.additionalProperties, `${rule.id}: options schemas reject unknown keys`).toBe(false);
    }
  });
});

describe('rule docs examples', () => {
  for (const rule of builtinRules) {
    it(`${rule.id}: the bad example reports it, the good one does not`, async () => {
      const file = rule.docs.file ?? DEFAULT_FILE;
      const bad = await findingsOf(rule, rule.docs.bad, file);
      expect(bad.length, `docs.bad of ${rule.id} does not report ${rule.id}:\n${rule.docs.bad}`).toBeGreaterThan(0);
      const good = await findingsOf(rule, rule.docs.good, file);
      expect(good, `docs.good of ${rule.id} reports ${rule.id}:\n${rule.docs.good}`).toEqual([]);
    });
  }
});
