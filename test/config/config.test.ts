import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { lint } from '../../src/lint.js';
import { CONFIG_KEYS } from '../../src/config/schema.js';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const HAZARDS = 'CREATE INDEX i ON orders (a);\nDELETE FROM sessions;\n';

describe('loading', () => {
  it('uses the recommended preset when there is no config', async () => {
    const cwd = project({ 'm/1_a.sql': HAZARDS });
    const config = await loadConfig({ cwd });
    expect(config.file).toBeUndefined();
    expect(config.preset).toBe('recommended');
    expect(config.rules['require-concurrent-index'].severity).toBe('error');
  });

  it.each([
    ['.migratelintrc', '{ "rules": { "require-concurrent-index": "warn" } }'],
    ['.migratelintrc', 'rules:\n  require-concurrent-index: warn\n'],
    ['.migratelintrc.json', '{ "rules": { "require-concurrent-index": "warn" } }'],
    ['.migratelintrc.yaml', 'rules:\n  require-concurrent-index: warn\n'],
    ['.migratelintrc.yml', 'rules:\n  require-concurrent-index: warn\n'],
    ['.migratelintrc.cjs', 'module.exports = { rules: { "require-concurrent-index": "warn" } };'],
    ['.migratelintrc.mjs', 'export default { rules: { "require-concurrent-index": "warn" } };'],
    ['migratelint.config.mjs', 'export default { rules: { "require-concurrent-index": "warn" } };'],
    ['package.json', '{ "name": "x", "migratelint": { "rules": { "require-concurrent-index": "warn" } } }'],
  ])('finds %s', async (name, text) => {
    // The search goes up to the project root, here marked by .git (package.json marks it too).
    const cwd = project({ [name]: text, '.git/HEAD': '', 'sub/dir/.keep': '' });
    const config = await loadConfig({ cwd: path.join(cwd, 'sub', 'dir') });
    expect(path.basename(config.file!)).toBe(name);
    expect(config.rules['require-concurrent-index'].severity).toBe('warn');
  });

  it('stops at the project root: a config above the nearest package.json is not used', async () => {
    const root = project({
      '.migratelintrc.json': '{ "rules": { "require-concurrent-index": "warn" } }',
      'app/package.json': '{ "name": "app" }',
      'app/db/.keep': '',
    });
    const config = await loadConfig({ cwd: path.join(root, 'app', 'db') });
    expect(config.file).toBeUndefined();
    expect(config.rules['require-concurrent-index'].severity).toBe('error');
  });

  it('reports a package.json that is not JSON instead of taking it for no config', async () => {
    const cwd = project({ 'package.json': '{ "name": ', 'db/.keep': '' });
    await expect(loadConfig({ cwd: path.join(cwd, 'db') })).rejects.toThrow(/package\.json: cannot load config/);
  });

  it('takes --config over the search, and reports a missing one', async () => {
    const cwd = project({ '.migratelintrc.json': '{}', 'ci/strict.json': '{ "extends": "migratelint:strict" }' });
    expect((await loadConfig({ cwd, configFile: 'ci/strict.json' })).preset).toBe('strict');
    await expect(loadConfig({ cwd, configFile: 'nope.json' })).rejects.toThrow(/nope\.json: config file not found/);
  });

  it('merges extends: presets, local files and npm packages, later entries winning', async () => {
    const cwd = project({
      'node_modules/@acme/migratelint-config/package.json': '{ "name": "@acme/migratelint-config", "main": "index.js" }',
      'node_modules/@acme/migratelint-config/index.js': 'module.exports = { pgVersion: 13, rules: { "no-drop-cascade": "warn", "unused-disable": "off" } };',
      'base.json': '{ "failOn": "warn", "rules": { "no-drop-cascade": "off" } }',
      '.migratelintrc.json': '{ "extends": ["migratelint:strict", "@acme/migratelint-config", "./base.json"], "rules": { "unused-disable": "error" } }',
    });
    const config = await loadConfig({ cwd });
    expect(config.preset).toBe('strict');
    expect(config.pgVersion).toBe(13);
    expect(config.failOn).toBe('warn');
    expect(config.rules['no-drop-cascade'].severity).toBe('off');
    expect(config.rules['unused-disable'].severity).toBe('error');
  });

  it('loads plugin rules and runs them', async () => {
    const cwd = project({
      'rules/no-select-star.mjs': `export default { id: 'no-select-star', severity: 'warn', summary: 'no SELECT *',
        docs: { why: 'w', safe: 's', bad: 'b', good: 'g' },
        check({ statements, report }) { for (const s of statements.of('SelectStmt')) report(s, 'SELECT in a migration'); } };`,
      '.migratelintrc.json': '{ "plugins": ["./rules/no-select-star.mjs"], "rules": { "no-select-star": "error" } }',
      'm/1_a.sql': 'SELECT 1;\n',
    });
    const config = await loadConfig({ cwd });
    const result = await lint(['m'], { cwd, config });
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.range.start.line])).toEqual([['no-select-star', 'error', 1]]);
  });
});

