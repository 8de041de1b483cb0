import type { MigrationFormat } from '../ir/types.js';
import { FORMAT_IDS } from '../formats/index.js';
import { ConfigError } from './errors.js';
import { DOWN_SETTINGS, type DownSetting } from '../engine/down-setting.js';
import type { RiskConfig } from '../stats/risk-settings.js';
import { parseDuration, parseSize } from '../stats/units.js';

export type SeveritySetting = 'off' | 'warn' | 'error';
export type RuleSetting = SeveritySetting | [SeveritySetting] | [SeveritySetting, Record<string, unknown>];

/** The config file as users write it. Every key is documented in `.migratelintrc.example`. */
export interface UserConfig {
  extends?: string | string[];
  rules?: Record<string, RuleSetting>;
  include?: string[];
  exclude?: string[];
  formats?: Record<string, MigrationFormat>;
  pgVersion?: number;
  transaction?: boolean | Partial<Record<MigrationFormat, boolean>>;
  /** How golang-migrate is started: `multiStatement: true` when its database URL has x-multi-statement=true (each statement sent on its own). */
  golangMigrate?: { multiStatement?: boolean };
  plugins?: string[];
  failOn?: 'error' | 'warn';
  /** How findings in down migrations count: `lint` (default), `warn` (at most warnings) or `off` (not reported). */
  down?: DownSetting;
  /** The database the migrations are for: `auto` (default) reads the project's config files and skips a project that is not PostgreSQL; `postgresql` lints everything as PostgreSQL. */
  dialect?: DialectSetting;
  baseline?: string | false;
  /** Checks of `migratelint validate` to run (all by default). */
  validate?: Partial<Record<ValidateCheck, boolean>>;
  /** Read and write each format's own history table beside migratelint's (default true). */
  nativeHistory?: boolean;
  /** Per code format, the command that runs one migration through the framework (`alembic`, `python manage.py migrate`...). */
  runner?: Partial<Record<MigrationFormat, string>>;
  /** What `apply` does when a migration fails: stop there (default), run the downs of what this run applied, or restore the pre-run backup. */
  onFailure?: OnFailurePolicy;
  /** Databases that are production: host or URL patterns; changing them needs a typed confirmation or --i-know-this-is-production. */
  protect?: string[];
  /** A table-statistics snapshot (`migratelint stats`), relative to the config file: lint weighs lock findings with it. */
  stats?: string;
  /** Thresholds and throughputs of the lock-risk model (see README, "Lock risk from table statistics"). */
  risk?: RiskConfig;
}

export const DIALECT_SETTINGS = ['auto', 'postgresql'] as const;
export type DialectSetting = (typeof DIALECT_SETTINGS)[number];

export const ON_FAILURE_POLICIES = ['stop', 'rollback-run', 'restore'] as const;
export type OnFailurePolicy = (typeof ON_FAILURE_POLICIES)[number];

export const VALIDATE_CHECKS = ['lint', 'sequence', 'reversibility', 'trial', 'drift'] as const;
export type ValidateCheck = (typeof VALIDATE_CHECKS)[number];

export const FORMATS: readonly MigrationFormat[] = FORMAT_IDS;

const SEVERITIES = ['off', 'warn', 'error'];
export const CONFIG_KEYS = ['extends', 'rules', 'include', 'exclude', 'formats', 'pgVersion', 'transaction', 'golangMigrate', 'plugins', 'failOn', 'down', 'dialect', 'baseline', 'validate', 'nativeHistory', 'runner', 'onFailure', 'protect', 'stats', 'risk'];

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const describe = (v: unknown) => (Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'string' ? `"${v}"` : typeof v);

/**
 * Checks the shape of one config file (before `extends` is resolved). Rule ids are
 * checked later, once plugins are loaded. Throws a ConfigError naming the key path.
 */
