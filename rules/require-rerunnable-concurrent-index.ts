import { defineRule, nameParts, type Statement } from './kit/index.js';

/** Index names a `DROP INDEX ... IF EXISTS` removes (bare names: the parser folds unquoted ones). */
function guardedNames(s: Statement): string[] {
  if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_INDEX' || !s.node.missing_ok) return [];
  return (s.node.objects ?? []).map((o: any) => nameParts(o.List?.items).pop()).filter((n: string | undefined): n is string => !!n);
}

/** How a migration of each code format runs one more SQL statement, for the advice. */
const RAW_SQL: Record<string, (sql: string) => string> = {
  django: (sql) => `migrations.RunSQL("${sql}", migrations.RunSQL.noop)`,
  alembic: (sql) => `op.execute("${sql}")`,
  knex: (sql) => `await knex.raw('${sql}')`,
  sequelize: (sql) => `await queryInterface.sequelize.query('${sql}')`,
  typeorm: (sql) => `await queryRunner.query('${sql}')`,
  'node-pg-migrate': (sql) => `pgm.sql('${sql}')`,
  kysely: (sql) => `await sql\`${sql}\`.execute(db)`,
  'mikro-orm': (sql) => `this.addSql('${sql}')`,
  'db-migrate': (sql) => `await db.runSql('${sql}')`,
};

/** `DROP INDEX CONCURRENTLY IF EXISTS name;`, as the migration's format writes it. */
function guardAdvice(format: string, name: string): string {
  const sql = `DROP INDEX CONCURRENTLY IF EXISTS ${name}`;
  const raw = RAW_SQL[format];
  return raw ? `run ${sql} before it (${raw(sql)})` : `put ${sql}; before it`;
}

export default defineRule({
  id: 'require-rerunnable-concurrent-index',
  severity: 'warn',
  summary: 'A failed CREATE INDEX CONCURRENTLY leaves an INVALID index: without a DROP INDEX IF EXISTS before it, the migration cannot be run again',
  docs: {
    why:
      'CREATE INDEX CONCURRENTLY commits the new index to the catalog before it builds it. When the build fails (a ' +
      'duplicate for a UNIQUE index, a deadlock, a cancelled statement or a statement_timeout), the index stays, ' +
      'marked INVALID: never used by queries, yet still kept up to date by every write. The migration is not ' +
      'recorded as applied, so it runs again, and fails at once with "relation ... already exists". Adding IF NOT ' +
      'EXISTS does not help: the second run skips the build and records the migration, leaving the INVALID index ' +
      'for good. This is about migrations that run outside a transaction (inside one, CONCURRENTLY fails anyway).',
    safe:
      'Drop a left-over index before building it: DROP INDEX CONCURRENTLY IF EXISTS name; then CREATE INDEX ' +
      'CONCURRENTLY name ... in the same migration. On a first run the DROP does nothing. Indexes on tables created ' +
      'earlier in the same migration are not reported, nor plain SQL folders, which migratelint apply runs itself and ' +
      'where it drops an INVALID index before resuming. Nor are tools that send a file to the server as one query ' +
      '(golang-migrate without x-multi-statement, dbmate, diesel, Prisma): there the CREATE must be alone in its file, ' +
      'a guard in an earlier migration does not run again, and after a failed run the INVALID index has to be ' +
      'dropped by hand before the migration is retried.',
    file: '00012_orders_customer_idx.sql',
    bad: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);',
    good:
      '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;\n' +
      'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
  },
  check({ statements, report, inTransactionAt, embeddedIn, createdBefore, migration, sentAsOneQuery }) {
    // Plain SQL folders have no tool of their own: migratelint's executor runs them and
    // clears INVALID indexes on resume. Other tools simply run the file again.
    if (migration.format === 'sql') return;
    // A tool that sends the file as one query (golang-migrate, dbmate, diesel, Prisma) cannot
    // run the guard next to the CREATE: the two would share a transaction, where neither runs.
    // A guard in an earlier migration does not run again either, so nothing in the files can
    // help; the operator drops the INVALID index by hand after a failure.
    if (sentAsOneQuery) return;
    const dropped = new Set<string>();
    for (const s of statements) {
      for (const name of guardedNames(s)) dropped.add(name);
      if (s.kind !== 'IndexStmt' || !s.node.concurrent || embeddedIn(s)) continue;
      // Inside a transaction it fails outright (no-concurrently-in-transaction); unknown: stay quiet.
      if (inTransactionAt(s) !== false) continue;
      const name = s.node.idxname;
      if (createdBefore(s).table(s.node.relation?.relname) || (name && dropped.has(name))) continue;
      const table = s.node.relation?.relname ?? '?';
      if (!name) {
        report(
          s,
          `CREATE INDEX CONCURRENTLY on ${table} has no name: if it fails, the INVALID index it leaves stays, and a re-run builds a second one next to it; name the index and put DROP INDEX CONCURRENTLY IF EXISTS <name>; before it`,
        );
        continue;
      }
      const rerun = s.node.if_not_exists
        ? 'a re-run skips the build (IF NOT EXISTS) and keeps it: unused by queries, still updated by every write'
        : `running the migration again fails with "relation \"${name}\" already exists"`;
      report(s, `if CREATE INDEX CONCURRENTLY ${name} fails, it leaves an INVALID index ${name}, and ${rerun}; ${guardAdvice(migration.format, name)}`);
    }
  },
});
