import { columnLabel, defineRule, formatType, upColumnTypes } from './kit/index.js';

export default defineRule({
  id: 'prefer-text-over-char',
  severity: 'warn',
  presets: { recommended: 'off', strict: 'warn' },
  summary: 'A char(n) column: fixed-length, blank-padded text',
  docs: {
    why:
      'char(n) (character(n), and plain char, which means char(1)) pads every value with spaces to n ' +
      'characters. The padding is stored, ignored by some comparisons and kept by others (LIKE, ' +
      'concatenation after a cast), which surprises application code; a shorter value takes as much space ' +
      'as a full one; and a longer value is an error. It is no faster than text or varchar in PostgreSQL. ' +
      'Changing it later (to text, or a larger n) rewrites the table. A style rule: off in the recommended ' +
      'preset, a warning in strict. The internal one-byte type "char" (quoted) is not reported.',
    safe: 'Use text, with a CHECK constraint if the value has a fixed length: CHECK (char_length(code) = 3).',
    bad: 'CREATE TABLE countries (code char(2) PRIMARY KEY);',
    good: 'CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));',
  },
  check(ctx) {
    for (const use of upColumnTypes(ctx)) {
      if (!use.type.builtin || use.type.name !== 'bpchar') continue;
      ctx.report(use.stmt, `column ${columnLabel(use)} is ${formatType(use.type)}, blank-padded to a fixed length: use text (with a CHECK on the length if needed)`, {
        location: use.typeName.location,
      });
    }
  },
});
