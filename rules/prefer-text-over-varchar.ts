import { columnLabel, defineRule, formatType, upColumnTypes } from './kit/index.js';

export default defineRule({
  id: 'prefer-text-over-varchar',
  severity: 'warn',
  presets: { recommended: 'off', strict: 'warn' },
  summary: 'A varchar(n) column where text (with a CHECK, if the limit matters) is easier to change',
  docs: {
    why:
      'In PostgreSQL varchar(n) is text with a length check built into the type: no faster and no smaller. ' +
      'The limit is usually an arbitrary guess (255) that later has to move; raising it is catalog-only, ' +
      'but lowering it, or any change the server cannot prove harmless, rewrites the table under an ' +
      'ACCESS EXCLUSIVE lock, and views or functions using the column may have to be dropped and recreated ' +
      'first. A CHECK constraint expresses the same rule and can be replaced without a rewrite (add the new ' +
      'one NOT VALID, VALIDATE it, drop the old one). A style rule: off in the recommended preset, a ' +
      'warning in strict. varchar without a length is text and is not reported.',
    safe: 'Use text, and add CHECK (char_length(col) <= n) when the limit is a real rule of the data.',
    bad: 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL);',
    good: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL CHECK (char_length(email) <= 320));',
  },
  check(ctx) {
    for (const use of upColumnTypes(ctx)) {
      const t = use.type;
      if (!t.builtin || t.name !== 'varchar' || t.mods.length === 0) continue;
      ctx.report(use.stmt, `column ${columnLabel(use)} is ${formatType(t)}: use text, with a CHECK on the length if the limit matters`, {
        location: use.typeName.location,
      });
    }
  },
});
