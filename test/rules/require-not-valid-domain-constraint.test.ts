import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-not-valid-domain-constraint.js';
import { applyFixes } from '../../src/engine/apply-fixes.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'ALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0) NOT VALID;',
    'ALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive;',
    'ALTER DOMAIN positive_amount DROP NOT NULL;',
    'ALTER DOMAIN positive_amount DROP CONSTRAINT positive;',
    'CREATE DOMAIN positive_amount AS numeric;\nALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0);',
    { sql: 'CREATE DOMAIN positive_amount AS numeric;\nALTER DOMAIN positive_amount SET NOT NULL;', options: { transaction: true } },
  ],
  invalid: [
    {
      sql: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0);',
      line: 1,
      column: 34,
      endLine: 1,
      endColumn: 44,
      message: 'ALTER DOMAIN positive_amount ADD CONSTRAINT checks every column of type positive_amount in every table, holding SHARE on each: blocks writes to them; add it NOT VALID and VALIDATE it in a separate transaction',
      output: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0) NOT VALID;',
    },
    { sql: 'ALTER DOMAIN app.email SET NOT NULL;', line: 1, column: 1, endLine: 1, endColumn: 36, message: /SET NOT NULL.*no NOT VALID form/, output: null },
  ],
});

describe('require-not-valid-domain-constraint fix', () => {
  it('appends NOT VALID', async () => {
    const sql = 'ALTER DOMAIN d ADD CHECK (VALUE > 0);';
    const [f] = await findingsOf(rule, sql);
    expect(applyFixes(sql, f.fix!.edits)).toBe('ALTER DOMAIN d ADD CHECK (VALUE > 0) NOT VALID;');
  });
});
