/**
 * The intermediate representation every frontend lowers to and every rule reads.
 * Positions are 1-based; columns count UTF-16 code units (what editors and SARIF's
 * default `utf16CodeUnits` column kind use); `end` is exclusive.
 */
import type { Node } from '@pgsql/types';

/** Every PostgreSQL parse-tree node type name: `IndexStmt`, `AlterTableCmd`, `RangeVar`, ... */
export type NodeKind = Node extends infer N ? (N extends N ? keyof N : never) : never;

/** The body of a node of type `K` (what sits under the `{ K: ... }` wrapper), from `@pgsql/types`. */
export type NodeOf<K extends NodeKind> = Node extends infer N ? (N extends Record<K, infer B> ? B : never) : never;

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

import type { MigrationFormat } from '../formats/index.js';
export type { MigrationFormat };

/** Where a statement's SQL came from. */
export type StatementOrigin = 'sql' | 'raw-string' | 'builder';

/**
 * A piece of SQL text as handed to the parser, plus the way back to the original file.
 * For a `.sql` file it is the file (or one section of it); for code it is a string
 * literal or the SQL printed for a builder call.
 */
export interface SqlChunk {
  readonly sql: string;
  readonly file: string;
  readonly origin: StatementOrigin;
  /** Maps a UTF-16 offset in `sql` to a position in the original file. */
  position(offset: number): Position;
  /**
   * `framework`: SQL the framework computes by itself, which the author neither wrote nor
   * can change (the reverse of a Django schema operation, run by Django's schema editor on
   * the way down). It is lowered so the executor and validate's trial see what really runs,
   * but rules do not judge it: a finding there would be one nobody can act on. Marked per
   * chunk, not per section, because one Django down mixes it with reverse_sql the author
   * wrote, which is linted as usual.
   */
  readonly derived?: 'framework';
  /**
   * The CASCADE that this chunk's DROP statements end with is the framework's, added every
   * time (Django's schema editor drops tables and columns WITH CASCADE): it is lowered so
   * the trial runs what really runs, but a rule that judges CASCADE leaves it alone, since
   * the author can neither take it out nor know from it that something depends on the
   * object. Where something is known to depend on it, the lowering does not mark it.
   */
  readonly frameworkCascade?: true;
  /**
   * Spans of `sql` (UTF-16 offsets) standing for values the code fills in when it runs: a
   * `${value}` inside a quoted string of a template literal. The text there is a
   * placeholder, so the SQL parses and rules read it, but it cannot be run as it stands.
   */
  readonly runTimeValues?: readonly { start: number; end: number }[];
}

export interface ParseFailure {
  message: string;
  /** UTF-16 offset in the chunk where the parser stopped. */
  offset: number;
}

/**
 * One statement of a section. `Statement<'IndexStmt'>` (what `statements.of('IndexStmt')`
 * gives rules) has a typed `node`; a statement of unknown kind has an untyped one.
 */
export interface Statement<K extends string = string> {
  /** The AST node's type name (`IndexStmt`, `DeleteStmt`, ...) or `Invalid` when it did not parse. */
  readonly kind: K;
  /** The node itself, e.g. the body of `{ IndexStmt: {...} }`. Undefined when it did not parse. */
  readonly node: K extends NodeKind ? NodeOf<K> : any;
  /** The SQL text of this statement alone. */
  readonly text: string;
  readonly chunk: SqlChunk;
  /** UTF-16 offsets of the statement inside `chunk.sql`. */
  readonly start: number;
  readonly end: number;
  readonly range: Range;
  readonly error?: ParseFailure;
  /** Converts a parser `location` (UTF-8 byte offset into `text`) to a range in the file. */
  locate(byteLocation: number | undefined): Range;
}

export type SectionState = 'present' | 'missing' | 'empty' | 'irreversible';

export interface Section {
  state: SectionState;
  statements: Statement[];
  /** The file holding this section (for pairs, the up or the down file). */
  file?: string;
  /** Where the section starts, for findings about the section as a whole. */
  range?: Range;
  /** Whether the section runs inside a transaction; undefined when the format does not say. */
  transaction?: boolean;
  /** Why the section is irreversible or missing, in words, for messages. */
  reason?: string;
}

export interface Comment {
  file: string;
  text: string;
  range: Range;
  /** UTF-16 offset just past the comment inside its file. */
  endOffset: number;
  /**
   * A directive the migration's code implies rather than a comment (strong_migrations'
   * `safety_assured { ... }` block): it covers `range` itself, and is never reported as
   * unused, since nobody wrote it for migratelint.
   */
  implied?: boolean;
}

export interface FileProblem {
  file: string;
  message: string;
  range?: Range;
}

export interface Migration {
  /** The main file (the up file for pairs). */
  path: string;
  /** Every file this migration was read from. */
  files: string[];
  format: MigrationFormat;
  version?: string;
  name?: string;
  up: Section;
  down: Section;
  /** Whether the format expects a down migration at all (golang-migrate, diesel, dbmate, ...). */
  expectsDown: boolean;
  comments: Comment[];
  problems: FileProblem[];
  /** File contents by path, for code frames. */
  sources: Map<string, string>;
  /**
   * Ordering information for sequence checks: the migration's own id and the ids it
   * follows (Alembic `revision`/`down_revision`, Django `dependencies`).
   */
  graph?: { id: string; parents: string[]; labels?: string[]; dependsOn?: string[]; replaces?: string[]; runBefore?: string[]; initial?: boolean };
  /**
   * Other files the lowering read (Django replays earlier migrations to know a field's
   * previous definition): a cached result is valid only while they are unchanged.
   */
  inputs?: string[];
  /** For code migrations: builder calls analysed, and the ones that could not be. */
  coverage?: Coverage;
}

