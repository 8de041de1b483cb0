/**
 * Django: `python manage.py migrate <app> <name>` brings one app to a migration (applying
 * it and, first, what it depends on); `migrate <app> <previous>` or `migrate <app> zero`
 * un-applies what follows the target in that app.
 *
 * Checked against Django's MigrationExecutor.migration_plan (3.2 as Debian ships it; the
 * same in 4.x and 5.x): going back to an applied target rolls back the target's children
 * in the same app (and what depends on them), no further, so the previous migration of
 * `m`'s own app (its parent there; `zero` when it has none) un-applies `m` alone.
 * `--noinput` keeps it from prompting. Runs in the folder holding manage.py (searched
 * upward from the migrations folder).
 *
 * Django reads no connection variable itself: settings.py decides (by convention
 * DATABASE_URL through dj-database-url or django-environ). The default command uses the
 * first Python that can import django: a .venv/venv of the project, then each python3
 * and python along PATH (a pyenv shim first on PATH may lack what Debian's
 * python3-django installed for /usr/bin/python3).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { FrameworkRunner } from './types.js';
import { findUp, folderAbs, pythonCandidates, pythonWith, shown } from './shared.js';

const INSTALL = 'install Django (pip install django psycopg2-binary, or apt install python3-django python3-psycopg2) or set runner.django in the config (e.g. ".venv/bin/python manage.py migrate")';

function split(id: string): { app: string; name: string } {
  const dot = id.indexOf('.');
  return { app: id.slice(0, dot), name: id.slice(dot + 1) };
}

function previousInApp(m: PlannedMigration): string {
  const { app } = split(m.id);
  const parent = m.after.map(split).find((p) => p.app === app);
  return parent ? parent.name : 'zero';
}

export const django: FrameworkRunner = {
  format: 'django',
  defaultCommand: ['python3', 'manage.py', 'migrate'],
  selects: 'named',
  install: INSTALL,
  connection: 'nothing by itself: settings.py reads DATABASE_URL by convention (dj-database-url, django-environ)',
  workdir: (m, cwd) => findUp(folderAbs(m, cwd), ['manage.py']) ?? cwd,
  upArgs(m) {
    const { app, name } = split(m.id);
    return [app, name, '--noinput'];
  },
  downArgs(m) {
    return [split(m.id).app, previousInApp(m), '--noinput'];
  },
  complete(argv) {
    const at = argv.findIndex((a) => /(^|\/)(manage\.py|django-admin)$/.test(a));
    return at >= 0 && !argv.slice(at + 1).includes('migrate') ? [...argv, 'migrate'] : argv;
  },
  locate(at, env) {
    if (!fs.existsSync(path.join(at.workdir, 'manage.py'))) {
      return { refusal: `manage.py not found in ${shown(at.workdir, at.cwd)} or above the migrations folder: set runner.django in the config (e.g. "python3 backend/manage.py migrate")` };
    }
    const py = pythonWith('django', at, env);
    if (py) return { argv: [py, 'manage.py', 'migrate'] };
    const tried = pythonCandidates(at, env).map((p) => shown(p, at.cwd));
    return { refusal: `Django not found (no Python here imports django${tried.length ? `; tried ${tried.join(', ')}` : ''}): ${INSTALL}` };
  },
};
