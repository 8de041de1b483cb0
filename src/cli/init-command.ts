import fs from 'node:fs';
import path from 'node:path';
import { SUPPORTED_EXTENSIONS } from '../formats/frontends.js';
import { DEFAULT_PG_VERSION, lint } from '../lint.js';
import { UsageError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { Io } from './main.js';
import { unsupportedFormatsIn } from './unsupported-formats.js';

/** Where frameworks keep migrations by default, most specific first. */
const CANDIDATE_DIRS = [
  'prisma/migrations',
  'supabase/migrations',
  'drizzle',
  'db/migrate',
  'db/migrations',
  'db/knex_migrations',
  'database/migrations',
  'src/migrations',
  'src/db/migrations',
  'src/main/resources/db/migration',
  'alembic/versions',
  'migrations/versions',
  'migrations',
  'sql',
];

const PACKAGE_FRAMEWORKS: [string, string][] = [
  ['prisma', 'prisma'],
  ['drizzle-kit', 'drizzle'],
  ['node-pg-migrate', 'node-pg-migrate'],
  ['typeorm', 'typeorm'],
  ['sequelize', 'sequelize'],
  ['knex', 'knex'],
  ['kysely', 'kysely'],
  ['@mikro-orm/migrations', 'mikro-orm'],
  ['db-migrate', 'db-migrate'],
];

const CONFIG_NAMES = ['.migratelintrc', '.migratelintrc.json', '.migratelintrc.yaml', '.migratelintrc.yml', '.migratelintrc.js', '.migratelintrc.cjs', '.migratelintrc.mjs', 'migratelint.config.js', 'migratelint.config.cjs', 'migratelint.config.mjs', 'migratelint.config.ts'];

function hasMigrationFiles(dir: string, depth = 0): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((e) =>
    e.isFile()
      ? SUPPORTED_EXTENSIONS.some((ext) => e.name.endsWith(ext)) && e.name !== '__init__.py'
      : e.isDirectory() && depth < 2 && e.name !== 'node_modules' && hasMigrationFiles(path.join(dir, e.name), depth + 1),
  );
}

/** Django keeps migrations per app: `<app>/migrations/` next to manage.py. */
function djangoDirs(root: string): string[] {
  if (!fs.existsSync(path.join(root, 'manage.py'))) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (e.isDirectory() && fs.existsSync(path.join(root, e.name, 'migrations', '__init__.py'))) out.push(`${e.name}/migrations`);
  }
  return out;
}

/** A Rails app: `config/application.rb`, or a Gemfile that names `rails`. */
function isRailsApp(root: string): boolean {
  if (fs.existsSync(path.join(root, 'config', 'application.rb'))) return true;
  try {
    return /^\s*gem\s+['"](rails|activerecord)['"]/m.test(fs.readFileSync(path.join(root, 'Gemfile'), 'utf8'));
  } catch {
    return false;
  }
}

/** A Rails app's engines keep their own migrations: `engines/<name>/db/migrate`, `components/<name>/db/migrate`. */
function railsEngineDirs(root: string): string[] {
  const out: string[] = [];
  for (const parent of ['engines', 'components', 'gems']) {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(path.join(root, parent), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) if (e.isDirectory() && hasMigrationFiles(path.join(root, parent, e.name, 'db', 'migrate'))) out.push(`${parent}/${e.name}/db/migrate`);
  }
  return out;
}

/** strong_migrations' `target_version` (the production server's major version), when the app sets one. */
function strongMigrationsTarget(root: string): number | undefined {
  try {
    const text = fs.readFileSync(path.join(root, 'config', 'initializers', 'strong_migrations.rb'), 'utf8');
    const m = /^\s*StrongMigrations\.target_version\s*=\s*(\d+)/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** `migratelint init`: detect the framework and migrations folder, write a starting config. */
export async function initCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs(args, { force: { type: 'boolean' }, 'pg-version': { type: 'string' } });
  const existing = CONFIG_NAMES.find((n) => fs.existsSync(path.join(io.cwd, n)));
  if (existing && !values.force) throw new UsageError(`${existing} already exists (use --force to overwrite it with ${'.migratelintrc.json'})`);

  const rails = isRailsApp(io.cwd);
  const dirs = [...new Set([...djangoDirs(io.cwd), ...(rails ? railsEngineDirs(io.cwd) : []), ...CANDIDATE_DIRS.filter((d) => hasMigrationFiles(path.join(io.cwd, d)))])];
  // Prefer the most specific folder: migrations/versions rather than all of migrations.
  const folders = dirs.filter((d) => !dirs.some((o) => o !== d && o.startsWith(`${d}/`)));

  let framework: string | undefined;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(io.cwd, 'package.json'), 'utf8'));
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    framework = PACKAGE_FRAMEWORKS.find(([dep]) => dep in deps)?.[1];
  } catch {
    // no package.json: detection falls back to the files themselves
  }
  const formats = new Map<string, number>();
  if (folders.length) {
    const result = await lint(folders, { cwd: io.cwd });
    for (const m of result.migrations) formats.set(m.format, (formats.get(m.format) ?? 0) + 1);
  }
  const detected = [...formats].sort((a, b) => b[1] - a[1])[0]?.[0] ?? framework ?? (rails ? 'rails' : undefined);

  const pgVersion = values['pg-version'] ? Number(values['pg-version']) : (rails ? strongMigrationsTarget(io.cwd) : undefined) ?? DEFAULT_PG_VERSION;
  // No folder found: no include at all. A guessed one would lint nothing and pass.
  const config = {
    extends: 'migratelint:recommended',
    ...(folders.length ? { include: folders } : {}),
    pgVersion,
    failOn: 'error',
  };
  const target = path.join(io.cwd, '.migratelintrc.json');
  fs.writeFileSync(target, JSON.stringify(config, null, 2) + '\n');
  io.stdout.write(
    `migratelint: wrote .migratelintrc.json\n` +
      `  migrations: ${folders.length ? folders.join(', ') : notFound(io.cwd)}\n` +
      `  format: ${detected ?? 'not detected'}${formats.size > 1 ? ` (also: ${[...formats.keys()].filter((f) => f !== detected).join(', ')})` : ''}\n` +
      `  pgVersion: ${pgVersion} (set it to your production server's major version)\n` +
      `Next: ${folders.length ? 'npx migratelint lint' : 'npx migratelint lint <folder>, or add "include": ["<folder>"] to .migratelintrc.json'}\n`,
  );
  return 0;
}

/** Says that nothing was found, where it looked, and which formats it saw that it cannot read. */
function notFound(cwd: string): string {
  const unsupported = unsupportedFormatsIn('.', cwd);
  const seen = unsupported.length ? `\n  found instead (migratelint does not read these):\n${unsupported.map((u) => `    ${u}`).join('\n')}` : '';
  return `none found, so no "include" was written (looked in ${CANDIDATE_DIRS.join(', ')} and Django apps' migrations/ for ${SUPPORTED_EXTENSIONS.join(' ')} files)${seen}`;
}
