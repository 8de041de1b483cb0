/**
 * The database a project runs on, read from its config files; a project that is not
 * PostgreSQL is set aside with one line instead of drowning in parse errors.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectDatabases, setAsideOtherDatabases } from '../../src/discover/project-database/index.js';
import { engineDatabase } from '../../src/discover/project-database/django.js';
import { urlDatabase } from '../../src/discover/project-database/evidence.js';
import { groupMigrations } from '../../src/discover/index.js';
import { lint } from '../../src/lint.js';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

afterAll(cleanupProjects);

const MIGRATION = "exports.up = (knex) => knex.raw('ALTER TABLE `t` MODIFY `c` INT');\nexports.down = async () => {};\n";

/** The verdict for the migrations folder of a throwaway project: `other: <settings>`, `postgres` or `unknown`. */
async function verdictOf(files: Record<string, string>, migrations = 'migrations'): Promise<string> {
  const dir = tempProject({ 'package.json': '{}', ...files, [`${migrations}/1_x.js`]: MIGRATION });
  const v = await new ProjectDatabases().verdict(path.join(dir, migrations));
  return v.kind === 'other' ? `other: ${v.evidence.map((e) => `${path.relative(dir, e.file)} ${e.setting}`).join('; ')}` : v.kind;
}

describe('reading a project database from its config files', () => {
  it('knexfile: client, per environment, through a constant; computed is unknown', async () => {
    expect(await verdictOf({ 'knexfile.js': "module.exports = { client: 'mysql2', connection: process.env.DB };" })).toBe('other: knexfile.js client mysql2');
    expect(await verdictOf({ 'knexfile.ts': "const client = 'sqlite3';\nexport default { development: { client, connection: {} }, test: { client: 'better-sqlite3', useNullAsDefault: true } };" })).toBe(
      'other: knexfile.ts client sqlite3; knexfile.ts client better-sqlite3',
    );
    expect(await verdictOf({ 'knexfile.js': "module.exports = { development: { client: 'sqlite3', connection: {} }, production: { client: 'pg', connection: {} } };" })).toBe('postgres');
    expect(await verdictOf({ 'knexfile.js': 'module.exports = { client: process.env.DB_CLIENT, connection: {} };' })).toBe('unknown');
    expect(await verdictOf({ 'knexfile.js': 'module.exports = provider.config;' })).toBe('unknown');
  });

  it('TypeORM: ormconfig (JSON, YAML) and a DataSource file', async () => {
    expect(await verdictOf({ 'ormconfig.json': '{ "type": "mysql", "host": "localhost", "entities": [] }' })).toBe('other: ormconfig.json type mysql');
    expect(await verdictOf({ 'ormconfig.yml': 'default:\n  type: mariadb\n  database: app\n' })).toBe('other: ormconfig.yml type mariadb');
    expect(await verdictOf({ 'src/data-source.ts': "export const AppDataSource = new DataSource({ type: 'better-sqlite3', database: 'app.db', entities: [] });" }, 'src/migrations')).toBe(
      'other: src/data-source.ts type better-sqlite3',
    );
    expect(await verdictOf({ 'src/data-source.ts': "export const x = { type: 'mysql', label: 'not a config' };" }, 'src/migrations')).toBe('unknown');
  });

  it('Sequelize config/config.json, Drizzle dialect (and the old driver), Prisma provider and migration_lock.toml', async () => {
    expect(await verdictOf({ 'config/config.json': '{ "development": { "dialect": "mysql", "database": "d" }, "production": { "dialect": "mariadb", "use_env_variable": "URL" } }' })).toBe(
      'other: config/config.json dialect mysql; config/config.json dialect mariadb',
    );
    // Production's database comes from the URL in the environment: unknown.
    expect(await verdictOf({ 'config/config.json': '{ "test": { "dialect": "sqlite", "storage": ":memory:" }, "production": { "use_env_variable": "DATABASE_URL" } }' })).toBe('unknown');
    expect(await verdictOf({ 'drizzle.config.ts': "export default defineConfig({ dialect: 'sqlite', schema: './schema.ts', out: './drizzle' });" }, 'drizzle')).toBe('other: drizzle.config.ts dialect sqlite');
    expect(await verdictOf({ 'drizzle.config.ts': "export default { driver: 'mysql2', schema: './schema.ts' };" }, 'drizzle')).toBe('other: drizzle.config.ts driver mysql2');
    expect(await verdictOf({ 'prisma/schema.prisma': '// url = "postgresql://x"\ndatasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n' }, 'prisma/migrations/20240101_init')).toBe(
      'other: prisma/schema.prisma provider mysql',
    );
    // drizzle-kit's journal beside the SQL it generated.
    expect(await verdictOf({ 'drizzle/meta/_journal.json': '{ "version": "7", "dialect": "sqlite", "entries": [] }' }, 'drizzle')).toBe('other: drizzle/meta/_journal.json dialect sqlite');
    expect(await verdictOf({ 'drizzle/meta/_journal.json': '{ "version": "7", "dialect": "postgresql", "entries": [] }' }, 'drizzle')).toBe('postgres');
    expect(await verdictOf({ 'prisma/migrations/migration_lock.toml': '# do not edit\nprovider = "postgresql"\n', 'prisma/schema.prisma': 'datasource db {\n  provider = "mysql"\n}\n' }, 'prisma/migrations/1_init')).toBe('postgres');
  });

  it('Alembic: alembic.ini sqlalchemy.url, unless env.py connects elsewhere', async () => {
    expect(await verdictOf({ 'alembic.ini': '[alembic]\nscript_location = alembic\nsqlalchemy.url = mysql+pymysql://u:secret@db/app\n' }, 'alembic/versions')).toBe(
      'other: alembic.ini sqlalchemy.url mysql+pymysql://…@db/app',
    );
    expect(await verdictOf({ 'alembic.ini': '[alembic]\nsqlalchemy.url = driver://user:pass@localhost/dbname\n' }, 'alembic/versions')).toBe('unknown');
    expect(
      await verdictOf(
        {
          'alembic.ini': '[alembic]\nsqlalchemy.url = sqlite:///dev.db\n',
          'alembic/env.py': "import os\nfrom alembic import context\nconfig = context.config\nconfig.set_main_option('sqlalchemy.url', os.environ['DATABASE_URL'])\n",
        },
        'alembic/versions',
      ),
    ).toBe('unknown');
    expect(await verdictOf({ 'alembic/env.py': "from alembic import context\nfrom sqlalchemy import create_engine\nengine = create_engine('sqlite:///app.db')\n" }, 'alembic/versions')).toBe(
      'other: alembic/env.py create_engine() sqlite:///app.db',
    );
  });

  it('Django: DATABASES ENGINE in the settings module manage.py names; from the environment it is unknown', async () => {
    const manage = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n";
    expect(await verdictOf({ 'manage.py': manage, 'shop/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'NAME': 'shop'}}\n" }, 'orders/migrations')).toBe(
      'other: shop/settings.py ENGINE django.db.backends.mysql',
    );
    expect(
      await verdictOf(
        {
          'manage.py': manage,
          'shop/settings/base.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}\n",
          'shop/settings/production.py': "from .base import *\nDATABASES['default']['ENGINE'] = 'django.db.backends.postgresql'\n",
        },
        'orders/migrations',
      ),
    ).toBe('unknown');
    expect(await verdictOf({ 'manage.py': manage, 'shop/settings.py': "import dj_database_url\nDATABASES = {'default': dj_database_url.config(default='sqlite:///db.sqlite3')}\n" }, 'orders/migrations')).toBe('unknown');
    expect(engineDatabase('django.db.backends.postgresql_psycopg2')?.postgres).toBe(true);
    expect(engineDatabase('django.contrib.gis.db.backends.spatialite')?.name).toBe('spatialite');
    expect(engineDatabase('django_cockroachdb')?.name).toBe('cockroachdb');
    expect(urlDatabase('postgresql+psycopg://h/db')?.postgres).toBe(true);
  });

  it('package.json dependencies: a driver for another database and none for PostgreSQL, only when no config says anything', async () => {
    const pkg = (deps: Record<string, string>, dev: Record<string, string> = {}) => JSON.stringify({ dependencies: deps, devDependencies: dev });
    // SQL files of a project whose config lives elsewhere (mailtrain: server/setup/sql beside server/setup/knex/knexfile.js).
    expect(await verdictOf({ 'package.json': pkg({ express: '4', knex: '0.16', mysql: '2' }) }, 'setup/sql')).toBe('other: package.json dependency mysql');
    expect(await verdictOf({ 'package.json': pkg({ mysql2: '3', 'better-sqlite3': '9' }) })).toBe('other: package.json dependency mysql2; package.json dependency better-sqlite3');
    // Any PostgreSQL driver, or none at all, keeps the project linted; devDependencies are test databases.
    expect(await verdictOf({ 'package.json': pkg({ mysql2: '3', '@neondatabase/serverless': '1' }) })).toBe('postgres');
    expect(await verdictOf({ 'package.json': pkg({ pg: '8' }, { sqlite3: '5' }) })).toBe('postgres');
    expect(await verdictOf({ 'package.json': pkg({ express: '4' }, { 'better-sqlite3': '9' }) })).toBe('unknown');
    expect(await verdictOf({ 'package.json': 'not json' })).toBe('unknown');
    // A framework's config outweighs the dependencies, whichever way.
    expect(await verdictOf({ 'package.json': pkg({ pg: '8', mysql: '2' }), 'knexfile.js': "module.exports = { client: 'mysql', connection: {} };" })).toBe('other: knexfile.js client mysql');
    expect(await verdictOf({ 'package.json': pkg({ mysql: '2' }), 'knexfile.js': "module.exports = { client: 'pg', connection: {} };" })).toBe('postgres');
    expect(await verdictOf({ 'package.json': pkg({ mysql: '2' }), 'knexfile.js': 'module.exports = { client: process.env.DB, connection: {} };' })).toBe('unknown');
  });

  it('looks no higher than the project root, and finds nothing without config files', async () => {
    const dir = tempProject({ 'knexfile.js': "module.exports = { client: 'mysql', connection: {} };", 'app/package.json': '{}', 'app/migrations/1_x.js': MIGRATION });
    expect((await new ProjectDatabases().verdict(path.join(dir, 'app', 'migrations'))).kind).toBe('unknown');
    expect(await verdictOf({})).toBe('unknown');
  });
});

describe('a project that is not PostgreSQL', () => {
  const FIXTURE = path.join('fixtures', 'dialects', 'projects');

  it('is set aside as a whole, with the file and setting that say so; the other projects are linted', async () => {
    const units = groupMigrations(
      ['mysql-knex/db/migrations/20200101000000_subscribers.js', 'pg-guarded/migrations/20240101000000_orders_status.js', 'sqlite-dev-pg-prod/migrations/20240101000000_posts_slug.ts'].map((f) => path.join(FIXTURE, f)),
    );
    const { units: kept, otherDatabases } = await setAsideOtherDatabases(units, process.cwd());
    expect(kept.map((u) => u.path.split(path.sep)[3])).toEqual(['pg-guarded', 'sqlite-dev-pg-prod']);
    expect(otherDatabases).toEqual([{ file: path.join(FIXTURE, 'mysql-knex', 'db', 'knexfile.js'), setting: 'client mysql2', files: 1 }]);
  });

  it('gives no parse error (it had 3) and the run passes; the PostgreSQL project beside it is linted whole, guard included', async () => {
    const result = await lint([FIXTURE]);
    expect(result.findings.filter((f) => f.file.includes('mysql-knex'))).toEqual([]);
    expect(result.otherDatabases?.map((p) => p.setting)).toEqual(['client mysql2']);
    const guarded = result.findings.filter((f) => f.file.includes('pg-guarded')).map((f) => `${f.ruleId}@${f.range.start.line}`);
    expect(guarded).toEqual(['require-concurrent-index@3', 'no-set-not-null-without-check@5', 'require-concurrent-index-drop@9']);
  });

  it('set aside by its dependencies alone: its SQL files only; code beside them is read to see whether it is a migration', async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({ dependencies: { mysql: '2' } }),
      'setup/sql/upgrade-00001.sql': 'ALTER TABLE `lists` ADD COLUMN `x` int unsigned;\n',
      'lib/store.js': 'module.exports = { get: () => 1 };\n',
    });
    const result = await lint(['.'], { cwd: dir });
    expect(result.findings).toEqual([]);
    expect(result.migrations).toEqual([]);
    expect(result.otherDatabases).toEqual([{ file: 'package.json', setting: 'dependency mysql', files: 1 }]);
  });

  it('is linted as PostgreSQL when the config says dialect: postgresql, parse errors and all', async () => {
    const result = await lint([path.join(FIXTURE, 'mysql-knex')], { dialect: 'postgresql' });
    expect(result.otherDatabases).toBeUndefined();
    expect(result.findings.map((f) => f.ruleId)).toEqual(['parse-error', 'parse-error', 'parse-error']);
  });

  it('CLI: one line on stderr, exit 0; with dialect: postgresql in the config, the parse errors fail the run', async () => {
    const files = {
      'package.json': '{}',
      'knexfile.js': "module.exports = { client: 'mysql2', connection: {} };",
      'migrations/20200101000000_subscribers.js': MIGRATION,
    };
    const dir = tempProject(files);
    const run = await runCli(['lint', 'migrations'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('migratelint: knexfile.js: client mysql2: this project is not PostgreSQL; nothing was linted — set dialect: postgresql to lint it anyway\n');
    const json = JSON.parse((await runCli(['lint', 'migrations', '-f', 'json'], { cwd: dir })).stdout);
    expect(json.summary.notPostgres).toEqual([{ file: 'knexfile.js', setting: 'client mysql2', files: 1 }]);

    const forced = tempProject({ ...files, '.migratelintrc.json': '{ "dialect": "postgresql" }' });
    const strict = await runCli(['lint', 'migrations', '-f', 'json'], { cwd: forced });
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('parse-error');
  });
});
