import { defineRule } from './kit/index.js';

export default defineRule({
  id: 'parse-error',
  severity: 'error',
  summary: 'A statement PostgreSQL cannot parse',
  docs: {
    why:
      'migratelint parses SQL with the real PostgreSQL parser. A statement it rejects would fail on the ' +
      'server too, and no other rule can check it. The other statements of the file are still linted.',
    safe: 'Fix the syntax at the position shown; the message is PostgreSQL\'s own.',
    bad: 'CREATE TABEL users (id bigint);',
    good: 'CREATE TABLE users (id bigint);',
  },
  check({ statements, reportAt }) {
    for (const s of statements.of('Invalid')) {
      const offset = s.error?.offset ?? s.start;
      const start = s.chunk.position(offset);
      const end = s.chunk.position(Math.min(offset + 1, s.end));
      reportAt(s.chunk.file, { start, end }, `PostgreSQL cannot parse this statement: ${s.error?.message ?? 'syntax error'}`);
    }
  },
  checkMigration({ migration, reportAt }) {
    for (const p of migration.problems) {
      reportAt(p.file, p.range ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, p.message);
    }
  },
});
