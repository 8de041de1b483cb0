import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

const MIGRATION = { 'db/migrations/001_a.up.sql': 'CREATE TABLE t (id bigint);', 'db/migrations/001_a.down.sql': 'DROP TABLE t;' };
// A format migratelint recognises but does not read (Rails migrations used to be the example; they are read now).
const ECTO = { 'priv/repo/migrations/20240101000000_create_users.exs': 'defmodule Repo.Migrations.CreateUsers do\nend\n', 'mix.exs': '' };

/** One line on stderr, exit 2. */
function expectUsageError(run: { code: number; stderr: string }, message: RegExp) {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
}

describe('a named path that holds no migration file is exit 2, saying what was looked for', () => {
  it.each(['lint', 'validate', 'baseline'])('%s on an empty folder, and on one with only a README', async (command) => {
    const cwd = tempProject({ 'docs/README.md': '# hi', ...MIGRATION });
    fs.mkdirSync(path.join(cwd, 'empty'));
    for (const dir of ['empty', 'docs']) {
      expectUsageError(await runCli([command, dir], { cwd }), new RegExp(`^migratelint: ${dir}: no migration files \\(looked for \\*\\.sql, .*\\*\\.py, \\*\\.rb files`));
    }
    // One empty folder among good ones is still a mistake.
    expectUsageError(await runCli([command, 'db/migrations', 'empty'], { cwd }), /^migratelint: empty: no migration files/);
  });

  it.each(['lint', 'validate'])('%s on an Ecto migrations folder names the Ecto migrations it found', async (command) => {
    const cwd = tempProject(ECTO);
    const run = await runCli([command, 'priv/repo/migrations'], { cwd });
    expectUsageError(run, /priv\/repo\/migrations: no migration files .*found Ecto migrations \(Elixir\): 1 file such as priv\/repo\/migrations\/20240101000000_create_users\.exs — migratelint does not read these/);
  });

  it('a folder of code that holds no migration (helper modules) is exit 2 too', async () => {
    const cwd = tempProject({ 'src/util.ts': 'export const x = 1;\n' });
    expectUsageError(await runCli(['lint', 'src'], { cwd }), /^migratelint: src: no migrations: the files there are not migrations/);
  });

  it('the config include: a path that does not exist or holds nothing, and a glob that matches nothing', async () => {
    const missing = tempProject({ '.migratelintrc.json': '{ "include": ["migrations"] }', ...ECTO });
    expectUsageError(await runCli(['lint'], { cwd: missing }), /^migratelint: \.migratelintrc\.json: include "migrations": no such file or folder; found Ecto migrations/);
    expectUsageError(await runCli(['validate'], { cwd: missing }), /include "migrations": no such file or folder/);
    const empty = tempProject({ '.migratelintrc.json': '{ "include": ["migrations"] }', 'migrations/.keep': '' });
    expectUsageError(await runCli(['lint'], { cwd: empty }), /include "migrations": no migration files \(looked for/);
    const glob = tempProject({ '.migratelintrc.json': '{ "include": ["db/**/*.sql"] }', 'db/x.txt': '' });
    expectUsageError(await runCli(['lint'], { cwd: glob }), /^migratelint: no migration files match the config's include \(db\/\*\*\/\*\.sql\) in \.migratelintrc\.json/);
  });

  it('validate does not pass with 0 migrations', async () => {
    const cwd = tempProject({ 'migrations/notes.txt': 'nothing here' });
    const run = await runCli(['validate'], { cwd });
    expectUsageError(run, /^migratelint: migrations: no migration files/);
    expect(run.stdout).not.toMatch(/passed/);
  });

  it('a file named alone that is not a migration is no error (pre-commit passes a Django __init__.py)', async () => {
    const cwd = tempProject({ 'shop/migrations/__init__.py': '', 'manage.py': '' });
    const run = await runCli(['lint', 'shop/migrations/__init__.py'], { cwd });
    expect(run.code).toBe(0);
  });

  it('--changed-since that finds no changed migration is a pass', async () => {
    const cwd = tempProject(MIGRATION);
    const git = (...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-qm', 'base');
    const run = await runCli(['lint', 'db/migrations', '--changed-since', 'HEAD'], { cwd });
    expect([run.code, run.stderr]).toEqual([0, '']);
  });
});

describe('init that finds no migrations', () => {
  it('writes no include, says so, and the next lint asks for paths', async () => {
    const cwd = tempProject({ 'README.md': '# app' });
    const run = await runCli(['init'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/migrations: none found, so no "include" was written \(looked in prisma\/migrations, .*db\/migrations/);
    const config = JSON.parse(fs.readFileSync(path.join(cwd, '.migratelintrc.json'), 'utf8'));
    expect(config.include).toBeUndefined();
    expectUsageError(await runCli(['lint'], { cwd }), /no paths given/);
  });

  it('names the formats it recognised but cannot read: Ecto, Liquibase', async () => {
    const cwd = tempProject({ ...ECTO, 'src/main/resources/db/changelog/db.changelog-master.xml': '<databaseChangeLog/>' });
    const run = await runCli(['init'], { cwd });
    expect(run.stdout).toMatch(/found instead \(migratelint does not read these\):\n {4}Ecto migrations \(Elixir\): 1 file such as priv\/repo\/migrations\/20240101000000_create_users\.exs/);
    expect(run.stdout).toMatch(/Liquibase changelogs: 1 file such as src\/main\/resources\/db\/changelog\/db\.changelog-master\.xml/);
    expect(JSON.parse(fs.readFileSync(path.join(cwd, '.migratelintrc.json'), 'utf8')).include).toBeUndefined();
  });

  it('still writes the folders it finds (uptime-kuma keeps knex migrations in db/knex_migrations)', async () => {
    const cwd = tempProject({ 'db/knex_migrations/2023-08-16-0000-x.js': 'exports.up = (knex) => knex.schema.dropTable("a");\nexports.down = () => {};\n' });
    await runCli(['init'], { cwd });
    expect(JSON.parse(fs.readFileSync(path.join(cwd, '.migratelintrc.json'), 'utf8')).include).toEqual(['db/knex_migrations']);
  });
});
