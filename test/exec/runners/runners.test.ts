/**
 * The command line each framework runner builds for one migration, up and down, from
 * the plan (no tool needed), and how a command is found or refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMAT_IDS, FORMATS } from '../../../src/formats/index.js';
import type { PlannedMigration } from '../../../src/plan/plan.js';
import { describeStep, resolveCommand, runnerFor, stepArgv, type FrameworkRunner } from '../../../src/exec/runners/index.js';
import { checkStep } from '../../../src/exec/runners/run.js';
import { clearProbeCache } from '../../../src/exec/runners/shared.js';
import { RUNNER_FIXTURES, cleanupTempDirs, planOf, planned, tempDir, writeFiles } from './helpers.js';

afterAll(cleanupTempDirs);

function args(format: Parameters<typeof runnerFor>[0], plan: PlannedMigration[], cwd: string, id: string, direction: 'up' | 'down'): string[] {
  const runner = runnerFor(format)!;
  const m = plan.find((p) => p.id === id)!;
  expect(m, id).toBeDefined();
  return stepArgv(runner, [], m, direction, plan, { cwd, workdir: runner.workdir(m, cwd) });
}

const byId = (plan: PlannedMigration[], id: string) => plan.find((p) => p.id === id)!;

describe('runnerFor', () => {
  it('has a runner for every code format and none for the SQL formats', () => {
    for (const format of FORMAT_IDS) {
      const code = FORMATS[format].frontend !== 'sql';
      expect(runnerFor(format)?.format, format).toBe(code ? format : undefined);
    }
  });
});

describe('Alembic', () => {
  const cwd = path.join(RUNNER_FIXTURES, 'alembic');

  it('upgrades to the revision and downgrades to its parent, in revision order (not file order)', async () => {
    const plan = await planOf(cwd);
    expect(plan.map((p) => p.id)).toEqual(['b71c9e0d2f3a', '0f5e2d8c4b1a', '5a9d3c7e1b24']);
    expect(plan.map((p) => path.basename(p.file)).sort()[0]).toBe('0f5e2d8c4b1a_add_email_domain.py');
    expect(args('alembic', plan, cwd, 'b71c9e0d2f3a', 'up')).toEqual(['upgrade', 'b71c9e0d2f3a']);
    expect(args('alembic', plan, cwd, '5a9d3c7e1b24', 'up')).toEqual(['upgrade', '5a9d3c7e1b24']);
    expect(args('alembic', plan, cwd, '5a9d3c7e1b24', 'down')).toEqual(['downgrade', '0f5e2d8c4b1a']);
    expect(args('alembic', plan, cwd, 'b71c9e0d2f3a', 'down')).toEqual(['downgrade', 'base']);
    expect(runnerFor('alembic')!.workdir(plan[0], cwd)).toBe(cwd);
  });

  it('names the branch on a branch point or among several bases, so only that revision goes', () => {
    const plan = [
      planned('alembic', 'v/a.py', 'aaaa'),
      planned('alembic', 'v/b.py', 'bbbb', ['aaaa']),
      planned('alembic', 'v/c.py', 'cccc', ['aaaa']),
      planned('alembic', 'v/d.py', 'dddd'),
      planned('alembic', 'v/m.py', 'mmmm', ['bbbb', 'cccc']),
    ];
    expect(args('alembic', plan, '/p', 'bbbb', 'down')).toEqual(['downgrade', 'bbbb@aaaa']);
    expect(args('alembic', plan, '/p', 'cccc', 'down')).toEqual(['downgrade', 'cccc@aaaa']);
    expect(args('alembic', plan, '/p', 'dddd', 'down')).toEqual(['downgrade', 'dddd@base']);
    expect(args('alembic', plan, '/p', 'aaaa', 'down')).toEqual(['downgrade', 'aaaa@base']);
    // A merge goes back to one parent; the other stays applied.
    expect(args('alembic', plan, '/p', 'mmmm', 'down')).toEqual(['downgrade', 'bbbb']);
  });
});

describe('Django', () => {
  const cwd = path.join(RUNNER_FIXTURES, 'django');

  it('migrates the app to the migration, and back to the previous one of the same app or zero', async () => {
    const plan = await planOf(cwd);
    expect(plan.map((p) => p.id)).toEqual(['catalog.0001_initial', 'catalog.0002_book_slug', 'catalog.0003_fill_slugs', 'lending.0001_initial']);
    expect(args('django', plan, cwd, 'catalog.0001_initial', 'up')).toEqual(['catalog', '0001_initial', '--noinput']);
    expect(args('django', plan, cwd, 'lending.0001_initial', 'up')).toEqual(['lending', '0001_initial', '--noinput']);
    // lending's first migration depends on catalog's: rolling it back is "lending zero", not catalog.
    expect(args('django', plan, cwd, 'lending.0001_initial', 'down')).toEqual(['lending', 'zero', '--noinput']);
    expect(args('django', plan, cwd, 'catalog.0003_fill_slugs', 'down')).toEqual(['catalog', '0002_book_slug', '--noinput']);
    expect(args('django', plan, cwd, 'catalog.0001_initial', 'down')).toEqual(['catalog', 'zero', '--noinput']);
    expect(runnerFor('django')!.workdir(plan[3], cwd)).toBe(cwd);
  });
});

describe('knex', () => {
  const cwd = path.join(RUNNER_FIXTURES, 'knex');

  it('migrate:up / migrate:down name the file, extension included, from the knexfile folder', async () => {
    const plan = await planOf(cwd);
    expect(args('knex', plan, cwd, '20240112150000_add_tier', 'up')).toEqual(['migrate:up', '20240112150000_add_tier.js']);
    expect(args('knex', plan, cwd, '20240112150000_add_tier', 'down')).toEqual(['migrate:down', '20240112150000_add_tier.js']);
    expect(runnerFor('knex')!.workdir(plan[0], cwd)).toBe(cwd);
  });
});

describe('Sequelize', () => {
  it('db:migrate --to / db:migrate:undo --name with the file name; .sequelizerc says where migrations are', async () => {
    const cwd = path.join(RUNNER_FIXTURES, 'sequelize');
    const plan = await planOf(cwd);
    expect(args('sequelize', plan, cwd, '20240214120000-add-price-band', 'up')).toEqual(['db:migrate', '--to', '20240214120000-add-price-band.js']);
    expect(args('sequelize', plan, cwd, '20240214120000-add-price-band', 'down')).toEqual(['db:migrate:undo', '--name', '20240214120000-add-price-band.js']);
  });

  it('passes --migrations-path for a folder other than ./migrations when there is no .sequelizerc', () => {
    const cwd = writeFiles(tempDir(), { 'package.json': '{}', 'config/config.json': '{}' });
    const plan = [planned('sequelize', 'db/migrate/20240101-a.js', '20240101-a')];
    expect(args('sequelize', plan, cwd, '20240101-a', 'up')).toEqual(['db:migrate', '--to', '20240101-a.js', '--migrations-path', 'db/migrate']);
    const plain = [planned('sequelize', 'migrations/20240101-a.js', '20240101-a')];
    expect(args('sequelize', plain, cwd, '20240101-a', 'down')).toEqual(['db:migrate:undo', '--name', '20240101-a.js']);
  });
});

describe('node-pg-migrate', () => {
  it('up <name> / down <name>: exactly that migration (not "the next one")', async () => {
    const cwd = path.join(RUNNER_FIXTURES, 'node-pg-migrate');
    const plan = await planOf(cwd);
    expect(args('node-pg-migrate', plan, cwd, '1704966000000_add-total-cents', 'up')).toEqual(['up', '1704966000000_add-total-cents']);
    expect(args('node-pg-migrate', plan, cwd, '1704966000000_add-total-cents', 'down')).toEqual(['down', '1704966000000_add-total-cents']);
  });

  it('passes --migrations-dir for another folder, relative to the package.json folder', () => {
    const cwd = writeFiles(tempDir(), { 'api/package.json': '{}' });
    const plan = [planned('node-pg-migrate', 'api/db/migrations/1_a.js', '1_a')];
    expect(args('node-pg-migrate', plan, cwd, '1_a', 'up')).toEqual(['up', '1_a', '--migrations-dir', 'db/migrations']);
    expect(runnerFor('node-pg-migrate')!.workdir(plan[0], cwd)).toBe(path.join(cwd, 'api'));
  });
});

describe('TypeORM', () => {
  const plan = [
    planned('typeorm', 'src/migrations/1700000000000-Init.ts', '1700000000000-Init'),
    planned('typeorm', 'src/migrations/1700000000001-AddIndex.ts', '1700000000001-AddIndex'),
  ];
  const typeorm = runnerFor('typeorm')!;

  it('migration:run / migration:revert, which cannot name a migration', () => {
    expect(args('typeorm', plan, '/p', '1700000000001-AddIndex', 'up')).toEqual(['migration:run']);
    expect(args('typeorm', plan, '/p', '1700000000001-AddIndex', 'down')).toEqual(['migration:revert']);
    expect(typeorm.selects).toBe('pending');
  });

  it('refuses to apply a migration that is not the last pending one of its folder', () => {
    expect(checkStep(typeorm, plan[0], 'up', plan)).toMatch(/TypeORM cannot apply one migration at a time .*1700000000000-Init is followed by 1 more pending \(1700000000001-AddIndex\)/);
    expect(checkStep(typeorm, plan[1], 'up', plan)).toBeUndefined();
    expect(checkStep(typeorm, plan[0], 'down', plan)).toBeUndefined();
    // With the history known: the last one of the folder, but an earlier one is still pending.
    expect(checkStep(typeorm, plan[1], 'up', plan, new Set())).toMatch(/comes after 1700000000000-Init, which is not applied/);
  });
});

describe('MikroORM, Kysely, db-migrate', () => {
  it('MikroORM: --only <name> both ways', () => {
    const plan = [planned('mikro-orm', 'src/migrations/Migration20240101000000.ts', 'Migration20240101000000')];
    expect(args('mikro-orm', plan, '/p', 'Migration20240101000000', 'up')).toEqual(['migration:up', '--only', 'Migration20240101000000']);
    expect(args('mikro-orm', plan, '/p', 'Migration20240101000000', 'down')).toEqual(['migration:down', '--only', 'Migration20240101000000']);
    const env = runnerFor('mikro-orm')!.env!(new URL('postgres://app:s%40cret@db.internal:6432/shop'));
    expect(env).toEqual({
      MIKRO_ORM_CLIENT_URL: 'postgres://app:s%40cret@db.internal:6432/shop',
      MIKRO_ORM_HOST: 'db.internal',
      MIKRO_ORM_PORT: '6432',
      MIKRO_ORM_USER: 'app',
      MIKRO_ORM_PASSWORD: 's@cret',
      MIKRO_ORM_DB_NAME: 'shop',
    });
  });

  it('Kysely (kysely-ctl arguments): migrate:up <name>, migrate:down to the previous one', () => {
    const plan = [planned('kysely', 'migrations/2024_01_a.ts', '2024_01_a'), planned('kysely', 'migrations/2024_02_b.ts', '2024_02_b')];
    expect(args('kysely', plan, '/p', '2024_02_b', 'up')).toEqual(['migrate:up', '2024_02_b']);
    expect(args('kysely', plan, '/p', '2024_02_b', 'down')).toEqual(['migrate:down', '2024_01_a']);
    expect(args('kysely', plan, '/p', '2024_01_a', 'down')).toEqual(['migrate:down']);
  });

  it('db-migrate: up <name> -c 1, down <previous> -c 1', () => {
    const plan = [planned('db-migrate', 'migrations/20240101000000-a.js', '20240101000000-a'), planned('db-migrate', 'migrations/20240201000000-b.js', '20240201000000-b')];
    expect(args('db-migrate', plan, '/p', '20240201000000-b', 'up')).toEqual(['up', '20240201000000-b', '-c', '1']);
    expect(args('db-migrate', plan, '/p', '20240201000000-b', 'down')).toEqual(['down', '20240101000000-a', '-c', '1']);
    expect(args('db-migrate', plan, '/p', '20240101000000-a', 'down')).toEqual(['down', '-c', '1']);
  });
});

describe('checkStep with the framework history', () => {
  const knex = runnerFor('knex')!;
  const plan = [planned('knex', 'm/1_a.js', '1_a'), planned('knex', 'm/2_b.js', '2_b'), planned('knex', 'm/3_c.js', '3_c')];
  const django = runnerFor('django')!;
  const dj = [
    planned('django', 'shop/migrations/0001_initial.py', 'shop.0001_initial'),
    planned('django', 'billing/migrations/0001_initial.py', 'billing.0001_initial', ['shop.0001_initial']),
    planned('django', 'shop/migrations/0002_more.py', 'shop.0002_more', ['shop.0001_initial']),
  ];

  it('runs a step only where the plan expects the database to be', () => {
    expect(checkStep(knex, plan[1], 'up', plan, new Set(['1_a']))).toBeUndefined();
    expect(checkStep(knex, plan[1], 'up', plan, new Set(['1_a', '2_b']))).toBe('2_b is already applied (knex_migrations says so)');
    expect(checkStep(knex, plan[2], 'up', plan, new Set(['1_a']))).toBe('3_c comes after 2_b, which is not applied (knex_migrations says so): knex would run it too');
    expect(checkStep(knex, plan[1], 'down', plan, new Set(['1_a', '2_b']))).toBeUndefined();
    expect(checkStep(knex, plan[1], 'down', plan, new Set(['1_a', '2_b', '3_c']))).toBe('2_b cannot be rolled back alone while 3_c, after it, is applied (knex_migrations says so)');
    expect(checkStep(knex, plan[2], 'down', plan, new Set(['1_a']))).toBe('3_c is not applied (knex_migrations says so): nothing to roll back');
  });

  it('follows the dependency graph for Django and Alembic', () => {
    // shop.0002 does not need billing.0001, which comes before it in the plan.
    expect(checkStep(django, dj[2], 'up', dj, new Set(['shop.0001_initial']))).toBeUndefined();
    expect(checkStep(django, dj[0], 'down', dj, new Set(['shop.0001_initial', 'billing.0001_initial']))).toMatch(/while billing.0001_initial, after it, is applied/);
    expect(checkStep(django, dj[1], 'down', dj, new Set(['shop.0001_initial', 'billing.0001_initial', 'shop.0002_more']))).toBeUndefined();
  });
});

describe('resolveCommand', () => {
  const bin = (dir: string, name: string, body = 'exit 0') => writeFiles(dir, { [name]: `#!/bin/sh\n${body}\n` });

  it('refuses the SQL formats: migratelint applies them itself', () => {
    expect(resolveCommand('flyway', undefined, '/p')).toEqual({ refusal: 'Flyway migrations are applied by migratelint itself: there is no framework runner for them' });
  });

  it('splits a configured command, keeps its NAME=value words as environment, and runs it in the project folder', () => {
    const tools = bin(tempDir(), 'alembic');
    const cwd = tempDir();
    const r = resolveCommand('alembic', { alembic: `ALEMBIC_ENV=prod alembic -c 'db/my alembic.ini'` }, cwd, { env: { PATH: tools } });
    expect(r).toEqual({ argv: ['alembic', '-c', 'db/my alembic.ini'], env: { ALEMBIC_ENV: 'prod' }, workdir: cwd, configured: true });
  });

  it('resolves a configured path from the project folder', () => {
    const cwd = tempDir();
    bin(cwd, '.venv/bin/alembic');
    const r = resolveCommand('alembic', { alembic: '.venv/bin/alembic' }, cwd, { env: { PATH: '' } });
    expect(r).toMatchObject({ argv: [path.join(cwd, '.venv/bin/alembic')], configured: true });
    expect(resolveCommand('alembic', { alembic: 'venv/bin/alembic' }, cwd, { env: { PATH: '' } })).toEqual({
      refusal: `runner.alembic in the config: venv/bin/alembic (from ${cwd}) is not an executable file; install Alembic (pip install alembic psycopg2-binary, or apt install alembic python3-psycopg2) or set runner.alembic in the config`,
    });
  });

  it('refuses a configured command that is not there, or that needs a shell', () => {
    expect(resolveCommand('knex', { knex: 'knexx migrate' }, '/p', { env: { PATH: '' } })).toEqual({
      refusal: 'runner.knex in the config: knexx is not on PATH; install it (npm install --save-dev knex pg) or set runner.knex in the config',
    });
    expect(resolveCommand('knex', { knex: 'npx knex | tee log' }, '/p', { env: { PATH: '' } })).toEqual({
      refusal: 'runner.knex in the config: a pipe (|) at column 10 needs a shell: write the command and its arguments only (or quote the character)',
    });
  });

  it('completes a configured Django command with migrate', () => {
    const tools = bin(tempDir(), 'python3');
    expect(resolveCommand('django', { django: 'python3 manage.py' }, '/p', { env: { PATH: tools } })).toMatchObject({ argv: ['python3', 'manage.py', 'migrate'] });
    expect(resolveCommand('django', { django: 'python3 manage.py migrate --database replica' }, '/p', { env: { PATH: tools } })).toMatchObject({
      argv: ['python3', 'manage.py', 'migrate', '--database', 'replica'],
    });
    expect(resolveCommand('django', { django: 'python3 scripts/migrate.py' }, '/p', { env: { PATH: tools } })).toMatchObject({ argv: ['python3', 'scripts/migrate.py'] });
  });

  it('finds a JavaScript tool in the project node_modules/.bin from the tool folder upward, as npx --no-install does', async () => {
    const cwd = tempDir();
    fs.cpSync(path.join(RUNNER_FIXTURES, 'knex'), path.join(cwd, 'services/crm'), { recursive: true });
    bin(cwd, 'node_modules/.bin/knex');
    const plan = await planOf(cwd);
    const r = resolveCommand('knex', undefined, cwd, { m: plan[0], env: { PATH: '' } });
    expect(r).toEqual({ argv: [path.join(cwd, 'node_modules/.bin/knex')], env: {}, workdir: path.join(cwd, 'services/crm'), configured: false });
    const runner = runnerFor('knex')!;
    const at = { cwd, workdir: path.join(cwd, 'services/crm') };
    expect(describeStep(stepArgv(runner, (r as { argv: string[] }).argv, plan[0], 'up', plan, at), at)).toBe(
      `${path.join(cwd, 'node_modules/.bin/knex')} migrate:up 20240105093000_create_customers.js (in services/crm)`,
    );
  });

  it.each([
    ['knex', 'knex not found in node_modules/.bin (from DIR upward) or on PATH: install it (npm install --save-dev knex pg) or set runner.knex in the config'],
    ['sequelize', 'sequelize-cli not found in node_modules/.bin (from DIR upward) or on PATH: install it (npm install --save-dev sequelize-cli sequelize pg) or set runner.sequelize in the config'],
    ['node-pg-migrate', 'node-pg-migrate not found in node_modules/.bin (from DIR upward) or on PATH: install it (npm install --save-dev node-pg-migrate pg) or set runner.node-pg-migrate in the config'],
    ['mikro-orm', 'mikro-orm not found in node_modules/.bin (from DIR upward) or on PATH: install it (npm install --save-dev @mikro-orm/cli @mikro-orm/migrations) or set runner.mikro-orm in the config'],
    ['db-migrate', 'db-migrate not found in node_modules/.bin (from DIR upward) or on PATH: install it (npm install --save-dev db-migrate db-migrate-pg) or set runner.db-migrate in the config'],
    [
      'kysely',
      'Kysely has no migration command line of its own: install kysely-ctl (npm install --save-dev kysely-ctl) and set runner.kysely to "npx kysely" in the config, or set it to your own script (called with migrate:up <name> / migrate:down [<previous>])',
    ],
  ] as const)('says what to install when %s is missing', (format, message) => {
    const cwd = tempDir();
    expect(resolveCommand(format, undefined, cwd, { env: { PATH: '' } })).toEqual({ refusal: message.replace('DIR', cwd) });
  });

  it('TypeORM: runs the CLI with the DataSource file it finds, or asks for runner.typeorm', () => {
    const cwd = writeFiles(tempDir(), { 'package.json': '{}', 'src/data-source.ts': 'export default {}\n' });
    expect(resolveCommand('typeorm', undefined, cwd, { env: { PATH: '' } })).toMatchObject({ refusal: expect.stringMatching(/^typeorm-ts-node-commonjs not found/) });
    bin(cwd, 'node_modules/.bin/typeorm-ts-node-commonjs');
    expect(resolveCommand('typeorm', undefined, cwd, { env: { PATH: '' } })).toMatchObject({
      argv: [path.join(cwd, 'node_modules/.bin/typeorm-ts-node-commonjs'), '-d', 'src/data-source.ts'],
    });
    const bare = writeFiles(tempDir(), { 'package.json': '{}' });
    expect(resolveCommand('typeorm', undefined, bare, { env: { PATH: '' } })).toMatchObject({ refusal: expect.stringMatching(/^TypeORM's CLI needs the file that exports your DataSource/) });
  });

  it('Alembic: needs alembic.ini, then an alembic that runs (a pyenv shim may not), else says what to install', () => {
    clearProbeCache();
    const cwd = tempDir();
    expect(resolveCommand('alembic', undefined, cwd, { env: { PATH: '' } })).toEqual({
      refusal: `alembic.ini not found in ${cwd} or above the versions folder: set runner.alembic in the config (e.g. "alembic -c db/alembic.ini")`,
    });
    writeFiles(cwd, { 'alembic.ini': '[alembic]\n' });
    const broken = bin(tempDir(), 'alembic', 'echo "pyenv: alembic: command not found" >&2; exit 127');
    const r = resolveCommand('alembic', undefined, cwd, { env: { PATH: broken } });
    expect(r).toEqual({
      refusal: 'alembic not found: install Alembic (pip install alembic psycopg2-binary, or apt install alembic python3-psycopg2) or set runner.alembic in the config',
    });
    const good = bin(tempDir(), 'alembic');
    expect(resolveCommand('alembic', undefined, cwd, { env: { PATH: good } })).toMatchObject({ argv: [path.join(good, 'alembic')], workdir: cwd });
    bin(cwd, '.venv/bin/alembic');
    expect(resolveCommand('alembic', undefined, cwd, { env: { PATH: good } })).toMatchObject({ argv: [path.join(cwd, '.venv/bin/alembic')] });
  });

  it('Django: needs manage.py, then the first Python that imports django', () => {
    clearProbeCache();
    const cwd = tempDir();
    expect(resolveCommand('django', undefined, cwd, { env: { PATH: '' } })).toMatchObject({ refusal: expect.stringMatching(/^manage.py not found in/) });
    writeFiles(cwd, { 'manage.py': '' });
    const noDjango = bin(tempDir(), 'python3', 'exit 1');
    const r = resolveCommand('django', undefined, cwd, { env: { PATH: noDjango } }) as { refusal: string };
    expect(r.refusal).toMatch(/^Django not found \(no Python here imports django; tried .*python3.*\): install Django \(pip install django psycopg2-binary, or apt install python3-django python3-psycopg2\)/);
    bin(cwd, '.venv/bin/python');
    expect(resolveCommand('django', undefined, cwd, { env: { PATH: noDjango } })).toMatchObject({ argv: [path.join(cwd, '.venv/bin/python'), 'manage.py', 'migrate'], workdir: cwd });
  });
});

describe('every runner', () => {
  it.each(FORMAT_IDS.filter((f) => runnerFor(f)).map((f) => [f, runnerFor(f)!] as [string, FrameworkRunner]))('%s documents its install line and connection', (_f, runner) => {
    expect(runner.install).toMatch(/runner\.|install/);
    expect(runner.connection.length).toBeGreaterThan(5);
  });
});
