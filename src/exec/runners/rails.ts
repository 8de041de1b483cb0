/**
 * Rails: `bin/rails db:migrate:up VERSION=<version>` runs one migration;
 * `bin/rails db:migrate:down VERSION=<version>` rolls one back. The version is the
 * 14-digit prefix of the file name, as schema_migrations records it.
 *
 * Checked against activerecord lib/active_record/railties/databases.rake
 * (`db:migrate:up` / `db:migrate:down`: "VERSION is required", run_migration for that
 * version only). Runs in the app's root (two folders above db/migrate), where bin/rails
 * is; Rails reads DATABASE_URL itself (config/database.yml is merged with it), and the
 * `pg` gem's libpq reads PG* and PGOPTIONS.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FrameworkRunner } from './types.js';
import { fileName, folderAbs, which } from './shared.js';

const INSTALL = 'run it from the Rails app (bundle install, so bin/rails works) or set runner.rails in the config';

const version = (file: string): string => /^(\d+)_/.exec(file)?.[1] ?? file;

export const rails: FrameworkRunner = {
  format: 'rails',
  defaultCommand: ['bin/rails'],
  selects: 'named',
  install: INSTALL,
  connection: 'DATABASE_URL (merged over config/database.yml by Rails); the pg gem reads PG* and PGOPTIONS',
  workdir: (m, cwd) => path.dirname(path.dirname(folderAbs(m, cwd))),
  upArgs: (m) => ['db:migrate:up', `VERSION=${version(fileName(m))}`],
  downArgs: (m) => ['db:migrate:down', `VERSION=${version(fileName(m))}`],
  locate: (at, env) => {
    const bin = path.join(at.workdir, 'bin', 'rails');
    if (fs.existsSync(bin)) return { argv: [bin] };
    const bundle = which('bundle', env, at.workdir);
    return bundle ? { argv: [bundle, 'exec', 'rails'] } : { refusal: `bin/rails not found in ${at.workdir}: ${INSTALL}` };
  },
};
