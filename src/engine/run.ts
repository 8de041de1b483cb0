import type { Direction, Finding, Migration, Range, Section, Statement } from '../ir/types.js';
import { directionAt } from '../ir/direction.js';
import type { ReportOptions, Rule, RuleContext, RuleSeverity } from '../../rules/kit/rule.js';
import { StatementList } from '../../rules/kit/statements.js';
import { CreatedObjectsTracker } from '../schema/created-objects.js';
import { MigrationReplay } from '../schema/replay.js';
import { newObjects } from '../schema/new-objects.js';
import { applyDirectives } from './directives.js';
import { DEFAULT_PG_VERSION } from '../pg/version.js';
import { SectionTransactions, type Wrapping } from '../pg/transactions.js';
import { sendsSectionAsOneQuery, type ToolSettings } from '../formats/index.js';
import { sectionWrapping } from './section-wrapping.js';
import { doBlockHasTransactionControl, embeddingStatement, withEmbeddedStatements } from '../pg/plpgsql.js';

export interface ActiveRule {
  rule: Rule;
  severity: RuleSeverity;
  options: Record<string, unknown>;
}

export interface EngineSettings {
  /** Major version of the production server (default `DEFAULT_PG_VERSION`). */
  pgVersion?: number;
  /** Overrides the format's transaction default when set. */
  transaction?: boolean;
  /** How the project starts its tools (golang-migrate's x-multi-statement), from the config. */
  tools?: ToolSettings;
  /** Every rule id that exists, for checking ignore comments. */
  knownRules: ReadonlySet<string>;
  severityOf(ruleId: string): 'error' | 'warn' | 'off';
}

/**
 * Runs the active rules over one migration and applies its ignore comments. The
 * contexts are built once per section and shared by every rule (only `options` and
 * the rule findings are attributed to change between rules): rules run one after
 * another, synchronously. `replay` is the migration's turn in the run's schema model
 * (earlier migrations replayed); without one, the model knows only this migration.
 * The caller ends the turn (`replay.finish()`).
 */
export function lintMigration(
  migration: Migration,
  rules: readonly ActiveRule[],
  settings: EngineSettings,
  replay: MigrationReplay = MigrationReplay.alone(),
): Finding[] {
  const findings: Finding[] = [];
  const pgVersion = settings.pgVersion ?? DEFAULT_PG_VERSION;
  let current: ActiveRule = rules[0];
  const report = (direction: Direction, file: string, range: Range, message: string, fix?: Finding['fix'], extra?: ReportOptions) => {
    findings.push({
      ruleId: current.rule.id,
      severity: current.severity,
      message,
      file,
      range,
      direction,
      ...(fix ? { fix } : {}),
      ...(extra?.lock ? { lock: extra.lock } : {}),
      ...(extra?.harmlessWhenEmpty ? { harmlessWhenEmpty: extra.harmlessWhenEmpty } : {}),
    });
  };
  // A rule checking the whole migration may report in either half: where it points decides.
  const reportAt = (file: string, range: Range, message: string, fix?: Finding['fix']) =>
    report(directionAt(migration, file, range.start), file, range, message, fix);

  const migrationCtx = {
    migration,
    pgVersion,
    options: {} as Record<string, unknown>,
    reportAt,
    sectionName: 'up' as const,
    section: migration.up,
    inTransaction: inTransactionOf(migration, migration.up, settings),
    sentAsOneQuery: sendsSectionAsOneQuery(migration.format, settings.tools ?? {}),
  };
  const sectionCtxs: RuleContext[] = (['up', 'down'] as const)
    .filter((name) => migration[name].statements.length > 0)
    .map((name) => {
      const section = migration[name];
      // Rules also see the statements inside DO blocks; the IR (what the executor runs) does not change.
      const all = withEmbeddedStatements(section.statements);
      const tracker = new CreatedObjectsTracker(all);
      const schema = replay.section(name, all);
      const wrapping = sectionWrapping(migration, section, settings.transaction, settings.tools ?? {});
      const transactions = new SectionTransactions(all, wrapping, embeddingStatement, doBlockHasTransactionControl);
      // Whatever a rule reports while checking this section is in this section's direction.
      // Rules see SQL the framework computes (its context counts), but do not judge it: a
      // finding on it is dropped. Such a chunk maps every offset to its call's start, so a
      // finding placed there by range is on it too (see `SqlChunk.derived`).
      const derivedAt = frameworkPlaces(all);
      const reportInSection = (file: string, range: Range, message: string, fix?: Finding['fix'], extra?: ReportOptions) => {
        if (derivedAt.size && derivedAt.has(placeKey(file, range))) return;
        report(name, file, range, message, fix, extra);
      };
      return {
        migration,
        pgVersion,
        options: {},
        reportAt: reportInSection,
        sectionName: name,
        section,
        statements: new StatementList(all),
        inTransaction: wholeSectionInTransaction(wrapping),
        sentAsOneQuery: sendsSectionAsOneQuery(migration.format, settings.tools ?? {}),
        createdBefore: (stmt: Statement) => newObjects(tracker.before(stmt), schema.before(stmt)),
        schema,
        inTransactionAt: (stmt: Statement) => transactions.inTransactionAt(stmt),
        transactionOf: (stmt: Statement) => transactions.transactionOf(stmt),
        sameTransaction: (a: Statement, b: Statement) => transactions.sameTransaction(a, b),
        transactions,
        embeddedIn: embeddingStatement,
        report: (stmt: Statement, message: string, opts?: ReportOptions) => {
          if (!stmt.chunk.derived) reportInSection(stmt.chunk.file, opts?.location !== undefined ? stmt.locate(opts.location) : stmt.range, message, opts?.fix, opts);
        },
      };
    });

  for (const active of rules) {
    current = active;
    if (active.rule.checkMigration) {
      migrationCtx.options = active.options;
      active.rule.checkMigration(migrationCtx);
    }
    if (!active.rule.check) continue;
    for (const ctx of sectionCtxs) {
      (ctx as { options: Record<string, unknown> }).options = active.options;
      active.rule.check(ctx);
    }
  }
  return applyDirectives(migration, findings, settings.knownRules, settings.severityOf);
}

/** Whether the section runs in a transaction as a whole: the tool's, or the server's for a query of several statements. */
const wholeSectionInTransaction = (wrapping: Wrapping): boolean | undefined => (wrapping === 'one-query' ? true : wrapping);

function inTransactionOf(migration: Migration, section: Section, settings: EngineSettings): boolean | undefined {
  return wholeSectionInTransaction(sectionWrapping(migration, section, settings.transaction, settings.tools ?? {}));
}

const placeKey = (file: string, range: Range) => `${file}:${range.start.line}:${range.start.column}`;

/** Where the section's framework-computed statements sit (their call's start). */
function frameworkPlaces(statements: readonly Statement[]): Set<string> {
  const out = new Set<string>();
  for (const s of statements) if (s.chunk.derived) out.add(placeKey(s.chunk.file, s.range));
  return out;
}