describe('validation errors name the file, line, key path and what was expected', () => {
  it.each([
    ['{\n  "rulez": {}\n}', /\.migratelintrc\.json:2: rulez: unknown key \(expected one of: extends, rules/],
    ['{\n  "rules": {\n    "require-concurent-index": "error"\n  }\n}', /\.migratelintrc\.json:3: rules\.require-concurent-index: unknown rule \(did you mean "require-concurrent-index"\?\)/],
    ['{ "rules": { "no-drop-cascade": "fatal" } }', /\.migratelintrc\.json:1: rules\.no-drop-cascade: bad severity "fatal"/],
    ['{ "rules": { "no-drop-cascade": ["error", 3] } }', /rules\.no-drop-cascade\.1: rule options must be an object/],
    ['{ "pgVersion": "15" }', /pgVersion: expected a PostgreSQL major version such as 15, got "15"/],
    ['{ "include": "migrations" }', /include: expected an array of strings/],
    ['{ "formats": { "db/**": "ecto" } }', /formats\.db\/\*\*: unknown format "ecto"/],
    ['{ "failOn": "info" }', /failOn: expected "error" or "warn"/],
    ['{ "down": "ignore" }', /down: expected "lint", "warn", "off", got "ignore"/],
    ['{ "down": false }', /down: expected "lint", "warn", "off", got boolean/],
    ['{ "dialect": "mysql" }', /dialect: expected "auto" or "postgresql", got "mysql"/],
    ['{ "transaction": { "knex": "yes" } }', /transaction\.knex: expected true or false/],
    ['{ "extends": "migratelint:lenient" }', /extends: unknown preset "migratelint:lenient"/],
    ['{ "extends": "@nobody/nothing" }', /extends: cannot find shareable config "@nobody\/nothing"/],
    ['{ "plugins": ["./missing.js"] }', /plugins\.0: cannot load plugin "\.\/missing\.js"/],
    ['{ "validate": { "trail": false } }', /validate\.trail: unknown check \(expected one of: lint, sequence, reversibility, trial, drift\)/],
    ['{ "validate": { "trial": "no" } }', /validate\.trial: expected true or false, got "no"/],
    // Rule options are checked against the rule's options schema.
    [
      '{\n  "rules": {\n    "no-rewriting-column-type-change": ["error", { "utcTimezone": true }]\n  }\n}',
      /\.migratelintrc\.json:3: rules\.no-rewriting-column-type-change\.1\.utcTimezone: unknown option of no-rewriting-column-type-change \(it takes: utcTimeZone\)/,
    ],
    ['{ "rules": { "no-rewriting-column-type-change": ["warn", { "utcTimeZone": "yes" }] } }', /utcTimeZone: must be boolean \(rule no-rewriting-column-type-change\)/],
    ['{ "rules": { "no-drop-table": ["error", { "tables": ["x"] }] } }', /rules\.no-drop-table\.1: rule no-drop-table takes no options/],
  ])('%s', async (text, expected) => {
    const cwd = project({ '.migratelintrc.json': text });
    await expect(loadConfig({ cwd })).rejects.toThrow(expected);
  });

  it('names the YAML line too', async () => {
    const cwd = project({ '.migratelintrc.yaml': 'extends: migratelint:recommended\nrules:\n  no-drop-cascade: sometimes\n' });
    await expect(loadConfig({ cwd })).rejects.toThrow(/\.migratelintrc\.yaml:3: rules\.no-drop-cascade: bad severity "sometimes"/);
  });

  it('reports a config that is not valid JSON in one line', async () => {
    const cwd = project({ '.migratelintrc.json': '{ "rules": ' });
    await expect(loadConfig({ cwd })).rejects.toThrow(/^\.migratelintrc\.json: cannot load config: [^\n]+$/);
  });
});

describe('.migratelintrc.example', () => {
  const example = fs.readFileSync(path.resolve(__dirname, '../../.migratelintrc.example'), 'utf8');

  it('documents every key', () => {
    const documented = [...example.matchAll(/^([a-zA-Z]+):/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('is a config that loads', async () => {
    const cwd = project({ '.migratelintrc.yaml': example, 'db/migrations/1_a.sql': 'SELECT 1;\n' });
    const config = await loadConfig({ cwd });
    expect(config.rules['no-rewriting-column-type-change']).toEqual({ severity: 'error', options: { utcTimeZone: false } });
  });
});

describe('rule options', () => {
  it('reach the rule once the schema accepts them', async () => {
    const sql = 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;\n';
    const plain = project({ 'm/1_a.sql': sql });
    const utc = project({ 'm/1_a.sql': sql, '.migratelintrc.json': '{ "rules": { "no-rewriting-column-type-change": ["error", { "utcTimeZone": true }] } }' });
    const ids = async (cwd: string) => (await lint(['m'], { cwd, config: await loadConfig({ cwd }) })).findings.map((f) => f.ruleId);
    expect(await ids(plain)).toContain('no-rewriting-column-type-change');
    expect(await ids(utc)).not.toContain('no-rewriting-column-type-change');
  });
});

describe('keys in effect', () => {
  it('include and exclude select the files of a walked folder', async () => {
    const cwd = project({
      '.migratelintrc.json': '{ "include": ["db"], "exclude": ["db/archive/**"] }',
      'db/1_new.sql': HAZARDS,
      'db/archive/0_old.sql': HAZARDS,
      'other/x.sql': HAZARDS,
    });
    const config = await loadConfig({ cwd });
    const result = await lint(['.'], { cwd, config });
    expect(result.files).toEqual([path.join('db', '1_new.sql')]);
  });

  it('down: lint (default) counts down findings, warn caps them at warnings, off leaves them out', async () => {
    const pair = { 'db/1_a.up.sql': 'CREATE TABLE a (id bigint);\n', 'db/1_a.down.sql': 'DELETE FROM a;\nDROP TABLE a;\n' };
    const run = async (setting?: string) => {
      const cwd = project({ ...pair, ...(setting ? { '.migratelintrc.json': JSON.stringify({ down: setting }) } : {}) });
      const config = await loadConfig({ cwd });
      const result = await lint(['db'], { cwd, config });
      const deletes = result.findings.filter((f) => f.ruleId === 'no-delete-without-where');
      return { down: config.down, deletes: deletes.map((f) => `${f.direction}:${f.severity}`), summary: result.down };
    };
    expect(await run()).toEqual({ down: 'lint', deletes: ['down:error'], summary: undefined });
    expect(await run('lint')).toEqual({ down: 'lint', deletes: ['down:error'], summary: undefined });
    expect(await run('warn')).toEqual({ down: 'warn', deletes: ['down:warn'], summary: { setting: 'warn', hidden: 0 } });
    const off = await run('off');
    expect(off.deletes).toEqual([]);
    expect(off.summary?.setting).toBe('off');
    expect(off.summary?.hidden).toBeGreaterThanOrEqual(1);
  });

  it('dialect: auto (default) sets aside a project whose knexfile names MySQL; postgresql lints it as PostgreSQL', async () => {
    const files = {
      'package.json': '{}',
      'knexfile.js': "module.exports = { client: 'mysql', connection: {} };",
      'db/1_a.js': "exports.up = (knex) => knex.raw('ALTER TABLE `t` MODIFY `c` INT');\nexports.down = async () => {};\n",
    };
    const run = async (setting?: string) => {
      const cwd = project({ ...files, ...(setting ? { '.migratelintrc.json': JSON.stringify({ dialect: setting }) } : {}) });
      const config = await loadConfig({ cwd });
      const result = await lint(['db'], { cwd, config });
      return { dialect: config.dialect, parseErrors: result.findings.filter((f) => f.ruleId === 'parse-error').length, notPostgres: result.otherDatabases?.map((p) => `${p.file} ${p.setting}`) };
    };
    expect(await run()).toEqual({ dialect: 'auto', parseErrors: 0, notPostgres: ['knexfile.js client mysql'] });
    expect(await run('postgresql')).toEqual({ dialect: 'postgresql', parseErrors: 1, notPostgres: undefined });
  });

  it('formats forces a format on matching files', async () => {
    const cwd = project({ '.migratelintrc.json': '{ "formats": { "legacy/*.sql": "flyway" } }', 'legacy/a.sql': 'SELECT 1;' });
    const config = await loadConfig({ cwd });
    const result = await lint(['legacy'], { cwd, config });
    expect(result.migrations[0].format).toBe('flyway');
  });

  it('pgVersion reaches the rules', async () => {
    const seen: number[] = [];
    const cwd = project({ '.migratelintrc.json': '{ "pgVersion": 12 }', 'a.sql': 'SELECT 1;' });
    const config = await loadConfig({ cwd });
    const probe = { id: 'probe', severity: 'warn' as const, summary: 'probe rule', docs: { why: 'w', safe: 's', bad: 'b', good: 'g' }, check: (ctx: { pgVersion: number }) => void seen.push(ctx.pgVersion) };
    await lint(['a.sql'], { cwd, config, extraRules: [probe] });
    expect(seen).toEqual([12]);
  });

  it('transaction per format reaches the rules, over the format default', async () => {
    const seen: (boolean | undefined)[] = [];
    const cwd = project({
      '.migratelintrc.json': '{ "transaction": { "dbmate": false } }',
      'a.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n',
      'V1__b.sql': 'SELECT 1;',
    });
    const config = await loadConfig({ cwd });
    const probe = { id: 'probe', severity: 'warn' as const, summary: 'probe rule', docs: { why: 'w', safe: 's', bad: 'b', good: 'g' }, check: (ctx: { inTransaction: boolean | undefined; sectionName: string }) => void (ctx.sectionName === 'up' && seen.push(ctx.inTransaction)) };
    await lint(['V1__b.sql', 'a.sql'], { cwd, config, extraRules: [probe] });
    // flyway keeps its default (true), dbmate is overridden to false.
    expect(seen).toEqual([true, false]);
  });

  it('strict turns style rules on that recommended leaves off', async () => {
    const { builtinRules } = await import('../../rules/index.js');
    const style = builtinRules.filter((r) => r.presets?.recommended === 'off');
    const cwd = project({ '.migratelintrc.json': '{ "extends": "migratelint:strict" }' });
    const strict = await loadConfig({ cwd });
    const recommended = await loadConfig({ cwd: project({}) });
    for (const r of style) {
      expect(recommended.rules[r.id].severity).toBe('off');
      expect(strict.rules[r.id].severity).not.toBe('off');
    }
  });
});
