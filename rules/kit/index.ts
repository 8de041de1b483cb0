/**
 * The rule kit: everything a rule needs, and the only module a rule imports. Built-in
 * rules and plugin rules (`import { defineRule } from 'migratelint/rule-kit'`) use the
 * same helpers.
 *
 * - defining a rule: `defineRule`, its context and options;
 * - the AST: typed nodes from `@pgsql/types` (`statements.of('IndexStmt')`), name and
 *   option helpers, ALTER TABLE subcommands, what a section created;
 * - PostgreSQL facts: the lock each statement takes, column types and which type
 *   changes rewrite the table, transaction control, function volatility;
 * - fixes: edits anchored on the real scanner's tokens (CONCURRENTLY, NOT VALID,
 *   IF [NOT] EXISTS, type renames).
 */
export {
  defineRule,
  type CreatedObjects,
  type MigrationContext,
  type ReportOptions,
  type Rule,
  type RuleContext,
  type RuleDocs,
  type RuleOptionsSchema,
  type RuleSeverity,
  type SectionSchema,
} from './rule.js';
export { StatementList } from './statements.js';
export { lockOnTable, lockViaIndex, tableRef } from './lock-info.js';
export type { Fix, FindingLock, FollowUp, LockWork, Migration, NodeKind, NodeOf, Range, Section, Statement, TableRef, TextEdit } from '../../src/ir/types.js';
export type { Node } from '@pgsql/types';

// The AST
export { changesWithoutWhere, cteStatements, findNodes, hasOption, isNullConstant, nameParts, nodeBody, optionEnabled, qualifiedName, quoted, unwrap } from '../../src/pg/ast.js';
export { addedConstraints, tableAlterCommands, type AddedConstraint, type AlterTableCmd, type AlterTargets } from './alter-table.js';

// What the section (and, for a down, its up) created
export { columnHistory, columnLabel, createdInUp, upColumnTypes, type ColumnTypeUse, type KnownColumn } from '../../src/schema/columns.js';

// The schema model (earlier migrations replayed): what `ctx.schema.before(stmt)` answers
export type { ColumnFacts, ConstraintFacts, FunctionFacts, IndexFacts, Origin, RelationFacts, SchemaState } from '../../src/schema/state.js';
export { checkedNotNullColumn } from '../../src/schema/table-events.js';

// PostgreSQL facts
export { blocksReads, blocksWrites, describeLock, lockFor, lockRank, locksFor, type LockLevel, type TableLock } from '../../src/pg/locks.js';
export { SERIAL_TYPES, formatType, isUnboundedText, noRewriteSources, sqlType, typeChangeRewrites, type SqlType } from '../../src/pg/types.js';
export { howToRunOutsideTransaction, sendsFileAsOneQuery, transactionControl, whyInTransaction, type Transaction } from '../../src/pg/transactions.js';
export { plpgsqlBodyError, type BodyError } from '../../src/pg/plpgsql-check.js';
export { functionVolatility, moreVolatile, volatileCall, type FunctionVolatility, type Volatility, type VolatileCall } from '../../src/pg/volatility.js';

// Fixes
export {
  chunkRange,
  codeTokens,
  concurrentFix,
  concurrentlyFix,
  guardFix,
  insertAfterKeyword,
  insertAfterToken,
  notValidFix,
  outsideTransactionPlacement,
  quoteIdentifier,
  renameTypeEdit,
  replaceToken,
  tokenIndexAt,
  typeNameTokens,
  validateDomainConstraint,
  validateTableConstraint,
  type FixContext,
  type SqlToken,
} from './fix.js';
