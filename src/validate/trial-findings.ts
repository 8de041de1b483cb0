import type { Finding, FindingDetail, Range, Statement } from '../ir/types.js';
import type { ExecMigration } from '../exec/migrations.js';
import type { Direction } from '../exec/plan.js';
import { describeServerError } from '../exec/errors.js';
import { describeDifference, differenceDetails, type SchemaDifference, type Snapshot } from './snapshot.js';
import { isAvailableExtension, PGLITE_EXTENSIONS } from './trial-db.js';
import type { TrialFailure } from './trial-statements.js';
import { migrationLabel, FILE_START } from './types.js';

/** The trial's findings, each on the migration (and file) that causes it. */

/** What the down of `em` leaves different from the schema before its up. */
export function differenceFinding(em: ExecMigration, d: SchemaDifference, before: Snapshot, after: Snapshot): Finding {
  const m = em.migration;
  const where = { file: m.down.file ?? em.file, range: m.down.statements[0]?.range ?? m.down.range ?? FILE_START };
  const message = `down of ${migrationLabel(m)} ${describeDifference(d)}`;
  const details = differenceDetails(d, before, after);
  if (d.change === 'reordered') {
    // Not broken, but not the table production has: warn, on the migration whose down moved it.
    return {
      ruleId: 'validate/trial-down-column-order',
      severity: 'warn',
      message,
      ...where,
      details,
      hint: 'a column added back goes last: SELECT *, views over it, INSERT without a column list and COPY see another order than on a database that never ran the down; recreate the table in the down if the order matters',
    };
  }
  return {
    ruleId: 'validate/trial-down-leaves-schema',
    severity: 'error',
    message,
    ...where,
    details,
    hint: d.change === 'extra' ? `undo it in the down migration` : d.change === 'missing' ? 'the down migration drops it; only objects the up created should go' : 'make the down restore the definition the up changed',
  };
}

/** The section cannot be run as one migration (a COMMIT inside a wrapped migration, ...). */
export function cannotRun(em: ExecMigration, direction: Direction, problem: string): Finding {
  const section = em.migration[direction];
  const where = /^(.*):(\d+):(\d+): (.*)$/s.exec(problem);
  return {
    ruleId: 'validate/trial-cannot-run',
    severity: 'error',
    message: `${direction} of ${migrationLabel(em.migration)} cannot run as one migration: ${where ? where[4] : problem}`,
    file: where ? where[1] : section.file ?? em.file,
    range: where ? point(Number(where[2]), Number(where[3])) : section.range ?? FILE_START,
  };
}

function point(line: number, column: number): Range {
  return { start: { line, column }, end: { line, column: column + 1 } };
}

/** A statement PostgreSQL rejected, at its file, line and column. `again`: the up run after its down. */
export function failureFinding(em: ExecMigration, direction: Direction, failure: TrialFailure, statements: readonly Statement[], again = false): Finding {
  const stmt = statements[failure.statementIndex - 1];
  const server = failure.server;
  const m = em.migration;
  const extension = stmt?.kind === 'CreateExtensionStmt' ? String(stmt.node?.extname ?? '') : '';
  const unavailable = extension && !isAvailableExtension(extension) && /extension|control file/i.test(server.message);
  const details: FindingDetail[] = [];
  if (stmt) {
    const lines = stmt.text.trim().split(/\r\n|\r|\n/);
    details.push({
      label: `statement ${failure.statementIndex} of ${failure.statementCount}`,
      lines: lines.length > 8 ? [...lines.slice(0, 8), `... (${lines.length - 8} more lines)`] : lines,
    });
  }
  const serverLines = describeServerError(server).split('\n').slice(1).map((l) => l.trim());
  if (server.where) serverLines.push(`where: ${server.where.split('\n')[0]}`);
  if (serverLines.length) details.push({ label: 'PostgreSQL', lines: serverLines });
  const start = { line: failure.line, column: failure.column };
  const end = stmt && (stmt.range.end.line > start.line || (stmt.range.end.line === start.line && stmt.range.end.column > start.column)) ? stmt.range.end : { line: start.line, column: start.column + 1 };
  const what = again ? `${direction} of ${migrationLabel(m)} fails when applied again after its down` : `${direction} of ${migrationLabel(m)} fails on PostgreSQL`;
  return {
    ruleId: unavailable ? 'validate/trial-extension-unavailable' : again ? 'validate/trial-reapply-failed' : `validate/trial-${direction}-failed`,
    severity: 'error',
    message: unavailable
      ? `${what}: extension "${extension}" is not available in the embedded PostgreSQL (PGlite)`
      : `${what}: ${server.message}${server.code ? ` (SQLSTATE ${server.code})` : ''}`,
    file: failure.file,
    range: { start, end },
    details,
    hint: unavailable
      ? `PGlite bundles ${PGLITE_EXTENSIONS.length} contrib extensions (pgcrypto, uuid-ossp, citext, hstore, pg_trgm, ...); run the trial on a scratch server that has "${extension}" with --trial-db postgres://..., or skip it with --no-trial`
      : server.hint,
  };
}

