import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { MigrationFormat } from '../ir/types.js';
import type { Rule, RuleSeverity } from '../../rules/kit/rule.js';
import { builtinRules } from '../../rules/index.js';
import { UsageError } from '../errors.js';
import { ConfigError } from './errors.js';
import { validateShape, type DialectSetting, type SeveritySetting, type UserConfig } from './schema.js';
import type { DownSetting } from '../engine/down-setting.js';
import { checkRuleOptions } from './rule-options.js';
import { configFileProblem } from './config-file.js';
import { configCandidates, findGitTop, findProjectRoot, isInside, type ConfigSearch } from './search.js';

export const PRESETS = ['migratelint:recommended', 'migratelint:strict'] as const;
export type PresetName = 'recommended' | 'strict';

export interface RuleConfig {
  severity: RuleSeverity | 'off';
  options: Record<string, unknown>;
}

/** The configuration in force for a run, with `extends`, presets and plugins resolved. */
export interface ResolvedConfig {
  /** The config file that was loaded; undefined when none was found. */
  file?: string;
  /** Globs in the config are relative to this directory. */
  dir: string;
  preset: PresetName;
  rules: Record<string, RuleConfig>;
  include?: string[];
  exclude?: string[];
  formats: [string, MigrationFormat][];
  pgVersion?: number;
  transaction?: UserConfig['transaction'];
  /** How golang-migrate is started (x-multi-statement). */
  golangMigrate?: UserConfig['golangMigrate'];
  failOn: 'error' | 'warn';
  /** How findings in down migrations count (default `lint`: like any other). */
  down: DownSetting;
  /** `auto`: a project whose config files name only other databases is not linted; `postgresql`: everything is linted as PostgreSQL. */
  dialect: DialectSetting;
  baseline?: string | false;
  /** Checks `migratelint validate` runs (unset: all). */
  validate?: UserConfig['validate'];
  /** Whether each format's own history table is read and written beside migratelint's. */
  nativeHistory: boolean;
  /** Commands that run one code migration through its framework, per format. */
  runner: NonNullable<UserConfig['runner']>;
  /** What apply does after a failed migration. */
  onFailure: NonNullable<UserConfig['onFailure']>;
  /** Host or URL patterns of production databases. */
  protect: string[];
  /** The table-statistics snapshot to weigh lock findings with, as an absolute path (the config names it relative to itself). */
  stats?: string;
  /** The lock-risk settings as written (`resolveRisk` fills in the defaults). */
  risk?: UserConfig['risk'];
  /** Rules from plugins. */
  pluginRules: Rule[];
}

/** Severity of a rule in a preset. */
export function presetSeverity(rule: Rule, preset: PresetName): RuleSeverity | 'off' {
  return rule.presets?.[preset] ?? rule.severity;
}

/**
 * Finds and loads the config for a run: `configFile` if given, else the nearest config file
 * from `cwd` up to the project root (see `findProjectRoot`), never above it. No config
 * loader (cosmiconfig's) is imported unless a config file exists.
 */
export async function loadConfig(options: { cwd: string; configFile?: string }): Promise<ResolvedConfig> {
  if (options.configFile) {
    const filepath = path.resolve(options.cwd, options.configFile);
    let found: LoadedFile | null;
    try {
      found = await readConfigFile(filepath);
    } catch (e) {
      throw loadError(e, filepath, options.cwd);
    }
    // Named with --config: what it extends and its plugins are trusted wherever they are.
    return found ? resolveLoaded(found, options.cwd, undefined) : resolve({}, undefined, options.cwd);
  }
  const search = findProjectRoot(options.cwd);
  for (const filepath of configCandidates(search)) {
    let found: LoadedFile | null;
    try {
      found = await readConfigFile(filepath);
    } catch (e) {
      throw loadError(e, filepath, options.cwd);
    }
    // Like cosmiconfig's search: an empty file, or a package.json without the key, is no config.
    if (found && !found.isEmpty) return resolveLoaded(found, options.cwd, search);
  }
  return resolve({}, undefined, options.cwd);
}

function resolveLoaded(found: LoadedFile, cwd: string, search: ConfigSearch | undefined): Promise<ResolvedConfig> {
  const file = path.relative(cwd, found.filepath) || found.filepath;
  const user = validateShape(found.isEmpty ? {} : found.config, file, found.filepath);
  return resolve(user, file, path.dirname(found.filepath), found.filepath, search && boundaryOf(search, cwd));
}

interface LoadedFile {
  config: unknown;
  filepath: string;
  isEmpty?: boolean;
}

