import { defineRule, lockOnTable, quoted, tableAlterCommands, type AlterTableCmd } from './kit/index.js';

/**
 * The ALTER TABLE forms that copy the whole relation into new files while holding
 * ACCESS EXCLUSIVE on it. One rule for the three: they are the same hazard (the time
 * the lock is held grows with the table's size, and nothing reads or writes meanwhile)
 * with the same way out (do it online, or on a new table), and a team that moves
 * tablespaces on purpose turns them off together.
 */
function rewriteOf(cmd: AlterTableCmd): { form: string; what: string } | undefined {
  switch (cmd.subtype) {
    case 'AT_SetLogged':
      // Also writes every page to WAL, which replicas have to replay.
      return { form: 'SET LOGGED', what: 'rewrites it and its indexes into new files and writes all of it to WAL' };
    case 'AT_SetUnLogged':
      return { form: 'SET UNLOGGED', what: 'rewrites it and its indexes into new files (and from then on its rows are emptied after a crash and never reach replicas)' };
    case 'AT_SetAccessMethod':
      return { form: `SET ACCESS METHOD ${cmd.name ?? 'DEFAULT'}`, what: 'rewrites every row into the new access method' };
    case 'AT_SetTableSpace':
      return { form: `SET TABLESPACE ${cmd.name}`, what: 'copies all its data files into the new tablespace' };
    default:
      return undefined;
  }
}

const KINDS: Record<string, string> = { OBJECT_INDEX: 'index', OBJECT_MATVIEW: 'materialized view' };

export default defineRule({
  id: 'no-table-storage-rewrite',
  severity: 'error',
  summary: 'ALTER TABLE ... SET LOGGED/UNLOGGED, SET ACCESS METHOD or SET TABLESPACE copies the whole table under ACCESS EXCLUSIVE',
  docs: {
    why:
      'Changing how a table is stored copies all of it into new files while an ACCESS EXCLUSIVE lock is held, so ' +
      'every query on it waits until the copy ends: SET LOGGED and SET UNLOGGED rewrite the table and its indexes ' +
      '(SET LOGGED also writes the whole table to WAL, and an UNLOGGED table is emptied after a crash and is not ' +
      'replicated); SET ACCESS METHOD (PostgreSQL 15+) rewrites every row; SET TABLESPACE copies the data files, and ' +
      'ALTER INDEX ... SET TABLESPACE does the same for an index, which blocks the queries on its table as well. ALTER ' +
      'TABLE ALL IN TABLESPACE moves every table there, one lock after another.',
    safe:
      'Keep storage changes out of deploy-time migrations. Move a table online with pg_repack (--tablespace), or ' +
      'build a new table with the wanted storage, copy the rows in batches and swap the names in a short ' +
      'transaction. Move an index by building a copy with CREATE INDEX CONCURRENTLY ... TABLESPACE and dropping the ' +
      'old one concurrently. A partitioned table holds no rows, so changing its tablespace or access method only ' +
      'sets the default for new partitions; tables created earlier in the same migration are empty; neither is reported.',
    bad: 'ALTER TABLE events SET LOGGED;',
    good:
      '-- a copy with the wanted storage, filled in batches, then swapped in\n' +
      'CREATE TABLE events_logged (LIKE events INCLUDING ALL);\n' +
      '-- (batches) INSERT INTO events_logged SELECT * FROM events WHERE id BETWEEN ... AND ...;',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('AlterTableStmt')) {
      const rel = s.node.relation;
      const created = createdBefore(s);
      const kind = KINDS[s.node.objtype ?? ''] ?? 'table';
      if (created.table(rel?.relname) || (kind === 'index' && created.index(rel?.relname))) continue;
      // Indexes and materialized views are copied the same way; views, sequences and foreign tables store nothing to copy.
      const on = kind === 'table' ? 'tables' : 'any';
      if (kind === 'table' && s.node.objtype && s.node.objtype !== 'OBJECT_TABLE') continue;
      for (const cmd of tableAlterCommands(s, on)) {
        const rewrite = rewriteOf(cmd);
        if (!rewrite) continue;
        const subject = kind === 'table' ? quoted(rel) : `${kind} ${quoted(rel)}`;
        const blocked = kind === 'index' ? 'blocks reads and writes of its table' : 'blocks reads and writes';
        report(s, `${rewrite.form} on ${subject} ${rewrite.what} while holding ACCESS EXCLUSIVE: ${blocked} for as long as that takes`, {
          location: rel?.location,
          // An index's table is not known by the index's name here: only a table or materialized view is weighed.
          lock: kind === 'index' ? undefined : lockOnTable(rel, 'ACCESS EXCLUSIVE', 'rewrite'),
        });
      }
    }
    for (const s of statements.of('AlterTableMoveAllStmt')) {
      const what = s.node.objtype === 'OBJECT_INDEX' ? 'index' : s.node.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table';
      report(
        s,
        `ALL IN TABLESPACE ${s.node.orig_tablespacename} SET TABLESPACE ${s.node.new_tablespacename} copies the data files of every ${what} there, each under ACCESS EXCLUSIVE: blocks reads and writes of each while it is copied`,
      );
    }
  },
});