/** The up run again after its down left another schema than the first up (only where the trial cannot roll back). */
export function reapplyDiffersFinding(em: ExecMigration, d: SchemaDifference, first: Snapshot, again: Snapshot): Finding {
  return {
    ruleId: 'validate/trial-reapply-differs',
    severity: 'error',
    message: `up of ${migrationLabel(em.migration)} applied again after its down gives another schema than the first time: ${describeDifference(d)
      .replace(/^leaves (.*) behind$/, 'has $1 as well')
      .replace(/^does not restore /, 'lacks ')}`,
    file: em.migration.up.file ?? em.file,
    range: FILE_START,
    details: differenceDetails(d, first, again).map((x, n) => ({ ...x, label: n === 0 ? 'after the first up' : 'after down and up again' })),
  };
}

/** ALTER TABLE ... ADD COLUMN ... NOT NULL without a default: no row can have a value for it. */
function addsRequiredColumn(stmt: Statement | undefined): boolean {
  if (stmt?.kind !== 'AlterTableStmt') return false;
  return (stmt.node?.cmds ?? []).some((c: { AlterTableCmd?: { subtype?: string; def?: { ColumnDef?: { constraints?: { Constraint?: { contype?: string } }[] } } } }) => {
    const cmd = c.AlterTableCmd;
    if (cmd?.subtype !== 'AT_AddColumn') return false;
    const kinds = (cmd.def?.ColumnDef?.constraints ?? []).map((k) => k.Constraint?.contype);
    return kinds.includes('CONSTR_NOTNULL') && !kinds.includes('CONSTR_DEFAULT') && !kinds.includes('CONSTR_IDENTITY') && !kinds.includes('CONSTR_GENERATED');
  });
}

/**
 * An up (or a down) that fails on tables holding rows and runs on the same tables empty.
 * ADD COLUMN ... NOT NULL without a default fails on every table with rows, so on
 * production (an error); other failures (SET NOT NULL, a cast, a new constraint) depend on
 * the values, which the trial made up (a warning).
 */
export function failsOnRowsFinding(em: ExecMigration, direction: Direction, failure: TrialFailure, statements: readonly Statement[], tables: readonly string[]): Finding {
  const base = failureFinding(em, direction, failure, statements);
  const certain = failure.server.code === '23502' && addsRequiredColumn(statements[failure.statementIndex - 1]);
  const names = tables.map((t) => t.replace(/^public\./, ''));
  const which = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more tables` : names.join(', ');
  return {
    ...base,
    ruleId: `validate/trial-${direction}-fails-on-rows`,
    severity: certain ? 'error' : 'warn',
    // Certain: any row at all makes it fail. Otherwise it failed on the values the trial
    // made up, which production's rows may or may not share.
    message: `${direction} of ${migrationLabel(em.migration)} fails ${certain ? `when ${which} ${tables.length === 1 ? 'holds' : 'hold'} rows` : `on the rows the trial made up in ${which}`} (it runs on ${tables.length === 1 ? 'it' : 'them'} empty): ${failure.server.message}${failure.server.code ? ` (SQLSTATE ${failure.server.code})` : ''}`,
    hint: certain
      ? 'production tables hold rows: add the column nullable or with a DEFAULT, fill it, then SET NOT NULL'
      : 'the rows were made up by the trial (--no-trial-data switches them off); check the up against rows like production\'s',
  };
}
