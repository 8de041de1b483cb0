/**
 * The Python frontend: Alembic revisions and Django migrations, read without running
 * Python. Files that are neither (helpers, `env.py`, `__init__.py`, settings) are
 * skipped silently.
 */
import type { Frontend, ReadFile } from '../registry.js';
import type { Migration } from '../../ir/types.js';
import type { MigrationUnit } from '../../ir/unit.js';
import { loadSqlParser } from '../../pg/parse.js';
import { loadPythonParser, PyFile } from './syntax.js';
import { Scope } from './values.js';
import { emptyMigration, type Coverage } from './lower.js';
import { isAlembic, readAlembic } from './alembic.js';
import { readDjango } from './django.js';
import { saCustomTypesFor } from './sqlalchemy-custom-types.js';
import { migrationClass } from './django-state.js';

const ALEMBIC_HINT = /^\s*def\s+upgrade\s*\(/m;
const ALEMBIC_REVISION = /^\s*revision\b/m;
const DJANGO_HINT = /^\s*class\s+Migration\s*\(/m;

export function readPythonMigration(unit: MigrationUnit, readFile: ReadFile): Migration | undefined {
  let text: string;
  try {
    text = readFile(unit.path);
  } catch (e) {
    const migration = emptyMigration(unit, /[\\/]migrations[\\/]/.test(unit.path) ? 'django' : 'alembic', undefined, '');
    migration.expectsDown = false;
    migration.problems.push({ file: unit.path, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return migration;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const alembicHint = ALEMBIC_HINT.test(text) && ALEMBIC_REVISION.test(text);
  const djangoHint = DJANGO_HINT.test(text);
  // Ordinary Python next to the migrations: skipped without parsing.
  if (!alembicHint && !djangoHint) return undefined;

  const file = new PyFile(unit.path, text);
  const error = file.syntaxError();
  if (error) {
    const migration = emptyMigration(unit, alembicHint ? 'alembic' : 'django', file, text);
    migration.expectsDown = false;
    migration.up = { state: 'present', statements: [], file: unit.path };
    const end = Math.min(error.offset + 1, text.length);
    migration.problems.push({
      file: unit.path,
      message: `Python syntax error: ${error.message}`,
      range: file.range(error.offset, Math.max(end, error.offset)),
    });
    return migration;
  }

  const scope = Scope.module(file);
  const coverage: Coverage = { analysed: 0, unanalysed: [] };
  const alembic = alembicHint && isAlembic(scope);
  const cls = !alembic && djangoHint ? migrationClass(file) : undefined;
  if (!alembic && !cls) return undefined;
  const migration = emptyMigration(unit, alembic ? 'alembic' : 'django', file, text);
  try {
    if (alembic) {
      const types = saCustomTypesFor(readFile);
      types.touched.clear();
      types.bind(scope, unit.path);
      readAlembic(file, scope, migration, coverage);
      // A cached result holds while the modules of the project's own types it read are unchanged.
      if (types.touched.size) migration.inputs = [...types.touched].sort();
    } else readDjango(unit, file, scope, cls!, migration, coverage, readFile);
  } catch (e) {
    // A construct the lowering does not expect must not stop the run: one finding, the other files go on.
    const failed = emptyMigration(unit, migration.format, file, text);
    failed.expectsDown = false;
    failed.up = { state: 'present', statements: [], file: unit.path };
    failed.problems.push({ file: unit.path, message: `migratelint could not analyse this ${migration.format} migration (internal error: ${(e as Error).message})` });
    return failed;
  }
  migration.coverage = coverage;
  return migration;
}

const pythonFrontend: Frontend = {
  async load() {
    await Promise.all([loadPythonParser(), loadSqlParser()]);
  },
  read: readPythonMigration,
};

export default pythonFrontend;
