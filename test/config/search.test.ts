import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { findProjectRoot } from '../../src/config/search.js';
import { runCli } from '../helpers/cli.js';

// Issue 16: a JavaScript config in a parent folder (no package.json in between, as in a Go
// or Python repository) was executed by every command and silently turned a rule off.

const dirs: string[] = [];
/** A tree of files under a fresh temp folder (the "/tmp/x" of the issue); returns its path. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-search-'));
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

/** Writes EXECUTED beside itself when run, and turns the rule the migration breaks off. */
const HOSTILE = (marker = 'EXECUTED') =>
  `require('fs').writeFileSync(require('path').join(__dirname, ${JSON.stringify(marker)}), 'ran');\n` +
  `module.exports = { rules: { 'require-concurrent-index': 'off' } };\n`;
/** A plugin that writes EXECUTED beside itself when imported. */
const HOSTILE_PLUGIN =
  `import fs from 'node:fs'; import path from 'node:path'; import { fileURLToPath } from 'node:url';\n` +
  `fs.writeFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'EXECUTED'), 'ran');\n` +
  `export default { id: 'evil', severity: 'warn', summary: 's', check() {} };\n`;
const MIGRATION = { 'proj/db/001_a.sql': 'CREATE INDEX i ON orders (a);\n' };

describe('the config search stops at the project root', () => {
  it.each([
    ['a .git folder', { 'proj/.git/HEAD': 'ref: refs/heads/main\n' }],
    ['a .git file (worktree, submodule)', { 'proj/.git': 'gitdir: ../elsewhere/.git\n' }],
    ['pyproject.toml', { 'proj/pyproject.toml': '[project]\nname = "p"\n' }],
    ['go.mod', { 'proj/go.mod': 'module example.com/p\n' }],
    ['Cargo.toml', { 'proj/Cargo.toml': '[package]\n' }],
    ['setup.py', { 'proj/setup.py': '' }],
    ['Gemfile', { 'proj/Gemfile': '' }],
    ['no project marker at all (only the working directory is searched)', {}],
  ])('with %s, lint does not run a parent folder\'s .migratelintrc.cjs and reports the rule', async (_, markers) => {
    const x = tree({ '.migratelintrc.cjs': HOSTILE(), ...markers, ...MIGRATION });
    const run = await runCli(['lint', 'db'], { cwd: path.join(x, 'proj') });
    expect(fs.existsSync(path.join(x, 'EXECUTED'))).toBe(false);
    expect(run.stdout).toMatch(/require-concurrent-index/);
    expect(run.code).toBe(1);
  });

  it('searches from a subfolder up to the marker, and not a folder further', async () => {
    const x = tree({
      '.migratelintrc.cjs': HOSTILE(),
      'proj/.git/HEAD': '',
      'proj/.migratelintrc.json': '{ "rules": { "require-concurrent-index": "warn" } }',
      'proj/db/001_a.sql': 'CREATE INDEX i ON orders (a);\n',
    });
    const config = await loadConfig({ cwd: path.join(x, 'proj', 'db') });
    expect(config.file).toBe(path.join('..', '.migratelintrc.json'));
    expect(config.rules['require-concurrent-index'].severity).toBe('warn');
    expect(fs.existsSync(path.join(x, 'EXECUTED'))).toBe(false);
  });

  it('the nearest marker wins: a package.json below the git top level stops the search there', () => {
    const x = tree({ '.git/HEAD': '', 'apps/web/package.json': '{}', 'apps/web/db/.keep': '' });
    expect(findProjectRoot(path.join(x, 'apps', 'web', 'db'))).toMatchObject({ root: path.join(x, 'apps', 'web'), marker: 'package.json' });
    expect(findProjectRoot(path.join(x, 'apps'))).toMatchObject({ root: x, marker: '.git' });
  });

  it('without any marker, the working directory itself is searched and no folder above it', async () => {
    const x = tree({ '.migratelintrc.json': '{ "rules": { "require-concurrent-index": "off" } }', 'a/.migratelintrc.json': '{ "pgVersion": 13 }', 'a/b/.keep': '' });
    expect(findProjectRoot(path.join(x, 'a', 'b'))).toEqual({ from: path.join(x, 'a', 'b'), root: path.join(x, 'a', 'b') });
    expect((await loadConfig({ cwd: path.join(x, 'a', 'b') })).file).toBeUndefined();
    expect((await loadConfig({ cwd: path.join(x, 'a') })).pgVersion).toBe(13);
  });

  it('validate, print-config, baseline and apply --dry-run do not run it either', async () => {
    const x = tree({ '.migratelintrc.cjs': HOSTILE(), 'proj/.git/HEAD': '', ...MIGRATION });
    const cwd = path.join(x, 'proj');
    const printed = await runCli(['print-config', 'db/001_a.sql'], { cwd });
    expect(JSON.parse(printed.stdout).rules['require-concurrent-index']).toBe('error');
    const baseline = await runCli(['baseline', 'db'], { cwd });
    expect(baseline.stdout).toMatch(/recorded 1 finding/);
    fs.rmSync(path.join(cwd, '.migratelint-baseline.json'));
    const applied = await runCli(['apply', 'db', '--dry-run'], { cwd });
    expect(applied.stderr).toMatch(/apply would refuse: 1 error-level lint finding/);
    expect((await runCli(['validate', 'db', '--no-trial', '--no-reversibility'], { cwd })).code).toBe(1);
    expect(fs.existsSync(path.join(x, 'EXECUTED'))).toBe(false);
  }, 60_000);

  it('--config ../.migratelintrc.cjs still loads it', async () => {
    const x = tree({ '.migratelintrc.cjs': HOSTILE(), 'proj/.git/HEAD': '', ...MIGRATION });
    const run = await runCli(['lint', 'db', '--config', '../.migratelintrc.cjs'], { cwd: path.join(x, 'proj') });
    expect(fs.existsSync(path.join(x, 'EXECUTED'))).toBe(true);
    expect(run.code).toBe(0);
  });

  it('the fast path still finds a config inside the project, and a package.json key', async () => {
    const x = tree({ 'proj/pyproject.toml': '', 'proj/.migratelintrc.cjs': HOSTILE(), ...MIGRATION });
    expect((await runCli(['lint', 'db'], { cwd: path.join(x, 'proj') })).code).toBe(0);
    expect(fs.existsSync(path.join(x, 'proj', 'EXECUTED'))).toBe(true);
    const y = tree({ 'package.json': '{ "migratelint": { "pgVersion": 12 } }', 'db/.keep': '' });
    expect((await loadConfig({ cwd: path.join(y, 'db') })).pgVersion).toBe(12);
  });

  it('skips an empty config file and a package.json without the key, as the search always did', async () => {
    const x = tree({ '.git/HEAD': '', '.migratelintrc.json': '{ "pgVersion": 14 }', 'db/.migratelintrc': '', 'db/package.json': '{ "name": "db" }' });
    // db/package.json is a marker: the search stops in db, whose only config is empty.
    expect((await loadConfig({ cwd: path.join(x, 'db') })).file).toBeUndefined();
    fs.rmSync(path.join(x, 'db', 'package.json'));
    expect((await loadConfig({ cwd: path.join(x, 'db') })).pgVersion).toBe(14);
  });
});

