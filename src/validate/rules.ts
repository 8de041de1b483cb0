import { HOMEPAGE } from '../meta.js';
import { reportingDescriptor, type ReportingDescriptor } from '../report/sarif.js';
import type { CheckId } from './types.js';

/** The finding ids `migratelint validate` reports itself (lint findings keep their rule's id). */
export interface ValidateRule {
  id: string;
  check: CheckId;
  summary: string;
  help: string;
}

export const VALIDATE_RULES: readonly ValidateRule[] = [
  {
    id: 'validate/lint-unreadable',
    check: 'lint',
    summary: 'A migration file could not be read',
    help: 'The file exists but could not be read (permissions, a broken symlink, an encoding problem). Nothing about it was checked.',
  },
  {
    id: 'validate/lock-over-budget',
    check: 'lint',
    summary: 'A statement is estimated to block writes for longer than risk.maxLock',
    help:
      'With a table-statistics snapshot (`stats` in the config, or --stats), each statement whose lock blocks writes is estimated from the size ' +
      'of its table (README, "Lock risk from table statistics"); one whose estimate (its high end) exceeds risk.maxLock (default 5s) is listed ' +
      'as a warning. Run it where a long lock is acceptable, or use the non-blocking form the lint finding names.',
  },
  {
    id: 'validate/stats-stale',
    check: 'lint',
    summary: 'The table-statistics snapshot is much older than the target database\'s statistics',
    help:
      'With --db and a stats snapshot, the snapshot\'s date is compared with the latest ANALYZE of the database\'s tables; more than 7 days ' +
      'older, table sizes (and the lock estimates made with them) may be out of date. Take it again: migratelint stats --db URL.',
  },
  {
    id: 'validate/sequence-duplicate-version',
    check: 'sequence',
    summary: 'Two migrations in one folder share a version (or two Alembic files a revision id)',
    help: 'Tools that key their history by version (golang-migrate, goose, Flyway, dbmate, diesel, migratelint apply) can only ever apply one of them, and which one is decided by chance. Usually two branches each added "the next" migration. Give one of them a new version, newer than the newest migration.',
  },
  {
    id: 'validate/sequence-missing-version',
    check: 'sequence',
    summary: 'A migration has no version (or revision id) the format can read',
    help: 'Versioned formats order migrations by the version prefix of the file name; without one the migration is skipped or sorted arbitrarily.',
  },
  {
    id: 'validate/sequence-bad-version',
    check: 'sequence',
    summary: 'A version is not a whole number where the format needs one',
    help: 'golang-migrate, goose and dbmate parse the version as an integer; "1.2" or "1a" is not one.',
  },
  {
    id: 'validate/sequence-order-ambiguous',
    check: 'sequence',
    summary: 'Versions sort differently as text and as numbers',
    help: 'dbmate, diesel and Prisma order migrations by sorting names as text, so "10" runs before "9". Pad versions to one width or use timestamps.',
  },
  {
    id: 'validate/sequence-out-of-order',
    check: 'sequence',
    summary: 'A pending migration is older than one the target has already applied (non-linear history)',
    help: 'A branch with an older version was merged after a newer migration was deployed. golang-migrate never applies it, goose and Flyway refuse, dbmate and diesel apply it after migrations written later, Alembic and Django refuse. Give it a version newer than the newest applied one, after checking it does not depend on the order.',
  },
  {
    id: 'validate/sequence-multiple-heads',
    check: 'sequence',
    summary: 'The revision graph has more than one head (Alembic) or leaf (Django app)',
    help: 'Two revisions were written on different branches from the same parent. "alembic upgrade head" and "manage.py migrate" refuse until they are merged: alembic merge <heads> or manage.py makemigrations --merge <app>.',
  },
  {
    id: 'validate/sequence-unknown-parent',
    check: 'sequence',
    summary: 'A down_revision, depends_on or dependency names a migration that does not exist',
    help: 'The parent was renamed, deleted or squashed without "replaces"; the tool cannot build its graph and refuses to run.',
  },
  {
    id: 'validate/sequence-cycle',
    check: 'sequence',
    summary: 'Migrations depend on each other in a cycle',
    help: 'One of the parents points at a later revision; no order can satisfy the graph.',
  },
  {
    id: 'validate/reversibility-missing-down',
    check: 'reversibility',
    summary: 'A migration whose format has down migrations has none',
    help: 'When a deploy goes wrong, the down migration is how the schema goes back. Write it now, not during the incident.',
  },
  {
    id: 'validate/reversibility-empty-down',
    check: 'reversibility',
    summary: 'A down migration is empty while its up changes the schema',
    help: 'Rolling back would record the migration as undone while leaving its changes in place.',
  },
  {
    id: 'validate/reversibility-irreversible',
    check: 'reversibility',
    summary: 'A down migration is declared irreversible',
    help: 'The migration raises on downgrade (IrreversibleMigration, RunPython without reverse_code, ...). If that is deliberate, say why with "migratelint-disable require-downgrade -- <reason>"; the check then reports a warning.',
  },
  {
    id: 'validate/reversibility-orphan-down',
    check: 'reversibility',
    summary: 'A down migration has no up migration',
    help: 'The up file was renamed or deleted; the tool will not see the migration at all.',
  },
  {
    id: 'validate/trial-up-failed',
    check: 'trial',
    summary: 'A migration fails on PostgreSQL',
    help: 'The trial applied the migrations in order on an empty embedded PostgreSQL and this statement failed: a typo, a missing table or column, a type error. It would fail the same way in production.',
  },
  {
    id: 'validate/trial-down-failed',
    check: 'trial',
    summary: 'A down migration fails on PostgreSQL',
    help: 'The down was run right after its own up (each migration is tried on its own: up, down, up again), and failed. The trial goes on from what the up left.',
  },
  {
    id: 'validate/trial-down-leaves-schema',
    check: 'trial',
    summary: 'After a down, the schema differs from the schema before its up',
    help: 'The down leaves something the up created (a column, an index, a type), does not restore something, or restores it differently (type, default, nullability, constraint, index, view definition, function body, trigger, grants). The details show the relevant part of both schemas.',
  },
  {
    id: 'validate/trial-down-column-order',
    check: 'trial',
    summary: 'After a down, a table has its columns in another order than before its up',
    help: 'The down re-adds a column the up dropped, and a re-added column goes last. SELECT *, views built on the table, INSERT without a column list and COPY then see another table than on a database that never ran the down. A warning: the schema is otherwise the same.',
  },
  {
    id: 'validate/trial-reapply-failed',
    check: 'trial',
    summary: 'A migration fails when applied again after its down',
    help: 'Usually the down left something behind that the up creates again (a type, an index name). Rolling back and re-deploying would fail here.',
  },
  {
    id: 'validate/trial-reapply-differs',
    check: 'trial',
    summary: 'Down and up again give a different schema than the first up',
    help: 'Reported for migrations the trial cannot roll back (statements outside a transaction, such as CREATE INDEX CONCURRENTLY): after up, down and up again the schema is not the one the first up left, and the following migrations build on it.',
  },
  {
    id: 'validate/trial-cannot-run',
    check: 'trial',
    summary: 'A migration cannot run as one unit',
    help: 'It commits or rolls back part of itself (COMMIT inside the file), which migratelint apply refuses.',
  },
  {
    id: 'validate/trial-extension-unavailable',
    check: 'trial',
    summary: 'A migration needs an extension the embedded PostgreSQL does not have',
    help: 'PGlite bundles the contrib extensions (pgcrypto, uuid-ossp, citext, hstore, pg_trgm, ...), not postgis or timescaledb. Run the trial on a scratch server with --trial-db postgres://..., or switch it off with --no-trial.',
  },
  {
    id: 'validate/drift-changed',
    check: 'drift',
    summary: 'An applied migration changed on disk since it was applied',
    help: 'Applied migrations never run again, so the change never reaches the database and the schema differs from what the files say. Restore the file and put the change in a new migration.',
  },
  {
    id: 'validate/drift-missing-file',
    check: 'drift',
    summary: 'A migration applied on the target has no file on disk',
    help: 'The tree being deployed is missing a migration the database has (a deleted file, or --db points at the wrong database). It could not be rolled back from this tree.',
  },
  {
    id: 'validate/drift-partial',
    check: 'drift',
    summary: 'A migration is partly applied on the target',
    help: 'A migration with statements outside a transaction stopped half way. Finish it with migratelint apply (it resumes) before deploying more.',
  },
  {
    id: 'validate/drift-last-failed',
    check: 'drift',
    summary: 'The last attempt to apply a pending migration failed',
    help: 'Nothing of it stayed applied (its transaction rolled back), but the deploy will meet the same error unless it was fixed.',
  },
  {
    id: 'validate/drift-no-history',
    check: 'drift',
    summary: 'The target has no migratelint history table',
    help: 'Nothing is recorded as applied, so every migration counts as pending. If another tool deploys this database, its history table is named.',
  },
  {
    id: 'validate/drift-unreachable',
    check: 'drift',
    summary: 'The target database could not be read',
    help: 'Drift and out-of-order migrations were not checked.',
  },
];

/** A validate rule's SARIF reportingDescriptor: its help is the README's validate section. */
export function describeValidateRule(r: ValidateRule): ReportingDescriptor {
  return reportingDescriptor({
    id: r.id,
    summary: r.summary,
    description: r.help,
    help: { text: r.help, markdown: r.help },
    helpUri: `${HOMEPAGE}/blob/main/README.md#validate`,
    severity: 'error',
    tags: ['migrations', 'postgresql', `validate-${r.check}`],
  });
}
