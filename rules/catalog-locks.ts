import type { Rule } from './kit/rule.js';
import requireNotValidForeignKey from './require-not-valid-foreign-key.js';
import requireNotValidCheck from './require-not-valid-check.js';
import noValidateInSameTransaction from './no-validate-in-same-transaction.js';
import noSetNotNullWithoutCheck from './no-set-not-null-without-check.js';
import requireConstraintUsingIndex from './require-constraint-using-index.js';
import noAddExclusionConstraint from './no-add-exclusion-constraint.js';
import noConcurrentlyInTransaction from './no-concurrently-in-transaction.js';
import requireConcurrentReindex from './require-concurrent-reindex.js';
import requireConcurrentDetachPartition from './require-concurrent-detach-partition.js';
import requireConcurrentRefresh from './require-concurrent-refresh.js';
import noVacuumFull from './no-vacuum-full.js';
import noCluster from './no-cluster.js';
import noEnumAddValueInTransaction from './no-enum-add-value-in-transaction.js';
import requireNotValidDomainConstraint from './require-not-valid-domain-constraint.js';
import noDomainCheckConstraint from './no-domain-check-constraint.js';
import noAddColumnRewrite from './no-add-column-rewrite.js';
import requireLockTimeout from './require-lock-timeout.js';
import unclosedTransaction from './unclosed-transaction.js';
import nestedTransaction from './nested-transaction.js';
import noTransactionControlInWrappedMigration from './no-transaction-control-in-wrapped-migration.js';
import noExclusiveLockOnMultipleTables from './no-exclusive-lock-on-multiple-tables.js';
import requireRerunnableDdl from './require-rerunnable-ddl.js';
import noLongIdentifier from './no-long-identifier.js';

/** Rules about locks, constraints and transactions (the rule catalog, part one). */
export const lockRules: readonly Rule[] = [
  // constraints
  requireNotValidForeignKey,
  requireNotValidCheck,
  noValidateInSameTransaction,
  noSetNotNullWithoutCheck,
  requireConstraintUsingIndex,
  noAddExclusionConstraint,
  requireNotValidDomainConstraint,
  noDomainCheckConstraint,
  // locks and rewrites
  noAddColumnRewrite,
  requireConcurrentReindex,
  requireConcurrentDetachPartition,
  requireConcurrentRefresh,
  noVacuumFull,
  noCluster,
  requireLockTimeout,
  noExclusiveLockOnMultipleTables,
  // transactions
  noConcurrentlyInTransaction,
  noEnumAddValueInTransaction,
  unclosedTransaction,
  nestedTransaction,
  noTransactionControlInWrappedMigration,
  requireRerunnableDdl,
  // names
  noLongIdentifier,
];
