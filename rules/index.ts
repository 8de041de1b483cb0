/**
 * The one registry of built-in rules, in the order they are documented. A rule file
 * under rules/ that is not listed here never runs: the guard test
 * (test/rules/registry.test.ts) fails naming it.
 */
import type { Rule } from './kit/index.js';
import noDropCascade from './no-drop-cascade.js';
import noTruncateCascade from './no-truncate-cascade.js';
import noDeleteWithoutWhere from './no-delete-without-where.js';
import noUpdateWithoutWhere from './no-update-without-where.js';
import requireConcurrentIndex from './require-concurrent-index.js';
import requireConcurrentIndexDrop from './require-concurrent-index-drop.js';
import noNotNullWithoutDefault from './no-not-null-without-default.js';
import requireDowngrade from './require-downgrade.js';
import parseError from './parse-error.js';
import unusedDisable from './unused-disable.js';
import unknownRule from './unknown-rule.js';
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
import noTableStorageRewrite from './no-table-storage-rewrite.js';
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
import requireRerunnableConcurrentIndex from './require-rerunnable-concurrent-index.js';
import noLongIdentifier from './no-long-identifier.js';
import noRewritingColumnTypeChange from './no-rewriting-column-type-change.js';
import noRenameTable from './no-rename-table.js';
import noRenameColumn from './no-rename-column.js';
import noDropColumn from './no-drop-column.js';
import noDropTable from './no-drop-table.js';
import noDropDatabase from './no-drop-database.js';
import noDropSchema from './no-drop-schema.js';
import noDropNotNull from './no-drop-not-null.js';
import preferJsonb from './prefer-jsonb.js';
import preferTextOverChar from './prefer-text-over-char.js';
import preferTextOverVarchar from './prefer-text-over-varchar.js';
import preferBigintPrimaryKey from './prefer-bigint-primary-key.js';
import preferIdentityOverSerial from './prefer-identity-over-serial.js';
import preferTimestamptz from './prefer-timestamptz.js';

export const builtinRules: readonly Rule[] = [
  // the hazards the project started with
  noDropCascade,
  noTruncateCascade,
  noDeleteWithoutWhere,
  noUpdateWithoutWhere,
  requireConcurrentIndex,
  requireConcurrentIndexDrop,
  noNotNullWithoutDefault,
  requireDowngrade,
  parseError,
  unusedDisable,
  unknownRule,
  // constraints, locks and rewrites, transactions, names
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
  noTableStorageRewrite,
  requireLockTimeout,
  noExclusiveLockOnMultipleTables,
  // transactions
  noConcurrentlyInTransaction,
  noEnumAddValueInTransaction,
  unclosedTransaction,
  nestedTransaction,
  noTransactionControlInWrappedMigration,
  requireRerunnableDdl,
  requireRerunnableConcurrentIndex,
  // names
  noLongIdentifier,
  // column types, renames and drops, style
  noRewritingColumnTypeChange,
  noRenameTable,
  noRenameColumn,
  noDropColumn,
  noDropTable,
  noDropDatabase,
  noDropSchema,
  noDropNotNull,
  preferJsonb,
  preferTextOverChar,
  preferTextOverVarchar,
  preferBigintPrimaryKey,
  preferIdentityOverSerial,
  preferTimestamptz,
];
