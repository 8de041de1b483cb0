import { defineRule } from './kit/index.js';

const START = { line: 1, column: 1 };

export default defineRule({
  id: 'require-downgrade',
  severity: 'error',
  summary: 'A migration whose format has down migrations must have a usable one',
  docs: {
    why:
      'When a deploy goes wrong, the down migration is how the schema goes back. A missing, empty or ' +
      'comment-only down (or one that only raises) is discovered at the worst moment: during the incident. ' +
      'Formats without a down convention (Prisma, plain SQL files, Flyway folders without undo files) are not checked.',
    safe:
      'Write the down that undoes the up: drop what the up created, recreate what it dropped. If the change ' +
      'truly cannot be undone, say so with a disable comment that gives the reason, and plan a restore from backup.',
    bad: '-- migrate:up\nCREATE TABLE audit_log (id bigint PRIMARY KEY);\n-- migrate:down\n',
    good: '-- migrate:up\nCREATE TABLE audit_log (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE audit_log;',
    file: '20240101120000_create_audit_log.sql',
  },
  checkMigration({ migration, reportAt }) {
    if (!migration.expectsDown || migration.up.state === 'missing') return;
    const down = migration.down;
    const upFile = migration.up.file ?? migration.path;
    switch (down.state) {
      case 'present':
        return;
      case 'missing':
        reportAt(upFile, { start: START, end: START }, `migration has no down migration${down.reason ? ` (${down.reason})` : ''}`);
        return;
      case 'empty': {
        const file = down.file ?? upFile;
        const range = down.range ?? { start: START, end: START };
        reportAt(file, range, 'down migration is empty: it contains no statements, so rolling back does nothing');
        return;
      }
      case 'irreversible': {
        const file = down.file ?? upFile;
        reportAt(file, down.range ?? { start: START, end: START }, `down migration is declared irreversible${down.reason ? `: ${down.reason}` : ''}`);
      }
    }
  },
});
