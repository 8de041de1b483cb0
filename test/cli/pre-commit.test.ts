/**
 * The pre-commit hook (.pre-commit-hooks.yaml): its `files` pattern against every folder
 * layout the migration tools use, compiled as pre-commit compiles it (Python's re, with
 * search) and as JavaScript would, and each layout against what `lint` discovers and reads;
 * then what the hook reports when a commit stages only part of a migration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';
import { SKIPPED_DIRS } from '../../src/discover/index.js';

afterEach(cleanupProjects);

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'fixtures');
const fixture = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

interface Hook {
  id: string;
  entry: string;
  files: string;
  exclude: string;
  pass_filenames: boolean;
  verbose?: boolean;
}
const [hook] = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

/** Where each tool keeps its migrations, with a real migration of that tool (and its partner, for pairs). */
const LAYOUTS: [string, Record<string, string>][] = [
  ['knex in db/knex_migrations (uptime-kuma)', { 'db/knex_migrations/2023-08-16-0000-create-users.js': fixture('typescript/knex/20210101120000_create_users.js') }],
  ['knex in migrations/', { 'migrations/20210101120000_create_users.js': fixture('typescript/knex/20210101120000_create_users.js') }],
  ['TypeORM in src/migration/', { 'src/migration/1700000000000-InitialSchema.ts': fixture('typescript/typeorm/1700000000000-InitialSchema.ts') }],
  ['TypeORM in src/database/migrations/', { 'src/database/migrations/1700000000000-InitialSchema.ts': fixture('typescript/typeorm/1700000000000-InitialSchema.ts') }],
  ['Sequelize in migrations/', { 'migrations/20230101000000-create-user.js': fixture('typescript/sequelize/20230101000000-create-user.js') }],
  ['node-pg-migrate in migrations/', { 'migrations/1600000000000_create-posts.js': fixture('typescript/node-pg-migrate/1600000000000_create-posts.js') }],
  ['Kysely in src/db/migrations/', { 'src/db/migrations/2024-01-10T120000_create_pet.ts': fixture('typescript/kysely/2024-01-10T120000_create_pet.ts') }],
  ['MikroORM in src/migrations/', { 'src/migrations/Migration20240101120000.ts': fixture('typescript/mikro-orm/Migration20240101120000.ts') }],
  ['db-migrate in migrations/', { 'migrations/20150605120000-add-pets.js': fixture('typescript/db-migrate/20150605120000-add-pets.js') }],
  ['Alembic in alembic/versions/', { 'alembic/versions/1a2b3c4d5e6f_create_users.py': fixture('python/alembic/versions/1a2b3c4d5e6f_create_users.py') }],
  ['Flask-Migrate in migrations/versions/', { 'migrations/versions/1a2b3c4d5e6f_create_users.py': fixture('python/alembic/versions/1a2b3c4d5e6f_create_users.py') }],
  ['Rails in db/migrate/', { 'db/migrate/20240301090000_add_sku_to_products.rb': fixture('ruby/rails-app/db/migrate/20240301090000_add_sku_to_products.rb') }],
  ['Rails engines in <engine>/db/migrate/', { 'engines/billing/db/migrate/20240310090000_create_billing_invoices.rb': fixture('ruby/rails-app/engines/billing/db/migrate/20240310090000_create_billing_invoices.rb') }],
  ['Django in <app>/migrations/', { 'shop/migrations/0001_initial.py': fixture('python/django/shop/migrations/0001_initial.py'), 'shop/migrations/__init__.py': '' }],
  ['Prisma in prisma/migrations/<ts>/migration.sql', { 'prisma/migrations/20230101000000_init/migration.sql': fixture('sql/prisma/migrations/20230101000000_init/migration.sql') }],
  ['Drizzle in drizzle/', { 'drizzle/0000_brave_hulk.sql': fixture('sql/drizzle/drizzle/0000_brave_hulk.sql') }],
  ['goose in migrations/', { 'migrations/20230601100000_create_orders.sql': fixture('sql/goose/migrations/20230601100000_create_orders.sql') }],
  ['dbmate in db/migrations/', { 'db/migrations/20230105093000_create_teams.sql': fixture('sql/dbmate/db/migrations/20230105093000_create_teams.sql') }],
  ['golang-migrate in db/migrations/', { 'db/migrations/000001_create_users.up.sql': fixture('sql/golang-migrate/000001_create_users.up.sql'), 'db/migrations/000001_create_users.down.sql': fixture('sql/golang-migrate/000001_create_users.down.sql') }],
  ['diesel in migrations/<dir>/up.sql', { 'migrations/2023-04-01-120000_create_posts/up.sql': fixture('sql/diesel/migrations/2023-04-01-120000_create_posts/up.sql'), 'migrations/2023-04-01-120000_create_posts/down.sql': fixture('sql/diesel/migrations/2023-04-01-120000_create_posts/down.sql') }],
  ['Flyway in src/main/resources/db/migration/', { 'src/main/resources/db/migration/V1__create_accounts.sql': fixture('sql/flyway/no-undo/V1__create_accounts.sql') }],
  ['Flyway V files in any folder', { 'database/V2__add_account_region.sql': fixture('sql/flyway/no-undo/V2__add_account_region.sql') }],
  ['Flyway repeatable R__ files in any folder', { 'sql/R__account_summary_view.sql': fixture('sql/flyway/no-undo/R__account_summary_view.sql') }],
  ['Supabase in supabase/migrations/', { 'supabase/migrations/20240101000000_init.sql': 'CREATE TABLE t (id bigint);\n' }],
  ['sqlx in migrations/', { 'migrations/20240101000000_init.sql': 'CREATE TABLE t (id bigint);\n' }],
];