export function validateShape(raw: unknown, file: string, absolutePath = file): UserConfig {
  const fail = (keyPath: (string | number)[], message: string): never => {
    throw new ConfigError(file, keyPath, message, absolutePath);
  };
  if (!isObject(raw)) fail([], `the config must be an object, got ${describe(raw)}`);
  const config = raw as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key)) fail([key], `unknown key (expected one of: ${CONFIG_KEYS.join(', ')})`);
  }
  const stringList = (key: string) => {
    const v = config[key];
    if (v === undefined) return;
    if (!Array.isArray(v)) fail([key], `expected an array of strings, got ${describe(v)}`);
    (v as unknown[]).forEach((item, i) => {
      if (typeof item !== 'string' || item === '') fail([key, i], `expected a non-empty string, got ${describe(item)}`);
    });
  };

  if (config.extends !== undefined && typeof config.extends !== 'string') stringList('extends');
  stringList('include');
  stringList('exclude');
  stringList('plugins');
  stringList('protect');

  if (config.rules !== undefined) {
    if (!isObject(config.rules)) fail(['rules'], `expected an object of rule id → severity, got ${describe(config.rules)}`);
    for (const [id, setting] of Object.entries(config.rules as object)) validateRuleSetting(setting, ['rules', id], fail);
  }
  if (config.formats !== undefined) {
    if (!isObject(config.formats)) fail(['formats'], `expected an object of glob → format, got ${describe(config.formats)}`);
    for (const [glob, format] of Object.entries(config.formats as object)) {
      if (!FORMATS.includes(format as MigrationFormat)) fail(['formats', glob], `unknown format ${describe(format)} (expected one of: ${FORMATS.join(', ')})`);
    }
  }
  if (config.pgVersion !== undefined) {
    const v = config.pgVersion;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 9 || v > 30) fail(['pgVersion'], `expected a PostgreSQL major version such as 15, got ${describe(v)}`);
  }
  if (config.transaction !== undefined && typeof config.transaction !== 'boolean') {
    if (!isObject(config.transaction)) fail(['transaction'], `expected true, false or an object of format → boolean, got ${describe(config.transaction)}`);
    for (const [format, value] of Object.entries(config.transaction as object)) {
      if (!FORMATS.includes(format as MigrationFormat)) fail(['transaction', format], `unknown format (expected one of: ${FORMATS.join(', ')})`);
      if (typeof value !== 'boolean') fail(['transaction', format], `expected true or false, got ${describe(value)}`);
    }
  }
  if (config.golangMigrate !== undefined) {
    if (!isObject(config.golangMigrate)) fail(['golangMigrate'], `expected an object such as { multiStatement: true }, got ${describe(config.golangMigrate)}`);
    for (const [key, value] of Object.entries(config.golangMigrate as object)) {
      if (key !== 'multiStatement') fail(['golangMigrate', key], 'unknown key (expected: multiStatement)');
      if (typeof value !== 'boolean') fail(['golangMigrate', key], `expected true or false, got ${describe(value)}`);
    }
  }
  if (config.failOn !== undefined && config.failOn !== 'error' && config.failOn !== 'warn') {
    fail(['failOn'], `expected "error" or "warn", got ${describe(config.failOn)}`);
  }
  if (config.down !== undefined && !(DOWN_SETTINGS as readonly unknown[]).includes(config.down)) {
    fail(['down'], `expected ${DOWN_SETTINGS.map((s) => `"${s}"`).join(', ')}, got ${describe(config.down)}`);
  }
  if (config.dialect !== undefined && !(DIALECT_SETTINGS as readonly unknown[]).includes(config.dialect)) {
    fail(['dialect'], `expected ${DIALECT_SETTINGS.map((s) => `"${s}"`).join(' or ')}, got ${describe(config.dialect)}`);
  }
  if (config.baseline !== undefined && config.baseline !== false && (typeof config.baseline !== 'string' || !config.baseline)) {
    fail(['baseline'], `expected a file path or false, got ${describe(config.baseline)}`);
  }
  if (config.validate !== undefined) {
    if (!isObject(config.validate)) fail(['validate'], `expected an object of check → true/false, got ${describe(config.validate)}`);
    for (const [check, on] of Object.entries(config.validate as object)) {
      if (!(VALIDATE_CHECKS as readonly string[]).includes(check)) fail(['validate', check], `unknown check (expected one of: ${VALIDATE_CHECKS.join(', ')})`);
      if (typeof on !== 'boolean') fail(['validate', check], `expected true or false, got ${describe(on)}`);
    }
  }
  if (config.nativeHistory !== undefined && typeof config.nativeHistory !== 'boolean') {
    fail(['nativeHistory'], `expected true or false, got ${describe(config.nativeHistory)}`);
  }
  if (config.runner !== undefined) {
    if (!isObject(config.runner)) fail(['runner'], `expected an object of format → command, got ${describe(config.runner)}`);
    for (const [format, command] of Object.entries(config.runner as object)) {
      if (!FORMATS.includes(format as MigrationFormat)) fail(['runner', format], `unknown format (expected one of: ${FORMATS.join(', ')})`);
      if (typeof command !== 'string' || !command.trim()) fail(['runner', format], `expected a command line, got ${describe(command)}`);
    }
  }
  if (config.onFailure !== undefined && !(ON_FAILURE_POLICIES as readonly unknown[]).includes(config.onFailure)) {
    fail(['onFailure'], `expected one of ${ON_FAILURE_POLICIES.map((p) => `"${p}"`).join(', ')}, got ${describe(config.onFailure)}`);
  }
  if (config.stats !== undefined && (typeof config.stats !== 'string' || !config.stats)) {
    fail(['stats'], `expected the path of a stats snapshot (migratelint stats -o FILE), got ${describe(config.stats)}`);
  }
  if (config.risk !== undefined) validateRisk(config.risk, fail);
  return config as UserConfig;
}

