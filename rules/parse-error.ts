import { defineRule, optionEnabled, plpgsqlBodyError, type Statement } from './kit/index.js';

/** Whether a statement sets `check_function_bodies`: true/false, or undefined when it is about something else. */
function checksFunctionBodies(s: Statement): boolean | undefined {
  if (s.kind !== 'VariableSetStmt' || s.node.name !== 'check_function_bodies') return undefined;
  if (s.node.kind === 'VAR_RESET' || s.node.kind === 'VAR_SET_DEFAULT') return true;
  const value = s.node.args?.[0]?.A_Const;
  const word = value?.sval?.sval ?? (value?.boolval ? String(value.boolval.boolval === true) : undefined);
  return word === undefined ? undefined : optionEnabled({ arg: { String: { sval: word } } });
}

export default defineRule({
  id: 'parse-error',
  severity: 'error',
  summary: 'A statement PostgreSQL cannot parse',
  docs: {
    why:
      'migratelint parses SQL with the real PostgreSQL parser. A statement it rejects would fail on the ' +
      'server too, and no other rule can check it. The other statements of the file are still linted. ' +
      'The same goes for the body of a LANGUAGE plpgsql function or procedure, and of a DO block: PostgreSQL ' +
      'compiles it when CREATE FUNCTION, CREATE PROCEDURE or DO runs (check_function_bodies is on by default), so a ' +
      'misspelt keyword, an undeclared variable or a broken SQL statement inside fails the migration at deploy.',
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
    let bodiesChecked = true;
    for (const s of statements) {
      bodiesChecked = checksFunctionBodies(s) ?? bodiesChecked;
      if (s.kind !== 'CreateFunctionStmt' && s.kind !== 'DoStmt') continue;
      const e = plpgsqlBodyError(s);
      if (!e) continue;
      // With check_function_bodies off, CREATE FUNCTION succeeds and the first call fails instead.
      const when = bodiesChecked || s.kind === 'DoStmt' ? '' : ' (check_function_bodies is off here, so it fails when first called)';
      const end = Math.max(e.end, e.start + 1);
      reportAt(s.chunk.file, { start: s.chunk.position(e.start), end: s.chunk.position(end) }, `PostgreSQL cannot compile this PL/pgSQL ${e.holder} body: ${e.message}${when}`);
    }
  },
  checkMigration({ migration, reportAt }) {
    for (const p of migration.problems) {
      reportAt(p.file, p.range ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, p.message);
    }
  },
});
