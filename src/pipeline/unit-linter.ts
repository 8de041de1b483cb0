import type { Finding, Migration, MigrationFormat } from '../ir/types.js';
import type { Rule } from '../../rules/kit/rule.js';
import { lintMigration, type ActiveRule, type EngineSettings } from '../engine/run.js';
import type { MigrationUnit } from '../ir/unit.js';
import { describeCalls } from '../ir/coverage.js';
import { loadFrontend, type Frontend, type ReadFile, type SchemaSeed } from '../frontends/registry.js';
import { builtinRules } from '../../rules/index.js';
import { UsageError } from '../errors.js';
import { DEFAULT_PG_VERSION } from '../pg/version.js';
import { presetSeverity, type ResolvedConfig } from '../config/load.js';
import type { MigrationReplay } from '../schema/replay.js';

export { DEFAULT_PG_VERSION };

/** What decides how a migration is linted (everything but which files). */
export interface LinterSettings {
  config?: ResolvedConfig;
  rules?: Record<string, 'error' | 'warn' | 'off'>;
  ruleOptions?: Record<string, Record<string, unknown>>;
  pgVersion?: number;
  transaction?: boolean;
  /** See `LintOptions.sentBy`. */
  sentBy?: 'tool' | 'migratelint';
  extraRules?: readonly Rule[];
}

/** The rules in force with their severities: preset, then config, then explicit options. */
export function activeRules(settings: LinterSettings): { rules: Rule[]; active: ActiveRule[] } {
  const config = settings.config;
  const rules = [...builtinRules, ...(config?.pluginRules ?? []), ...(settings.extraRules ?? [])];
  const known = new Set(rules.map((r) => r.id));
  for (const id of Object.keys(settings.rules ?? {})) {
    if (!known.has(id)) throw new UsageError(`unknown rule "${id}"`);
  }
  const active: ActiveRule[] = [];
  for (const rule of rules) {
    const fromConfig = config?.rules[rule.id];
    const severity = settings.rules?.[rule.id] ?? fromConfig?.severity ?? presetSeverity(rule, config?.preset ?? 'recommended');
    if (severity === 'off') continue;
    active.push({ rule, severity, options: settings.ruleOptions?.[rule.id] ?? fromConfig?.options ?? {} });
  }
  return { rules, active };
}

/** Reads and lints migrations one at a time; frontends are loaded on first need. */
export class UnitLinter {
  readonly rules: Rule[];
  private readonly active: ActiveRule[];
  private readonly engine: Omit<EngineSettings, 'transaction'>;
  private readonly frontends = new Map<string, Frontend>();

  constructor(private readonly settings: LinterSettings) {
    const { rules, active } = activeRules(settings);
    this.rules = rules;
    this.active = active;
    const severities = new Map(active.map((a) => [a.rule.id, a.severity]));
    this.engine = {
      pgVersion: settings.pgVersion ?? settings.config?.pgVersion ?? DEFAULT_PG_VERSION,
      knownRules: new Set(rules.map((r) => r.id)),
      severityOf: (id) => severities.get(id) ?? 'off',
      tools: { golangMigrateMultiStatement: settings.config?.golangMigrate?.multiStatement, oneByOne: settings.sentBy === 'migratelint' },
    };
  }

  async prepare(units: readonly MigrationUnit[]): Promise<void> {
    await this.prepareFrontends(new Set(units.map((u) => u.frontend)));
  }

  /** Loads the named frontends (`sql`, `typescript`, `python`). */
  async prepareFrontends(names: Iterable<string>): Promise<void> {
    for (const name of names) {
      if (!this.frontends.has(name)) this.frontends.set(name, await loadFrontend(name));
    }
  }

  /** Reads one migration; undefined when the file turns out not to be a migration (a helper module, say). */
  read(unit: MigrationUnit, readFile: ReadFile): Migration | undefined {
    const frontend = this.frontends.get(unit.frontend);
    if (!frontend) throw new Error(`internal: frontend ${unit.frontend} not prepared`);
    // The same readFile for every unit of a run: frontends may keep a per-run cache keyed by it.
    const migration = frontend.read(unit, readFile);
    if (migration) describeCalls(migration);
    return migration;
  }

  /** The schema dumps the prepared frontends find for these units (`Frontend.seeds`): what existed before them. */
  seeds(units: readonly MigrationUnit[], readFile: ReadFile): SchemaSeed[] {
    const out: SchemaSeed[] = [];
    for (const frontend of this.frontends.values()) if (frontend.seeds) out.push(...frontend.seeds(units, readFile));
    return out;
  }

  /** Lints a migration read by `read`, in its turn in the run's schema model (alone without `replay`). */
  lintMigration(migration: Migration, replay?: MigrationReplay): Finding[] {
    return lintMigration(migration, this.active, { ...this.engine, transaction: this.transactionFor(migration.format) }, replay);
  }

  /** Reads and lints one migration, alone. `migration` is undefined when the file is not a migration. */
  lint(unit: MigrationUnit, readFile: ReadFile): { migration?: Migration; findings: Finding[] } {
    const migration = this.read(unit, readFile);
    return migration ? { migration, findings: this.lintMigration(migration) } : { findings: [] };
  }

  private transactionFor(format: MigrationFormat): boolean | undefined {
    if (this.settings.transaction !== undefined) return this.settings.transaction;
    const setting = this.settings.config?.transaction;
    return typeof setting === 'object' ? setting[format] : setting;
  }
}
