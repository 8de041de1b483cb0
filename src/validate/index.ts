import { lint } from '../lint.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Driver } from '../exec/drivers/types.js';
import type { Migration } from '../ir/types.js';
import { applyBaseline, readBaseline, DEFAULT_BASELINE, type BaselineOutcome } from '../baseline.js';
import { UsageError } from '../errors.js';
import { lintCheck } from './lint-check.js';
import { staleStatsFinding } from './lock-budget.js';
import { sequenceCheck } from './sequence.js';
import { migrationId } from '../plan/plan.js';
import { reversibilityCheck } from './reversibility.js';
import { trialCheck } from './trial.js';
import { appliedView, driftCheck, readTarget, type TargetState } from './drift.js';
import { CHECK_IDS, type CheckId, type CheckResult, type ValidateResult } from './types.js';
import type { RiskContext } from '../engine/risk.js';

export type { ValidateResult, CheckResult, CheckId } from './types.js';
export { CHECK_IDS } from './types.js';

export interface ValidateOptions {
  cwd: string;
  /** Migration files, folders or globs. */
  paths: string[];
  /** The project's config (`loadConfig`); without one the recommended preset applies. */
  config?: ResolvedConfig;
  /** Production PostgreSQL major version, over the config. */
  pgVersion?: number;
  /** Checks switched off (`--no-trial`, ...), with the words the report uses. */
  off?: Partial<Record<CheckId, string>>;
  /** The deploy target, read-only (`--db`). */
  db?: string;
  /** Schema of the target's history table. */
  schema?: string;
  env?: NodeJS.ProcessEnv;
  /** A database for the trial run instead of a fresh PGlite (emptied first). */
  trialDriver?: Driver;
  /** Generated rows in the trial (default true). */
  trialData?: boolean;
  /** Baseline file for the lint check; undefined = the config's, or .migratelint-baseline.json when present; false = none. */
  baseline?: string | false;
  onProgress?: (what: string) => void;
  /** A table-statistics snapshot and risk settings: lint findings are weighed with it, and locks over risk.maxLock listed. */
  risk?: RiskContext;
}

/** Runs every enabled check and returns one verdict. */
export async function validate(options: ValidateOptions): Promise<ValidateResult> {
  const t0 = performance.now();
  const off = options.off ?? {};
  const enabled = (id: CheckId) => off[id] === undefined;
  options.onProgress?.('linting');
  let linted = await lint(options.paths, { cwd: options.cwd, config: options.config, pgVersion: options.pgVersion, risk: options.risk });
  const migrations: Migration[] = linted.migrations;

  // The lint check uses the project's baseline like `migratelint lint` does.
  let baseline: BaselineOutcome | undefined;
  const baselinePath = options.baseline ?? (options.config?.baseline === false ? false : options.config?.baseline ?? DEFAULT_BASELINE);
  if (baselinePath && enabled('lint')) {
    const data = readBaseline(baselinePath, options.cwd);
    if (data) {
      const applied = applyBaseline(linted, data, baselinePath, options.cwd);
      linted = applied.result;
      baseline = applied.outcome;
    } else if (options.baseline) throw new UsageError(`${options.baseline}: baseline file not found (create it with: migratelint baseline)`);
  }

  let target: TargetState | undefined;
  if (options.db !== undefined && (enabled('drift') || enabled('sequence') || enabled('lint'))) {
    options.onProgress?.('reading the target database');
    target = await readTarget(options.db, {
      cwd: options.cwd,
      env: options.env,
      schema: options.schema,
      migrations,
      nativeHistory: options.config?.nativeHistory,
    });
  }
  const view = target ? appliedView(target) : undefined;

  const checks: CheckResult[] = [];
  const skip = (id: CheckId, why: string): CheckResult => ({ id, status: 'skipped', summary: `skipped (${why})`, findings: [] });
  for (const id of CHECK_IDS) {
    if (!enabled(id)) {
      checks.push(skip(id, off[id]!));
      continue;
    }
    switch (id) {
      case 'lint': {
        const pendingFiles = view ? new Set(migrations.filter((m) => !view.applied.has(migrationId(m))).flatMap((m) => m.files)) : undefined;
        const check = lintCheck(linted, { failOn: options.config?.failOn, pendingFiles, baseline, maxLockSeconds: options.risk?.settings.maxLockSeconds });
        const stale = options.risk && target ? staleStatsFinding(options.risk.stats.takenAt, target.lastAnalyze, target.target) : undefined;
        if (stale) check.findings.push(stale);
        checks.push(check);
        break;
      }
      case 'sequence':
        checks.push(sequenceCheck(migrations, view));
        break;
      case 'reversibility':
        checks.push(reversibilityCheck(migrations));
        break;
      case 'trial':
        checks.push(await trialCheck(migrations, { driver: options.trialDriver, data: options.trialData, pgVersion: options.pgVersion ?? options.config?.pgVersion, onProgress: options.onProgress }));
        break;
      case 'drift':
        checks.push(target ? driftCheck(migrations, target) : skip('drift', 'no --db given'));
        break;
    }
  }
  return {
    ok: checks.every((c) => c.status !== 'failed'),
    checks,
    migrations,
    ...(target ? { target: target.target } : {}),
    durationMs: Math.round(performance.now() - t0),
    lintRules: linted.rules,
  };
}
