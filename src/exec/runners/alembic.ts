/**
 * Alembic: `alembic upgrade <rev>` applies up to and including one revision;
 * `alembic downgrade <target>` un-applies what lies above the target.
 *
 * Checked against Alembic's source (alembic/script/revision.py, 1.8.1 as Debian ships
 * it, and the command docs): downgrading to a plain parent drops EVERY active child of
 * that parent, so when the parent has several children in the plan (a branch point), or
 * `m` is one of several bases, the target is written `<m>@<parent>` / `<m>@base`: the
 * branch label (a revision id serves as one, `_resolve_branch`) keeps only the roots
 * below `m`. A merge revision rolls back to one parent: its other parents stay applied.
 *
 * Runs in the folder holding alembic.ini (searched upward from the versions folder), as
 * `alembic` looks for ./alembic.ini. Alembic reads no connection variable itself:
 * env.py decides (by convention `os.environ["DATABASE_URL"]`, else sqlalchemy.url).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { FrameworkRunner } from './types.js';
import { findUp, folderAbs, groupOf, probe, pythonWith, shown, which, whichAll } from './shared.js';

const INSTALL = 'install Alembic (pip install alembic psycopg2-binary, or apt install alembic python3-psycopg2) or set runner.alembic in the config';

const parentsOf = (m: PlannedMigration): string[] => [...(m.migration.graph?.parents ?? m.after)];

export const alembic: FrameworkRunner = {
  format: 'alembic',
  defaultCommand: ['alembic'],
  selects: 'named',
  install: INSTALL,
  connection: 'nothing by itself: env.py reads DATABASE_URL by convention (or sqlalchemy.url in alembic.ini)',
  workdir: (m, cwd) => findUp(folderAbs(m, cwd), ['alembic.ini']) ?? cwd,
  upArgs: (m) => ['upgrade', m.id],
  downArgs(m, plan) {
    const group = groupOf(m, plan);
    const parents = parentsOf(m);
    if (!parents.length) {
      const bases = group.filter((p) => !parentsOf(p).length);
      return ['downgrade', bases.length > 1 ? `${m.id}@base` : 'base'];
    }
    const parent = parents[0];
    const children = group.filter((p) => parentsOf(p).includes(parent));
    return ['downgrade', children.length > 1 ? `${m.id}@${parent}` : parent];
  },
  locate(at, env) {
    if (!fs.existsSync(path.join(at.workdir, 'alembic.ini'))) {
      return { refusal: `alembic.ini not found in ${shown(at.workdir, at.cwd)} or above the versions folder: set runner.alembic in the config (e.g. "alembic -c db/alembic.ini")` };
    }
    for (const dir of new Set([at.workdir, at.cwd])) {
      for (const venv of ['.venv', 'venv']) {
        const bin = which(path.join(dir, venv, 'bin', 'alembic'), env, dir);
        if (bin) return { argv: [bin] };
      }
    }
    // A shim (pyenv) may exist for a Python that lacks Alembic: run each once to be sure.
    for (const bin of whichAll('alembic', env)) if (probe([bin, '--version'], at.workdir, env)) return { argv: [bin] };
    const py = pythonWith('alembic', at, env);
    if (py) return { argv: [py, '-m', 'alembic'] };
    return { refusal: `alembic not found: ${INSTALL}` };
  },
};