/**
 * Reads one config file with cosmiconfig's loaders, as its explorer's `load` would, but
 * without its explorer: no cosmiconfig meta config (which could add search places outside
 * the project) and no `$import` (which could load a file from anywhere). Null for a
 * package.json / package.yaml without a "migratelint" key.
 */
async function readConfigFile(filepath: string): Promise<LoadedFile | null> {
  // Before reading: a FIFO would block and /dev/zero never end.
  const problem = configFileProblem(filepath);
  if (problem) throw Object.assign(new Error(problem), { code: NOT_A_CONFIG_FILE, filepath });
  const contents = await fs.promises.readFile(filepath, 'utf8');
  if (contents.trim() === '') return { config: undefined, filepath, isEmpty: true };
  const { defaultLoaders } = await import('cosmiconfig');
  const extension = path.extname(filepath);
  const loader = (defaultLoaders as Record<string, ((file: string, text: string) => unknown) | undefined>)[extension || 'noExt'];
  if (!loader) throw Object.assign(new Error(`No loader specified for extension "${extension}"`), { filepath });
  let config: unknown;
  try {
    config = await loader(filepath, contents);
  } catch (e) {
    if (e && typeof e === 'object') (e as { filepath?: string }).filepath = filepath;
    throw e;
  }
  if (path.basename(filepath, extension) === 'package') {
    config = config && typeof config === 'object' ? (config as Record<string, unknown>).migratelint : undefined;
    if (config === undefined || config === null) return null;
  }
  return config === undefined ? { config, filepath, isEmpty: true } : { config, filepath };
}

/**
 * What a searched config may load: JavaScript (a config it extends, a plugin) named by a
 * path only from inside the project root; from a package, only what Node resolves inside
 * the project root or the git repository holding it (a workspace's hoisted node_modules).
 * A config given with --config has no boundary.
 */
interface Boundary {
  root: string;
  /** The run's working directory, which paths in messages are relative to. */
  cwd: string;
  /** The git top level, looked up only when a package resolves outside `root`. */
  gitTop: () => string | undefined;
}

function boundaryOf(search: ConfigSearch, cwd: string): Boundary {
  let gitTop: string | undefined | null = null;
  return {
    root: search.root,
    cwd,
    gitTop: () => (gitTop === null ? (gitTop = search.marker === '.git' ? search.root : findGitTop(search.root)) : gitTop),
  };
}

/** Refuses JavaScript outside the boundary, in one line naming the key. */
function checkBoundary(boundary: Boundary | undefined, what: string, name: string, file: string, label: string, keyPath: (string | number)[], absolutePath?: string): void {
  if (!boundary || isInside(boundary.root, file)) return;
  const byPath = name.startsWith('.') || path.isAbsolute(name);
  if (!byPath) {
    const gitTop = boundary.gitTop();
    if (gitTop && isInside(gitTop, file)) return;
  }
  const shown = (p: string) => path.relative(boundary.cwd, p) || '.';
  throw new ConfigError(
    label,
    keyPath,
    `${what} "${name}" is ${shown(file)}, outside the project root ${shown(boundary.root)}${byPath ? '' : ' and its git repository'}: ` +
      'JavaScript from outside the project is loaded only from a config given with --config',
    absolutePath,
  );
}

/** The code of a config file refused unread (not a regular file, too large). */
const NOT_A_CONFIG_FILE = 'MIGRATELINT_NOT_A_CONFIG_FILE';

function loadError(e: unknown, file: string | undefined, cwd: string): UsageError {
  const err = e as NodeJS.ErrnoException & { filepath?: string };
  const shown = (p: string) => path.relative(cwd, p) || p;
  if (err.code === 'ENOENT') return new UsageError(`${shown(file ?? err.path ?? 'config')}: config file not found`);
  if (err.code === NOT_A_CONFIG_FILE) {
    const where = err.filepath ?? file ?? 'config';
    return new UsageError(`${isInside(cwd, where) ? shown(where) : where}: ${err.message}`);
  }
  const where = err.filepath ?? file;
  // Loaders prefix their message with "JSON Error in <path>:" and put the detail on later lines.
  const lines = String(err.message ?? e)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(JSON|YAML) Error in /.test(l) && !l.startsWith('>') && !/^\d+ \|/.test(l) && !/^\|/.test(l));
  return new UsageError(`${where ? shown(where) : 'config'}: cannot load config: ${lines[0] ?? 'unreadable'}`);
}