describe('JavaScript outside the project root is loaded only from a config given with --config', () => {
  it('refuses a plugin whose relative path escapes the project, in one line naming the key', async () => {
    const x = tree({
      'evil/plugin.mjs': HOSTILE_PLUGIN,
      'proj/.git/HEAD': '',
      'proj/.migratelintrc.json': '{\n  "plugins": ["../evil/plugin.mjs"]\n}\n',
      ...MIGRATION,
    });
    const cwd = path.join(x, 'proj');
    const run = await runCli(['lint', 'db'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^migratelint: \.migratelintrc\.json:2: plugins\.0: plugin "\.\.\/evil\/plugin\.mjs" is \.\.\/evil\/plugin\.mjs, outside the project root \.: .*--config/);
    expect(fs.existsSync(path.join(x, 'evil', 'EXECUTED'))).toBe(false);

    // Named with --config, the same config may load it.
    const trusted = await loadConfig({ cwd, configFile: '.migratelintrc.json' });
    expect(trusted.pluginRules.map((r) => r.id)).toEqual(['evil']);
    expect(fs.existsSync(path.join(x, 'evil', 'EXECUTED'))).toBe(true);
  });

  it('refuses an absolute plugin path outside the project, and one given in an extended config file', async () => {
    const x = tree({ 'evil/plugin.mjs': HOSTILE_PLUGIN, 'shared/base.json': '{ "plugins": ["../evil/plugin.mjs"] }', 'proj/.git/HEAD': '' });
    const cwd = path.join(x, 'proj');
    fs.writeFileSync(path.join(cwd, '.migratelintrc.json'), JSON.stringify({ plugins: [path.join(x, 'evil', 'plugin.mjs')] }));
    await expect(loadConfig({ cwd })).rejects.toThrow(/plugins\.0: plugin ".*plugin\.mjs" is \.\.\/evil\/plugin\.mjs, outside the project root/);
    // A JSON config outside the project may be extended (it is data); its plugins are held to the same root.
    fs.writeFileSync(path.join(cwd, '.migratelintrc.json'), '{ "extends": "../shared/base.json" }');
    await expect(loadConfig({ cwd })).rejects.toThrow(/base\.json:1: plugins\.0: plugin "\.\.\/evil\/plugin\.mjs" is \.\.\/evil\/plugin\.mjs, outside the project root/);
    expect(fs.existsSync(path.join(x, 'evil', 'EXECUTED'))).toBe(false);
  });

  it('refuses extending a JavaScript config outside the project', async () => {
    const x = tree({ 'base.cjs': HOSTILE(), 'proj/pyproject.toml': '', 'proj/.migratelintrc.json': '{ "extends": ["migratelint:strict", "../base.cjs"] }' });
    await expect(loadConfig({ cwd: path.join(x, 'proj') })).rejects.toThrow(/\.migratelintrc\.json:1: extends\.1: shareable config "\.\.\/base\.cjs" is \.\.\/base\.cjs, outside the project root \./);
    expect(fs.existsSync(path.join(x, 'EXECUTED'))).toBe(false);
  });

  it('loads plugins and shareable configs from the project\'s node_modules, and from a workspace\'s hoisted node_modules inside the git repository', async () => {
    const plugin = `export default { id: 'probe', severity: 'warn', summary: 's', check() {} };\n`;
    const x = tree({
      'repo/.git/HEAD': '',
      'repo/node_modules/hoisted-plugin/package.json': '{ "name": "hoisted-plugin", "main": "index.mjs" }',
      'repo/node_modules/hoisted-plugin/index.mjs': plugin,
      'repo/packages/app/package.json': '{ "name": "app" }',
      'repo/packages/app/node_modules/local-config/package.json': '{ "name": "local-config", "main": "index.cjs" }',
      'repo/packages/app/node_modules/local-config/index.cjs': 'module.exports = { pgVersion: 14 };',
      'repo/packages/app/.migratelintrc.json': '{ "extends": "local-config", "plugins": ["hoisted-plugin"] }',
    });
    const config = await loadConfig({ cwd: path.join(x, 'repo', 'packages', 'app') });
    expect(config.pgVersion).toBe(14);
    expect(config.pluginRules.map((r) => r.id)).toEqual(['probe']);
  });

  it('refuses a plugin package that Node finds only in a node_modules above the project\'s git repository', async () => {
    const x = tree({
      'node_modules/evil-plugin/package.json': '{ "name": "evil-plugin", "main": "index.mjs", "type": "module" }',
      'node_modules/evil-plugin/index.mjs': HOSTILE_PLUGIN,
      'proj/.git/HEAD': '',
      'proj/.migratelintrc.json': '{ "plugins": ["evil-plugin"] }',
    });
    await expect(loadConfig({ cwd: path.join(x, 'proj') })).rejects.toThrow(
      /plugins\.0: plugin "evil-plugin" is \.\.\/node_modules\/evil-plugin\/index\.mjs, outside the project root \. and its git repository/,
    );
    expect(fs.existsSync(path.join(x, 'node_modules', 'evil-plugin', 'EXECUTED'))).toBe(false);
  });
});

describe('print-config says where the config came from', () => {
  it('the file used, relative to the working directory', async () => {
    const x = tree({ '.git/HEAD': '', '.migratelintrc.yaml': 'pgVersion: 13\n', 'db/001_a.sql': 'SELECT 1;\n' });
    const out = JSON.parse((await runCli(['print-config', '001_a.sql'], { cwd: path.join(x, 'db') })).stdout);
    expect(out.configFile).toBe(path.join('..', '.migratelintrc.yaml'));
    expect(out.configSource).toBe(`${path.join('..', '.migratelintrc.yaml')}, found searching from . up to the project root .., which holds .git`);
    const given = JSON.parse((await runCli(['print-config', '001_a.sql', '--config', '../.migratelintrc.yaml'], { cwd: path.join(x, 'db') })).stdout);
    expect(given.configSource).toBe(`${path.join('..', '.migratelintrc.yaml')}, given with --config`);
  });

  it('or that none was found and where the search stopped', async () => {
    const x = tree({ '.migratelintrc.cjs': HOSTILE(), 'proj/go.mod': '', 'proj/db/001_a.sql': 'SELECT 1;\n', 'loose/a.sql': 'SELECT 1;\n' });
    const out = JSON.parse((await runCli(['print-config', '001_a.sql'], { cwd: path.join(x, 'proj', 'db') })).stdout);
    expect(out.configFile).toBeNull();
    expect(out.configSource).toBe('no config file found searching from . up to the project root .., which holds go.mod');
    const loose = JSON.parse((await runCli(['print-config', 'a.sql'], { cwd: path.join(x, 'loose') })).stdout);
    expect(loose.configSource).toMatch(/^no config file found searching \. only, as neither it nor any folder above it holds any of \.git, package\.json/);
    expect(fs.existsSync(path.join(x, 'EXECUTED'))).toBe(false);
  });
});
