import type { Fix, Migration, Range, Section, Statement } from '../ir/types.js';
import type { StatementList } from './statements.js';

export type RuleSeverity = 'error' | 'warn';

export interface RuleDocs {
  /** Why the pattern is dangerous: the lock it takes, how it fails. */
  why: string;
  /** What to do instead. */
  safe: string;
  bad: string;
  good: string;
}

/** What a rule can ask about objects the same migration created earlier. */
export interface CreatedObjects {
  table(name: string | undefined): boolean;
  index(name: string | undefined): boolean;
}

export interface ReportOptions {
  /** A parser `location` (byte offset in the statement's SQL) to point at instead of the whole statement. */
  location?: number;
  fix?: Fix;
}

export interface RuleContext {
  readonly migration: Migration;
  readonly sectionName: 'up' | 'down';
  readonly section: Section;
  readonly statements: StatementList;
  /** Major version of the production PostgreSQL server. */
  readonly pgVersion: number;
  /** Whether the section runs inside a transaction; undefined when unknown. */
  readonly inTransaction: boolean | undefined;
  readonly options: Record<string, unknown>;
  /** Objects created by statements before `stmt` in the same migration. */
  createdBefore(stmt: Statement): CreatedObjects;
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
  /** Runs once per present section (up, then down). */
  check?(ctx: RuleContext): void;
  /** Runs once per migration, for checks about the migration as a whole. */
  checkMigration?(ctx: Omit<RuleContext, 'statements' | 'createdBefore' | 'report'> & { sectionName: 'up' }): void;
}

export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}