const RISK_KEYS = ['small', 'large', 'maxLock', 'throughput'];
const THROUGHPUT_KEYS = ['indexBuild', 'rewrite', 'scan'];

function validateRisk(risk: unknown, fail: (p: (string | number)[], m: string) => never): void {
  if (!isObject(risk)) fail(['risk'], `expected an object such as { small: "10MB", large: "1GB", maxLock: "5s" }, got ${describe(risk)}`);
  const r = risk as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!RISK_KEYS.includes(key)) fail(['risk', key], `unknown key (expected one of: ${RISK_KEYS.join(', ')})`);
  for (const key of ['small', 'large'] as const) {
    if (r[key] !== undefined && parseSize(r[key]) === undefined) fail(['risk', key], `expected a size such as "10MB" or "1GB", got ${describe(r[key])}`);
  }
  if (r.small !== undefined && r.large !== undefined && parseSize(r.small)! > parseSize(r.large)!) {
    fail(['risk', 'small'], `${describe(r.small)} is larger than risk.large ${describe(r.large)}`);
  }
  if (r.maxLock !== undefined && parseDuration(r.maxLock) === undefined) fail(['risk', 'maxLock'], `expected a duration such as "5s" or "500ms", got ${describe(r.maxLock)}`);
  if (r.throughput !== undefined) {
    if (!isObject(r.throughput)) fail(['risk', 'throughput'], `expected an object of work → MB per second, such as { indexBuild: 40 }, got ${describe(r.throughput)}`);
    for (const [key, value] of Object.entries(r.throughput as object)) {
      if (!THROUGHPUT_KEYS.includes(key)) fail(['risk', 'throughput', key], `unknown key (expected one of: ${THROUGHPUT_KEYS.join(', ')})`);
      if (typeof value !== 'number' || !(value > 0)) fail(['risk', 'throughput', key], `expected MB per second, a number above 0, got ${describe(value)}`);
    }
  }
}

function validateRuleSetting(setting: unknown, keyPath: string[], fail: (p: (string | number)[], m: string) => never): void {
  const expected = `expected "off", "warn", "error" or [severity, { options }]`;
  if (typeof setting === 'string') {
    if (!SEVERITIES.includes(setting)) fail(keyPath, `bad severity ${describe(setting)} (${expected})`);
    return;
  }
  if (!Array.isArray(setting) || setting.length < 1 || setting.length > 2) fail(keyPath, `${expected}, got ${describe(setting)}`);
  const [severity, options] = setting as unknown[];
  if (typeof severity !== 'string' || !SEVERITIES.includes(severity)) fail([...keyPath, 0], `bad severity ${describe(severity)} (${expected})`);
  if (options !== undefined && !isObject(options)) fail([...keyPath, 1], `rule options must be an object, got ${describe(options)}`);
}
