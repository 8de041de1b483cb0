/**
 * Moving a statement that must run outside any transaction (CREATE INDEX CONCURRENTLY and
 * the like) out of its migration into a new one of its own, placed right after it. The
 * way back moves with it: the statement of the old down that undid it becomes the new
 * migration's down (made CONCURRENTLY too), so rolling back both still ends where it began.
 */
import type { Finding, Migration, Statement, TextEdit } from '../../ir/types.js';
import { nameParts } from '../../pg/ast.js';
import { insertAfterKeyword, quoteIdentifier } from '../../../rules/kit/fix.js';
import { orderMatters, touchedBy, type Touched, type Way } from './order.js';
import { statementSpan } from './statement-span.js';

/** The down of the new migration: a statement of the old down (with edits), SQL of its own, or nothing to undo. */
export type MovedDown = { stmt: Statement; edits: TextEdit[] } | { sql: string } | { nothing: string };

export interface MovePlan {
  finding: Finding;
  stmt: Statement;
  /** Cuts the statement out of its file. */
  cut: TextEdit;
  /** Cuts the statement that undid it out of the old down, when there was one. */
  downCut?: TextEdit;
  /** Words for the new migration's name. */
  name: string;
  down: MovedDown;
}

type Refusal = { refused: string };

const cutOf = (stmt: Statement): TextEdit | undefined => {
  const range = statementSpan(stmt);
  return range && { file: stmt.chunk.file, range, text: '' };
};

/** The index a DROP INDEX names, when it names exactly one. */
function droppedIndex(s: Statement): string[] | undefined {
  if (s.kind !== 'DropStmt' || s.node?.removeType !== 'OBJECT_INDEX') return undefined;
  const objects = s.node.objects ?? [];
  return objects.length === 1 ? nameParts(objects[0].List?.items) : undefined;
}

const last = (parts: readonly string[]) => parts[parts.length - 1];

/** The old down's statements that mention index `name` as a DROP INDEX or CREATE INDEX. */
function downStatementsFor(migration: Migration, name: string, kind: 'drop' | 'create'): Statement[] {
  return migration.down.statements.filter((s) =>
    kind === 'drop'
      ? s.kind === 'DropStmt' && s.node?.removeType === 'OBJECT_INDEX' && (s.node.objects ?? []).some((o: any) => last(nameParts(o.List?.items)) === name)
      : s.kind === 'IndexStmt' && s.node?.idxname === name,
  );
}

/** What undoes a moved CREATE INDEX: the old down's DROP INDEX of it, made CONCURRENTLY IF EXISTS. */
function downForCreate(migration: Migration, stmt: Statement): { down: MovedDown; downCut?: TextEdit } | Refusal {
  const name: string | undefined = stmt.node.idxname;
  if (!name) return { refused: 'the index has no name, so nothing can drop it' };
  const qualified = [stmt.node.relation?.schemaname, name].filter(Boolean).map((p) => quoteIdentifier(p!)).join('.');
  const down: MovedDown = { sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified};` };
  const drops = downStatementsFor(migration, name, 'drop');
  if (drops.length === 0) {
    // With IF NOT EXISTS the index may have been there before the up (a repair migration): dropping it would undo more.
    if (stmt.node.if_not_exists) return { down: { nothing: `CREATE INDEX IF NOT EXISTS may have found ${name} there already, and the old down left it: so does this one` } };
    return { down };
  }
  if (drops.length > 1 || !droppedIndex(drops[0])) return { refused: `the down drops ${name} together with other indexes` };
  const downCut = cutOf(drops[0]);
  return downCut ? { down, downCut } : { refused: `the down's DROP INDEX ${name} cannot be cut out cleanly` };
}

/** What undoes a moved DROP INDEX: the old down's CREATE INDEX of it, made CONCURRENTLY. */
function downForDrop(migration: Migration, stmt: Statement): { down: MovedDown; downCut?: TextEdit } | Refusal {
  const name = last(droppedIndex(stmt) ?? []);
  if (!name) return { refused: 'it drops several indexes' };
  const creates = downStatementsFor(migration, name, 'create');
  if (creates.length === 0) {
    return migration.expectsDown ? { refused: `the down does not recreate ${name}, so the new migration would have no down` } : { down: { nothing: '' } };
  }
  if (creates.length > 1) return { refused: `the down creates ${name} more than once` };
  const create = creates[0];
  const downCut = cutOf(create);
  if (!downCut) return { refused: `the down's CREATE INDEX ${name} cannot be cut out cleanly` };
  const concurrently = create.node?.concurrent ? undefined : insertAfterKeyword(create, 'INDEX', ' CONCURRENTLY', migration.sources.get(create.chunk.file));
  if (!create.node?.concurrent && !concurrently) return { refused: `CONCURRENTLY cannot be placed in the down's CREATE INDEX ${name}` };
  return { down: { stmt: create, edits: concurrently ? [concurrently] : [] }, downCut };
}

/** The new migration's name and down for each kind of statement that moves. */
function undoing(migration: Migration, stmt: Statement): { name: string; down: MovedDown; downCut?: TextEdit } | Refusal {
  switch (stmt.kind) {
    case 'IndexStmt': {
      const r = downForCreate(migration, stmt);
      return 'refused' in r ? r : { name: `create ${stmt.node.idxname} concurrently`, ...r };
    }
    case 'DropStmt': {
      const r = downForDrop(migration, stmt);
      return 'refused' in r ? r : { name: `drop ${last(droppedIndex(stmt)!)} concurrently`, ...r };
    }
    case 'ReindexStmt':
      return { name: `reindex ${stmt.node.relation?.relname ?? stmt.node.name ?? ''} concurrently`, down: { nothing: 'REINDEX changes no schema: nothing to undo' } };
    default:
      return migration.expectsDown
        ? { refused: 'its down cannot be written for it' }
        : { name: `${stmt.kind.replace(/Stmt$/, '').toLowerCase()} concurrently`, down: { nothing: '' } };
  }
}

/** The first statement of `list` whose order with a statement touching `t` matters, with its line. */
function firstDependent(list: readonly Statement[], t: Touched, way: Way): Statement | undefined {
  return list.find((s) => orderMatters(t, s, way));
}

/**
 * Plans moving `stmt` (the finding's, in the up section) to a migration of its own, or says
 * why not. It then runs after the rest of its up section, and what undid it runs before the
 * rest of the down: refused when a statement it passes depends on the order.
 */
export function planMove(migration: Migration, stmt: Statement, finding: Finding): MovePlan | Refusal {
  const cut = cutOf(stmt);
  if (!cut) return { refused: 'the statement cannot be cut out of its file cleanly' };
  const up = migration.up.statements;
  const touched = touchedBy(stmt, finding.fix?.table);
  const later = firstDependent(up.slice(up.indexOf(stmt) + 1), touched, 'later');
  if (later) {
    const on = touched.table === undefined && touched.index !== undefined ? ` (the table of ${touched.index} is not known)` : '';
    return { refused: `the statement on line ${later.range.start.line} must still run after it${on}, so it cannot move to a later migration` };
  }
  const undo = undoing(migration, stmt);
  if ('refused' in undo) return undo;
  if ('stmt' in undo.down) {
    const back = undo.down.stmt;
    const down = migration.down.statements;
    const earlier = firstDependent(down.slice(0, down.indexOf(back)), touchedBy(back, touched.table), 'earlier');
    if (earlier) return { refused: `the down's statement on line ${earlier.range.start.line} must still run before the one undoing it, so the two cannot be split` };
  }
  return { finding, stmt, cut, downCut: undo.downCut, name: undo.name, down: undo.down };
}