/** Paths the hook must leave alone: not migrations, or inside folders lint never walks into. */
const NOT_MIGRATIONS = [
  'docs/queries.sql',
  'src/app.ts',
  'README.md',
  'migrations/README.md',
  'app/models/user.rb',
  'node_modules/some-pkg/migrations/001_init.sql',
  '.venv/lib/python3.11/site-packages/django/contrib/auth/migrations/0001_initial.py',
  'dist/migrations/1700000000000-InitialSchema.js',
  'build/db/migrations/001.sql',
];

const layoutFiles = LAYOUTS.flatMap(([, files]) => Object.keys(files).filter((f) => !f.endsWith('__init__.py')));

/** The hook's selection as JavaScript reads the patterns (search, as pre-commit does). */
const selectedInJs = (file: string) => new RegExp(hook.files).test(file) && !new RegExp(hook.exclude).test(file);

/** The hook's selection as pre-commit makes it: Python's re.search with `files`, then not `exclude`. */
function selectedInPython(files: string[]): boolean[] | undefined {
  const script = 'import json,re,sys\nd=json.load(sys.stdin)\nf=re.compile(d["files"]);x=re.compile(d["exclude"])\nprint(json.dumps([bool(f.search(p)) and not x.search(p) for p in d["paths"]]))';
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify({ files: hook.files, exclude: hook.exclude, paths: files }), encoding: 'utf8' });
  return run.status === 0 ? JSON.parse(run.stdout) : undefined;
}
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('the hook manifest', () => {
  it('runs lint on the files given, in one process, and shows its output on a passing commit (warnings)', () => {
    expect(hook).toMatchObject({ id: 'migratelint', entry: 'migratelint lint', pass_filenames: true, verbose: true });
  });

  it.each(LAYOUTS.map(([name]) => name))('its files pattern matches %s (JavaScript)', (name) => {
    const files = Object.keys(LAYOUTS.find(([n]) => n === name)![1]).filter((f) => !f.endsWith('__init__.py'));
    expect(files.filter((f) => !selectedInJs(f))).toEqual([]);
  });

  it.skipIf(!hasPython)('its files pattern matches every layout, and nothing else, under Python re as pre-commit compiles it', () => {
    expect(selectedInPython(layoutFiles)).toEqual(layoutFiles.map(() => true));
    expect(selectedInPython(NOT_MIGRATIONS)).toEqual(NOT_MIGRATIONS.map(() => false));
  });

  it('leaves out what is not a migration, and every folder it excludes is one lint does not walk into', () => {
    expect(NOT_MIGRATIONS.filter(selectedInJs)).toEqual([]);
    const excluded = /\(\^\|\/\)\(([^)]+)\)\//.exec(hook.exclude)![1].split('|').map((d) => d.replace(/\\\./g, '.'));
    expect(excluded.filter((d) => !SKIPPED_DIRS.has(d))).toEqual([]);
  });
});

