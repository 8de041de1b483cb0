import { defineRule } from './kit/index.js';

/** Reported by the engine while it applies ignore comments; listed here for docs and config. */
export default defineRule({
  id: 'unknown-rule',
  severity: 'error',
  summary: 'A migratelint-disable comment names a rule that does not exist',
  docs: {
    why: 'A misspelt rule id in an ignore comment suppresses nothing, so the finding it was meant to silence still fires, or a later one is never looked at.',
    safe: 'Use the exact rule id, as listed by `migratelint rules`.',
    bad: '-- migratelint-disable-next-line require-concurent-index\nCREATE INDEX i ON t (a);',
    good: '-- migratelint-disable-next-line require-concurrent-index -- table has 40 rows\nCREATE INDEX i ON t (a);',
  },
});