/** Resolves `extends` (presets, npm packages, files) and plugins into the final config. */
export async function resolve(user: UserConfig, file: string | undefined, dir: string, absolutePath = file, boundary?: Boundary): Promise<ResolvedConfig> {
  const label = file ?? 'config';
  const merged = await mergeExtends(user, label, dir, new Set(), absolutePath, boundary);
  const pluginRules = await loadPlugins(merged.pluginRefs, boundary);
  const all = [...builtinRules, ...pluginRules];
  const known = new Map(all.map((r) => [r.id, r]));

  const rules: Record<string, RuleConfig> = {};
  for (const rule of all) rules[rule.id] = { severity: presetSeverity(rule, merged.preset ?? 'recommended'), options: {} };
  for (const [id, setting] of Object.entries(merged.rules)) {
    if (!known.has(id)) {
      const source = merged.ruleSource.get(id);
      throw new ConfigError(source?.label ?? label, ['rules', id], `unknown rule${suggest(id, [...known.keys()])}`, source?.path ?? absolutePath);
    }
    const [severity, options] = typeof setting === 'string' ? [setting, {}] : [setting[0], setting[1] ?? {}];
    const problem = await checkRuleOptions(known.get(id)!, options);
    if (problem) {
      const source = merged.ruleSource.get(id);
      throw new ConfigError(source?.label ?? label, ['rules', id, 1, ...problem.path], problem.message, source?.path ?? absolutePath);
    }
    rules[id] = { severity: severity as SeveritySetting, options };
  }
  return {
    file,
    dir,
    preset: merged.preset ?? 'recommended',
    rules,
    include: merged.include,
    exclude: merged.exclude,
    formats: Object.entries(merged.formats ?? {}),
    pgVersion: merged.pgVersion,
    transaction: merged.transaction,
    golangMigrate: merged.golangMigrate,
    failOn: merged.failOn ?? 'error',
    down: merged.down ?? 'lint',
    dialect: merged.dialect ?? 'auto',
    baseline: merged.baseline,
    validate: merged.validate,
    nativeHistory: merged.nativeHistory ?? true,
    runner: merged.runner ?? {},
    onFailure: merged.onFailure ?? 'stop',
    protect: merged.protect ?? [],
    ...(merged.stats ? { stats: path.resolve(dir, merged.stats) } : {}),
    ...(merged.risk ? { risk: merged.risk } : {}),
    pluginRules,
  };
}

interface Merged extends Omit<UserConfig, 'extends' | 'rules'> {
  /** Unset until some config in the chain names a preset; recommended in the end. */
  preset?: PresetName;
  rules: NonNullable<UserConfig['rules']>;
  /** Which file set each rule, so an unknown id is reported where it was written. */
  ruleSource: Map<string, { label: string; path?: string }>;
  /** Each plugin with the file that names it: resolved from that file's folder, errors reported there. */
  pluginRefs: PluginRef[];
}

interface PluginRef {
  name: string;
  dir: string;
  label: string;
  path?: string;
  index: number;
}

async function mergeExtends(user: UserConfig, label: string, dir: string, seen: Set<string>, absolutePath?: string, boundary?: Boundary): Promise<Merged> {
  let acc: Merged = { rules: {}, ruleSource: new Map(), pluginRefs: [] };
  const parents = user.extends === undefined ? [] : Array.isArray(user.extends) ? user.extends : [user.extends];
  for (const [i, name] of parents.entries()) {
    if (name === 'migratelint:recommended' || name === 'migratelint:strict') {
      acc = { ...acc, preset: name === 'migratelint:strict' ? 'strict' : 'recommended' };
      continue;
    }
    if (name.startsWith('migratelint:')) {
      throw new ConfigError(label, Array.isArray(user.extends) ? ['extends', i] : ['extends'], `unknown preset "${name}" (expected ${PRESETS.join(' or ')})`, absolutePath);
    }
    const { config, file } = await loadShared(name, label, dir, Array.isArray(user.extends) ? ['extends', i] : ['extends'], absolutePath, boundary);
    if (seen.has(file)) throw new ConfigError(label, ['extends'], `"${name}" extends itself in a cycle`, absolutePath);
    const parent = await mergeExtends(validateShape(config, file), file, path.dirname(file), new Set([...seen, file]), file, boundary);
    acc = combine(acc, parent);
  }
  const own: Merged = {
    ...user,
    preset: undefined,
    rules: user.rules ?? {},
    ruleSource: new Map(Object.keys(user.rules ?? {}).map((id) => [id, { label, path: absolutePath }])),
    pluginRefs: (user.plugins ?? []).map((name, index) => ({ name, dir, label, path: absolutePath, index })),
  };
  delete (own as UserConfig).extends;
  return combine(acc, own);
}

