import type { Finding, Migration, Range, Statement } from '../ir/types.js';
import type { Rule, RuleContext, RuleSeverity } from './rule.js';
import { StatementList } from './statements.js';
import { CreatedObjectsTracker } from './created-objects.js';
import { applyDirectives } from './directives.js';
import { SectionTransactions } from './transactions.js';
import { doBlockHasTransactionControl, embeddingStatement, withEmbeddedStatements } from '../frontends/sql/plpgsql.js';

export interface ActiveRule {
  rule: Rule;
  severity: RuleSeverity;
  options: Record<string, unknown>;
}

/** The PostgreSQL major version assumed when the settings do not give one. */
export const FALLBACK_PG_VERSION = 15;

export interface EngineSettings {
  /** Major version of the production server (default 15). */
  pgVersion?: number;
  /** Overrides the format's transaction default when set. */
  transaction?: boolean;
  /** Every rule id that exists, for checking ignore comments. */
  knownRules: ReadonlySet<string>;
  severityOf(ruleId: string): 'error' | 'warn' | 'off';
}

/** Runs the active rules over one migration and applies its ignore comments. */
export function lintMigration(migration: Migration, rules: readonly ActiveRule[], settings: EngineSettings): Finding[] {
  const findings: Finding[] = [];
  const sections = (['up', 'down'] as const).filter((name) => migration[name].statements.length > 0);
  const pgVersion = settings.pgVersion ?? FALLBACK_PG_VERSION;
  const prepared = sections.map((name) => {
    const section = migration[name];
    // Rules also see the statements inside DO blocks; the IR (what the executor runs) does not change.
    const all = withEmbeddedStatements(section.statements);
    const wrapped = settings.transaction ?? section.transaction;
    return {
      name,
      section,
      statements: new StatementList(all),
      tracker: new CreatedObjectsTracker(all),
      transactions: new SectionTransactions(all, wrapped, embeddingStatement, doBlockHasTransactionControl),
    };
  });

  for (const active of rules) {
    const push = (file: string, range: Range, message: string, fix?: Finding['fix']) =>
      findings.push({ ruleId: active.rule.id, severity: active.severity, message, file, range, ...(fix ? { fix } : {}) });
    const base = {
      migration,
      pgVersion,
      options: active.options,
      reportAt: push,
    };
    if (active.rule.checkMigration) {
      active.rule.checkMigration({
        ...base,
        sectionName: 'up',
        section: migration.up,
        inTransaction: settings.transaction ?? migration.up.transaction,
      });
    }
    if (!active.rule.check) continue;
    for (const p of prepared) {
      const ctx: RuleContext = {
        ...base,
        sectionName: p.name,
        section: p.section,
        statements: p.statements,
        inTransaction: settings.transaction ?? p.section.transaction,
        createdBefore: (stmt: Statement) => p.tracker.before(stmt),
        inTransactionAt: (stmt) => p.transactions.inTransactionAt(stmt),
        transactionOf: (stmt) => p.transactions.transactionOf(stmt),
        sameTransaction: (a, b) => p.transactions.sameTransaction(a, b),
        transactions: p.transactions,
        embeddedIn: embeddingStatement,
        report: (stmt, message, opts) =>
          push(stmt.chunk.file, opts?.location !== undefined ? stmt.locate(opts.location) : stmt.range, message, opts?.fix),
      };
      active.rule.check(ctx);
    }
  }
  return applyDirectives(migration, findings, settings.knownRules, settings.severityOf);
}
