import type { Fix, FindingLock, Migration, Range, Section, Statement, TableRef } from '../../src/ir/types.js';
import type { StatementList } from './statements.js';
import type { SectionTransactions, Transaction } from '../../src/pg/transactions.js';
import type { CreatedObjects } from '../../src/schema/created-objects.js';
import type { SectionSchema } from '../../src/schema/replay.js';

export type { CreatedObjects, SectionSchema };

export type RuleSeverity = 'error' | 'warn';

/** A JSON Schema object describing an options object. */
export type RuleOptionsSchema = { type: 'object'; properties: Record<string, unknown>; additionalProperties?: boolean } & Record<string, unknown>;

export interface RuleDocs {
  /** Why the pattern is dangerous: the lock it takes, how it fails. */
  why: string;
  /** What to do instead. */
  safe: string;
  bad: string;
  good: string;
  /**
   * The migration file the examples are, when its name matters (it decides the format,
   * and so whether a transaction wraps the statements): `V2__add_note.sql`. The guard
   * test lints the examples under this name; `migration.sql` when absent.
   */
  file?: string;
}

export interface ReportOptions {
  /** A parser `location` (byte offset in the statement's SQL) to point at instead of the whole statement. */
  location?: number;
  fix?: Fix;
  /**
   * Lock rules: the table the statement locks, the level and the work done under it
   * (`lockOnTable`). With a table-statistics snapshot the finding then says how big the
   * table is and how long the lock is held, and its severity follows the size.
   */
  lock?: FindingLock;
  /** Correctness rules whose hazard needs rows: the table that, when empty, makes it harmless. */
  harmlessWhenEmpty?: TableRef;
}

export interface RuleContext {
  readonly migration: Migration;
  readonly sectionName: 'up' | 'down';
  readonly section: Section;
  /**
   * The section's statements, plus the statements found inside DO blocks (each right
   * after its DO statement; `embeddedIn` tells them apart).
   */
  readonly statements: StatementList;
  /** Major version of the production PostgreSQL server. */
  readonly pgVersion: number;
  /** Whether the framework runs the section inside a transaction; undefined when unknown. */
  readonly inTransaction: boolean | undefined;
  /**
   * Whether the tool, as the project runs it, hands the server this section as one query
   * string (golang-migrate, dbmate, diesel, Prisma): its statements then share one implicit
   * transaction, so a statement that must run alone needs a migration of its own.
   */
  readonly sentAsOneQuery: boolean;
  readonly options: Record<string, unknown>;
  /**
   * Objects `stmt` may treat as new: created before it in the same migration, or (with
   * `--changed-since`) by an earlier migration of the change set. Function volatility
   * also comes from earlier migrations.
   */
  createdBefore(stmt: Statement): CreatedObjects;
  /**
   * The schema model: earlier migrations (in the plan's order) and this section's
   * statements, replayed. `schema.before(stmt)` is what was known just before `stmt`:
   * column types, nullability, defaults, constraints and whether they are validated,
   * indexes, views, function volatility. Unknown is undefined.
   */
  readonly schema: SectionSchema;
  /**
   * Whether `stmt` runs inside a transaction block: the framework's, one the file opens
   * with BEGIN, or (for a statement inside a DO block) the DO's. Undefined when unknown.
   */
  inTransactionAt(stmt: Statement): boolean | undefined;
  /** The transaction `stmt` runs in (its `statements` share it), when known. */
  transactionOf(stmt: Statement): Transaction | undefined;
  /** Whether two statements run in the same transaction; undefined when unknown. */
  sameTransaction(a: Statement, b: Statement): boolean | undefined;
  /** The section's transactions and its transaction-control problems. */
  readonly transactions: SectionTransactions;
  /** For a statement found inside a DO block: the DO statement. */
  embeddedIn(stmt: Statement): Statement | undefined;
  report(stmt: Statement, message: string, options?: ReportOptions): void;
  reportAt(file: string, range: Range, message: string, fix?: Fix): void;
}

export interface Rule {
  /** Stable kebab-case id: the public interface. */
  id: string;
  /** Default severity: the one the `migratelint:recommended` preset uses unless `presets` says otherwise. */
  severity: RuleSeverity;
  /** Per-preset severities, for rules (style rules) that are off in `recommended` and on in `strict`. */
  presets?: { recommended?: RuleSeverity | 'off'; strict?: RuleSeverity | 'off' };
  summary: string;
  docs: RuleDocs;
  /** Whether the rule offers fixes (`lint --fix`); the rule tester then checks every fixed output. */
  fixable?: boolean;
  /**
   * JSON Schema (draft-07) of the rule's options object (`"rule": ["warn", { ... }]`),
   * checked when the config is loaded. A rule without one takes no options.
   */
  optionsSchema?: RuleOptionsSchema;
  /** Runs once per present section (up, then down). */
  check?(ctx: RuleContext): void;
  /** Runs once per migration, for checks about the migration as a whole. */
  checkMigration?(ctx: MigrationContext): void;
}

/** What `checkMigration` gets: the context without the per-section parts. */
export type MigrationContext = Omit<
  RuleContext,
  'statements' | 'createdBefore' | 'schema' | 'report' | 'inTransactionAt' | 'transactionOf' | 'sameTransaction' | 'transactions' | 'embeddedIn'
> & { sectionName: 'up' };

export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}