/** `child` over `base`: rules merge per id, plugins add up, everything else is replaced. */
function combine(base: Merged, child: Merged): Merged {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(child).filter(([, v]) => v !== undefined)),
    preset: child.preset ?? base.preset,
    rules: { ...base.rules, ...child.rules },
    ruleSource: new Map([...base.ruleSource, ...child.ruleSource]),
    plugins: [...(base.plugins ?? []), ...(child.plugins ?? [])],
    pluginRefs: [...base.pluginRefs, ...child.pluginRefs],
    runner: base.runner || child.runner ? { ...base.runner, ...child.runner } : undefined,
  } as Merged;
}

/** Resolves a module or file name the way Node would from the config's directory. */
function resolveFrom(dir: string, name: string): string {
  if (name.startsWith('.') || path.isAbsolute(name)) return path.resolve(dir, name);
  return createRequire(path.join(dir, 'package.json')).resolve(name);
}

/** Whether importModule reads `file` as data (JSON or YAML) rather than running it. */
const isDataFile = (file: string) => file.endsWith('.json') || /\.ya?ml$/.test(file);

async function importModule(file: string): Promise<unknown> {
  if (file.endsWith('.json')) return JSON.parse(fs.readFileSync(file, 'utf8'));
  if (/\.ya?ml$/.test(file)) return (await import('yaml')).parse(fs.readFileSync(file, 'utf8'));
  const mod = await import(pathToFileURL(file).href);
  return mod.default ?? mod;
}

async function loadShared(name: string, label: string, dir: string, keyPath: (string | number)[], absolutePath?: string, boundary?: Boundary) {
  let file: string;
  try {
    file = resolveFrom(dir, name);
  } catch {
    throw new ConfigError(label, keyPath, `cannot find shareable config "${name}" (is it installed?)`, absolutePath);
  }
  if (!isDataFile(file)) checkBoundary(boundary, 'shareable config', name, file, label, keyPath, absolutePath);
  // Before reading: extends: "/dev/zero" would otherwise read without end.
  const problem = configFileProblem(file);
  if (problem) throw new ConfigError(label, keyPath, `shareable config "${name}" is ${problem}`, absolutePath);
  try {
    return { config: await importModule(file), file };
  } catch (e) {
    throw new ConfigError(label, keyPath, `cannot load shareable config "${name}": ${String((e as Error).message ?? e).split('\n')[0]}`, absolutePath);
  }
}

async function loadPlugins(refs: PluginRef[], boundary: Boundary | undefined): Promise<Rule[]> {
  const rules: Rule[] = [];
  for (const { name, dir, label, path: absolutePath, index: i } of refs) {
    let exported: unknown;
    try {
      const file = resolveFrom(dir, name);
      if (boundary) checkBoundary(boundary, 'plugin', name, file, label, ['plugins', i], absolutePath);
      exported = await importModule(file);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(label, ['plugins', i], `cannot load plugin "${name}": ${String((e as Error).message ?? e).split('\n')[0]}`, absolutePath);
    }
    const list = Array.isArray(exported) ? exported : (exported as { rules?: unknown })?.rules ?? [exported];
    for (const rule of Array.isArray(list) ? list : Object.values(list as object)) {
      const r = rule as Partial<Rule>;
      if (!r || typeof r.id !== 'string' || (typeof r.check !== 'function' && typeof r.checkMigration !== 'function')) {
        throw new ConfigError(label, ['plugins', i], `plugin "${name}" exports something that is not a rule (a rule needs an id and a check function)`, absolutePath);
      }
      if (r.severity !== 'error' && r.severity !== 'warn') {
        throw new ConfigError(label, ['plugins', i], `plugin rule "${r.id}" needs severity "error" or "warn"`, absolutePath);
      }
      if (builtinRules.some((b) => b.id === r.id) || rules.some((p) => p.id === r.id)) {
        throw new ConfigError(label, ['plugins', i], `plugin rule "${r.id}" has the same id as another rule`, absolutePath);
      }
      rules.push({ ...(r as Rule), summary: r.summary ?? r.id, docs: r.docs ?? { why: '', safe: '', bad: '', good: '' } });
    }
  }
  return rules;
}

function suggest(id: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(id, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best && bestDistance <= Math.max(2, Math.floor(id.length / 4)) ? ` (did you mean "${best}"?)` : ' (see: migratelint rules)';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
