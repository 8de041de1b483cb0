import type { Finding, Migration } from '../ir/types.js';
import type { Keep } from '../report/registry.js';
import { applyDownSetting, type DownSetting } from '../engine/down-setting.js';
import { applyRisk, type RiskContext } from '../engine/risk.js';

export type { Keep };

/** Called with each migration and its findings (sorted), in the order of the run's units. */
export type OnMigration = (migration: Migration, findings: Finding[]) => void;

export function sortFindings(findings: Finding[]): void {
  findings.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

/**
 * Gathers a run's results as they come, from the cache, this thread or worker threads,
 * in any order. It counts every migration and finding, and holds only what `keep`
 * asks for. With `onMigration`, findings are handed on in unit order (results that come
 * early wait for the ones before them) and not held at all.
 */
export class RunCollector {
  readonly migrations: Migration[] = [];
  readonly findings: Finding[] = [];
  readonly counts = { files: 0, migrations: 0 };
  errorCount = 0;
  warningCount = 0;
  /** Findings in down migrations the `down` setting left out. */
  hiddenDown = 0;
  /** Code the frontends could not read, over every migration (kept or not): for the summaries. */
  readonly coverage = { analysed: 0, notAnalysed: 0, migrations: 0 };
  private next = 0;
  private readonly early = new Map<number, [Migration | undefined, Finding[]]>();

  constructor(
    private readonly keep: Keep,
    private readonly onMigration?: OnMigration,
    private readonly down: DownSetting = 'lint',
    private readonly risk?: RiskContext,
  ) {}

  /** The result of the run's unit number `index`; `migration` is undefined when the file was not a migration. */
  add(index: number, migration: Migration | undefined, findings: Finding[]): void {
    if (!this.onMigration) return this.take(migration, findings);
    if (index !== this.next) {
      this.early.set(index, [migration, findings]);
      return;
    }
    this.take(migration, findings);
    for (let waiting = this.early.get(++this.next); waiting; waiting = this.early.get(++this.next)) {
      this.early.delete(this.next);
      this.take(...waiting);
    }
  }

  private take(migration: Migration | undefined, all: Finding[]): void {
    if (!migration) return;
    this.counts.migrations++;
    this.counts.files += migration.files.length;
    this.countCoverage(migration);
    // Applied here, not in the engine: cached and worker results stay the same whatever the setting.
    // Table statistics first: a lock finding downgraded on a small table is then one more warning in a down.
    const { findings, hidden } = applyDownSetting(applyRisk(all, this.risk), this.down);
    this.hiddenDown += hidden;
    for (const f of findings) {
      if (f.severity === 'error') this.errorCount++;
      else this.warningCount++;
    }
    if (this.keep === 'all' || migration.problems.length || (this.keep === 'flagged' && findings.length)) this.migrations.push(migration);
    if (this.onMigration) {
      const sorted = [...findings];
      sortFindings(sorted);
      this.onMigration(migration, sorted);
    } else {
      this.findings.push(...findings);
    }
  }

  private countCoverage(migration: Migration): void {
    const coverage = migration.coverage;
    if (!coverage) return;
    this.coverage.analysed += coverage.analysed;
    this.coverage.notAnalysed += coverage.unanalysed.length;
    if (coverage.unanalysed.length) this.coverage.migrations++;
  }
}
