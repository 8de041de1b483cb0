/**
 * Django: `manage.py` names the settings module (`DJANGO_SETTINGS_MODULE`), whose
 * `DATABASES` names each database's `ENGINE` (`django.db.backends.mysql`). A settings
 * package (`mysite/settings/`) is read whole. `DATABASES` built from the environment
 * (`dj_database_url.config()`, `env.db()`), an `ENGINE` that is not a string, and a
 * settings file that star-imports another leave the database unknown.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { databaseNamed, type DatabaseName } from '../databases.js';
import type { Evidence } from './evidence.js';
import { PyConfigFile } from './py-config.js';
import type { ConfigReader, ReadText } from './reader.js';

/** The database of a Django ENGINE: the first part of its dotted name that names one (`…backends.postgresql_psycopg2`, `django_cockroachdb`). */
export function engineDatabase(engine: string): DatabaseName | undefined {
  for (const part of engine.split('.').reverse()) {
    const db = databaseNamed(part) ?? part.split('_').map((w) => databaseNamed(w)).find(Boolean);
    if (db) return db;
  }
  return undefined;
}

/** The settings module manage.py sets: `os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')`. */
async function settingsModule(text: string): Promise<string | undefined> {
  const py = await PyConfigFile.parse(text);
  for (const call of py.calls()) {
    if (call.args.length === 2 && py.string(call.args[0]) === 'DJANGO_SETTINGS_MODULE') return py.string(call.args[1]);
  }
  for (const a of py.assignments()) {
    if (a.target.name === 'MemberExpression' || a.target.name === 'SubscriptExpression') {
      if (py.src(a.target).includes('DJANGO_SETTINGS_MODULE')) return py.string(a.value);
    }
  }
  return undefined;
}

/** The files of a settings module: `mysite/settings.py`, or every module of the package `mysite/settings/`. */
function settingsFiles(root: string, module: string): string[] {
  const base = path.join(root, ...module.split('.'));
  if (fs.existsSync(`${base}.py`)) return [`${base}.py`];
  try {
    return fs
      .readdirSync(base)
      .filter((f) => f.endsWith('.py'))
      .sort()
      .map((f) => path.join(base, f));
  } catch {
    return [];
  }
}

/** What one settings file says about DATABASES. */
async function databasesIn(file: string, text: string): Promise<Evidence[]> {
  const py = await PyConfigFile.parse(text);
  const out: Evidence[] = [];
  for (const n of py.nodes()) {
    if (n.name !== 'ImportStatement' || !py.src(n).includes('*')) continue;
    out.push({ file, setting: `${py.src(n).replace(/\s+/g, ' ')} may set DATABASES` });
  }
  for (const { target, value } of py.assignments()) {
    const name = py.src(target).replace(/\s+/g, '');
    if (!name.startsWith('DATABASES')) continue;
    // DATABASES['default']['ENGINE'] = '...'
    if (/\[['"]ENGINE['"]\]$/.test(name)) out.push(engineEvidence(file, py.string(value)));
    else out.push(...enginesIn(py, file, value));
  }
  return out;
}

/** The ENGINE entries of a DATABASES value; a value with none is built at run time. */
function enginesIn(py: PyConfigFile, file: string, value: SyntaxNode): Evidence[] {
  const out: Evidence[] = [];
  const visit = (node: SyntaxNode): void => {
    for (const entry of py.dictEntries(node)) {
      if (entry.key === 'ENGINE') out.push(engineEvidence(file, py.string(entry.value)));
      else visit(entry.value);
    }
  };
  visit(value);
  if (out.length === 0) out.push({ file, setting: `DATABASES = ${py.src(value).replace(/\s+/g, ' ').slice(0, 60)}` });
  return out;
}

function engineEvidence(file: string, engine: string | undefined): Evidence {
  if (engine === undefined) return { file, setting: 'ENGINE is computed at run time' };
  return { file, setting: `ENGINE ${engine}`, database: engineDatabase(engine) };
}

export const djangoReader: ConfigReader = {
  files: ['manage.py'],
  async read(file, text, readText: ReadText) {
    const module = await settingsModule(text);
    const files = module ? settingsFiles(path.dirname(file), module) : [];
    if (files.length === 0) return [{ file, setting: module ? `settings module ${module} not found` : 'no DJANGO_SETTINGS_MODULE found' }];
    const out: Evidence[] = [];
    for (const f of files) {
      const settings = readText(f);
      if (settings !== undefined) out.push(...(await databasesIn(f, settings)));
    }
    return out.length ? out : [{ file, setting: `no DATABASES in ${module}` }];
  },
};
