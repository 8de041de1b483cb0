import { columnLabel, defineRule, formatType, upColumnTypes } from './kit/index.js';

export default defineRule({
  id: 'prefer-timestamptz',
  severity: 'warn',
  presets: { recommended: 'off', strict: 'warn' },
  summary: 'A timestamp without time zone column, whose values do not say which instant they are',
  docs: {
    why:
      'timestamp (without time zone) stores a wall-clock reading with no zone: the same value means ' +
      'different instants depending on where it was written, now() is silently converted to the session\'s ' +
      'local time on the way in, and arithmetic across daylight-saving changes is off by an hour. ' +
      'timestamptz stores an absolute instant (UTC internally; it takes no more space) and converts to the ' +
      'session time zone only for display. Converting a column later rewrites the table unless the ' +
      'session time zone is UTC. A style rule: off in the recommended preset, a warning in strict. No ' +
      'automatic fix: existing values and the application\'s handling of them must be checked.',
    safe: 'Use timestamptz (timestamp with time zone). Keep timestamp only for genuinely zone-less values, such as a local opening time.',
    bad: 'ALTER TABLE orders ADD COLUMN shipped_at timestamp;',
    good: 'ALTER TABLE orders ADD COLUMN shipped_at timestamptz;',
  },
  check(ctx) {
    for (const use of upColumnTypes(ctx)) {
      const t = use.type;
      if (!t.builtin || t.name !== 'timestamp') continue;
      ctx.report(use.stmt, `column ${columnLabel(use)} is ${formatType(t)} (without time zone): use timestamptz`, {
        location: use.typeName.location,
      });
    }
  },
});