/** What a code frontend could read of a migration: SQL it analysed, and what it could not, with why. */
export interface Coverage {
  analysed: number;
  unanalysed: UnanalysedCall[];
}

export interface UnanalysedCall {
  file: string;
  range: Range;
  reason: string;
  /**
   * The half whose SQL the call was to give, when its place cannot tell: Django lowers
   * both halves from the same operations (the down is their reverse).
   */
  part?: Direction;
  /**
   * The call's source text, shortened to one line; filled in before the migration's
   * sources are dropped (see `describeCalls`), so reports can name it without the file.
   */
  call?: string;
}

/** Which half of a migration a finding is in: what deploying runs, or what rolling back runs. */
export type Direction = 'up' | 'down';

export type Severity = 'error' | 'warn' | 'off';

export interface TextEdit {
  file: string;
  range: Range;
  text: string;
}

export interface Fix {
  description: string;
  edits: TextEdit[];
  /**
   * Absent: the edits are the whole fix, applied where they stand. `own-migration`: the
   * edited statement cannot run where it stands (the tool's transaction, or the one
   * PostgreSQL runs a multi-statement query in, holds it): `--fix` moves it, edited, to a
   * new migration of its own when the format allows, and otherwise leaves it and says how.
   */
  placement?: 'own-migration';
  /**
   * With `own-migration`: the table the statement acts on, when the rule knows it (for a
   * DROP INDEX or REINDEX INDEX, the index's table from the schema model), so that `--fix`
   * keeps the statement where it stands when a later statement of its migration changes
   * that table (moved past a DROP COLUMN, it would fail).
   */
  table?: string;
  /** A statement that has to run after this migration, in a transaction of its own, for the fix to be complete. */
  followUp?: FollowUp;
}

/**
 * The second step a fix needs (`ALTER TABLE t VALIDATE CONSTRAINT c` after `ADD ... NOT VALID`):
 * `--fix` applies the fix only together with a following migration holding `sql`.
 */
export interface FollowUp {
  /** Words for file names and messages: `validate orders_total_check`. */
  what: string;
  /** The statement, or undefined when it cannot be written (an unnamed constraint): the fix is then left to the user. */
  sql?: string;
}

/** Context shown under a finding: both sides of a comparison, PostgreSQL's detail and hint. */
export interface FindingDetail {
  label: string;
  lines: string[];
}

/**
 * What rules and validate's checks report, and every reporter prints. A finding about
 * no file (validate's findings about the target database) has `file: ''` (see
 * `hasFile` in src/report/finding.ts); one about a file as a whole points at 1:1.
 */
export interface Finding {
  ruleId: string;
  severity: Exclude<Severity, 'off'>;
  message: string;
  file: string;
  range: Range;
  fix?: Fix;
  /** Validate's checks: both sides of a comparison, the server's detail. */
  details?: readonly FindingDetail[];
  /** What to do about it, in one line. */
  hint?: string;
  /**
   * The section the finding is in. Every lint finding has one (the engine sets it);
   * validate's findings about a run or the database have none.
   */
  direction?: Direction;
  /**
   * What the finding's statement locks and the work it does under the lock, set by lock
   * rules: with a table-statistics snapshot, `src/engine/risk.ts` turns it into `risk`.
   * Reporters do not print it.
   */
  lock?: FindingLock;
  /**
   * A correctness finding that cannot happen on an empty table (NOT NULL without a
   * default): with a snapshot saying the table has no rows, the message says so. The
   * severity stays: the table may have rows by the time the migration runs.
   */
  harmlessWhenEmpty?: TableRef;
  /** The lock weighed against table statistics (only with a snapshot that knows the table). */
  risk?: FindingRisk;
}

/** A table as a statement names it: `schema` only when the SQL qualifies it. */
export interface TableRef {
  table: string;
  schema?: string;
}

/**
 * What a lock rule's statement does under its lock, for the duration model
 * (`src/stats/estimate.ts`): build an index from the table's rows, rewrite the table and
 * its indexes, read every row (a validation scan), or change the catalog only (instant
 * once the lock is granted).
 */
export type LockWork = 'index-build' | 'rewrite' | 'scan' | 'catalog';

/**
 * The lock a finding is about. `index` instead of `table` when the statement names only
 * an index (DROP INDEX, REINDEX INDEX): the snapshot's index list gives its table.
 */
export interface FindingLock {
  table?: string;
  index?: string;
  schema?: string;
  /** A lock level of src/pg/locks.ts (`ACCESS EXCLUSIVE`, `SHARE`, ...). */
  mode: string;
  work: LockWork;
}

/** A lock finding weighed with table statistics: JSON's and SARIF's `risk`. */
export interface FindingRisk {
  /** `schema.name` as the snapshot knows it. */
  table: string;
  /** Estimated rows (pg_class.reltuples); null when never analysed. */
  rows: number | null;
  /** Heap + indexes + TOAST, in bytes. */
  bytes: number;
  /** The lock level held. */
  lock: string;
  /** How long the lock is estimated to be held (the work under it, not the wait for it). */
  estimate: { lowSeconds: number; highSeconds: number };
  /** Where the table's size falls against the config's `risk.small` and `risk.large`. */
  size: 'small' | 'medium' | 'large';
}
