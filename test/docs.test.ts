import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

describe('rule pages', () => {
  it('docs/rules matches the rules (regenerate with: npm run docs:rules)', () => {
    // Runs against the build that `npm test` makes first.
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-rule-docs.mjs'), '--check'], { encoding: 'utf8' });
    expect(run.stderr + run.stdout).not.toMatch(/out of date|missing/i);
    expect(run.status).toBe(0);
  });
});
