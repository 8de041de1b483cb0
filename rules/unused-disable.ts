import { defineRule } from './kit/index.js';

/** Reported by the engine while it applies ignore comments; listed here for docs and config. */
export default defineRule({
  id: 'unused-disable',
  severity: 'warn',
  summary: 'A migratelint-disable comment that suppresses nothing',
  docs: {
    why:
      'An ignore comment that no longer matches a finding (the statement was fixed, moved, or the comment ' +
      'names the wrong rule) hides nothing today but would silently hide a real problem added later.',
    safe: 'Remove the comment, or move it right above the statement it is meant for.',
    bad: '-- migratelint-disable-next-line require-concurrent-index -- small table\nCREATE TABLE t (id bigint);',
    good: 'CREATE TABLE t (id bigint);',
  },
});