describe('each layout, as lint discovers it and as the hook passes it', () => {
  it.each(LAYOUTS)('%s', async (_, files) => {
    const cwd = tempProject(files);
    const main = Object.keys(files).find((f) => !f.endsWith('__init__.py') && !f.endsWith('.down.sql') && !f.endsWith('/down.sql'))!;
    // lint over the whole project finds the file where the tool keeps it...
    const all = await runCli(['lint', '.', '-f', 'json', '--fail-on', 'warn'], { cwd });
    expect(all.code, all.stderr).not.toBe(2);
    const paths = JSON.parse(all.stdout).migrations.map((m: { path: string }) => m.path.split(path.sep).join('/'));
    expect(paths).toContain(main);
    // ...and the hook's pattern selects it, and lint reads it as a migration when named.
    expect(selectedInJs(main)).toBe(true);
    const named = await runCli(['lint', main, '-f', 'json'], { cwd });
    expect(named.code, named.stderr).not.toBe(2);
    expect(JSON.parse(named.stdout).summary.migrations).toBe(1);
  });
});

describe('lint reports only the files it was given', () => {
  const pair = {
    'db/migrations/001_a.up.sql': 'DELETE FROM accounts;\n',
    'db/migrations/001_a.down.sql': 'SELECT 1;\n',
    'db/migrations/002_b.up.sql': 'CREATE TABLE b (id bigint);\n',
    'db/migrations/002_b.down.sql': 'DELETE FROM b;\n',
  };

  it.each(['text', 'json', 'compact', 'sarif'])('a staged .down.sql alone: the committed .up.sql is read for pairing, its findings not reported (-f %s)', async (format) => {
    const cwd = tempProject(pair);
    const run = await runCli(['lint', 'db/migrations/001_a.down.sql', '-f', format], { cwd });
    expect([run.code, run.stderr]).toEqual([0, '']);
    // SARIF lists every rule's metadata: its results are what count.
    const reported = format === 'sarif' ? JSON.stringify(JSON.parse(run.stdout).runs[0].results) : run.stdout;
    expect(reported).not.toMatch(/DELETE FROM accounts|no-delete-without-where/);
  });

  it("the staged file's own findings are reported, and the pair is judged whole (no missing down)", async () => {
    const cwd = tempProject(pair);
    const down = await runCli(['lint', 'db/migrations/002_b.down.sql', '-f', 'json'], { cwd });
    expect(JSON.parse(down.stdout).findings.map((f: { file: string; ruleId: string }) => [f.file.split(path.sep).join('/'), f.ruleId])).toEqual([
      ['db/migrations/002_b.down.sql', 'no-delete-without-where'],
    ]);
    expect(down.code).toBe(1);
    const up = await runCli(['lint', 'db/migrations/002_b.up.sql', '-f', 'json'], { cwd });
    expect([up.code, JSON.parse(up.stdout).findings]).toEqual([0, []]);
  });

  it('a folder named reports everything in it, as before', async () => {
    const cwd = tempProject(pair);
    const run = await runCli(['lint', 'db/migrations', '-f', 'json'], { cwd });
    expect(JSON.parse(run.stdout).findings).toHaveLength(2);
  });

  it('a commit with warnings only passes and shows them', async () => {
    const cwd = tempProject({ 'db/migrations/001_a.sql': 'CREATE TABLE a (id serial PRIMARY KEY, at timestamp);\n' });
    const run = await runCli(['lint', 'db/migrations/001_a.sql', '--rule', 'prefer-timestamptz:warn'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warn .*prefer-timestamptz/);
  });
});
