/**
 * The Ruby frontend: Rails migrations (`db/migrate/<version>_<name>.rb`), read with
 * Prism, the official Ruby parser as WASM — no Ruby, no bundle, no database. Other Ruby
 * files (models, initializers, seeds) are skipped silently.
 */
import { emptyMigration as emptyShell } from '../migration-shell.js';
import type { Frontend, ReadFile } from '../registry.js';
import type { Migration } from '../../ir/types.js';
import type { MigrationUnit } from '../../ir/unit.js';
import { loadSqlParser } from '../../pg/parse.js';
import { wholeFileNotRead } from '../dialect-path.js';
import { loadRubyParser, type RubyParse } from './prism.js';
import { RbFile } from './source.js';
import { findMigrationClass, migrationVersion, RailsReader } from './rails.js';
import { strongMigrationsSettings } from './strong-migrations.js';
import { railsSchemaSeeds } from './schema-seed.js';

const MIGRATION_HINT = /<\s*(::)?ActiveRecord::Migration\b/;

let parse: RubyParse | undefined;

function emptyMigration(unit: MigrationUnit, text: string, file: RbFile | undefined): Migration {
  return emptyShell(unit, 'rails', text, file ? file.directiveComments() : []);
}

export function readRubyMigration(unit: MigrationUnit, readFile: ReadFile): Migration | undefined {
  let text: string;
  try {
    text = readFile(unit.path);
  } catch (e) {
    const migration = emptyMigration(unit, '', undefined);
    migration.expectsDown = false;
    migration.problems.push({ file: unit.path, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return migration;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Ruby next to the migrations that is no migration: skipped without parsing.
  if (!MIGRATION_HINT.test(text)) return undefined;
  if (!parse) throw new Error('internal: the Ruby parser is not loaded');

  const file = new RbFile(unit.path, text, parse);
  const migration = emptyMigration(unit, text, file);
  const start = { line: 1, column: 1 };

  if (file.errors.length) {
    const error = file.errors[0];
    migration.expectsDown = false;
    migration.up = { state: 'present', statements: [], file: unit.path };
    migration.problems.push({ file: unit.path, message: `Ruby syntax error: ${error.message}`, range: file.range(error.location) });
    return migration;
  }
  const cls = findMigrationClass(file);
  if (!cls) return undefined;

  const strong = strongMigrationsSettings(unit.path, readFile, parse);
  if (strong) migration.inputs = [strong.file];
  if (strong?.startAfter && unit.version && /^\d+$/.test(unit.version) && BigInt(unit.version) <= BigInt(strong.startAfter)) {
    migration.expectsDown = false;
    migration.up = { state: 'present', statements: [], file: unit.path };
    migration.coverage = wholeFileNotRead(unit.path, { start, end: start }, `skipped: at or before StrongMigrations.start_after = ${strong.startAfter} (${strong.file})`);
    return migration;
  }

  const coverage = { analysed: 0, unanalysed: [] };
  const version = migrationVersion(file, cls) ?? 4.2;
  try {
    new RailsReader(file, version, coverage, migration.comments).read(cls, migration);
  } catch (e) {
    // A construct the lowering does not expect must not stop the run: one finding, the other files go on.
    const failed = emptyMigration(unit, text, file);
    failed.expectsDown = false;
    failed.up = { state: 'present', statements: [], file: unit.path };
    failed.problems.push({ file: unit.path, message: `migratelint could not analyse this Rails migration (internal error: ${(e as Error).message})` });
    return failed;
  }
  migration.coverage = coverage;
  return migration;
}

const rubyFrontend: Frontend = {
  async load() {
    const [p] = await Promise.all([loadRubyParser(), loadSqlParser()]);
    parse = p;
  },
  read: readRubyMigration,
  seeds(units, readFile) {
    if (!parse) throw new Error('internal: the Ruby parser is not loaded');
    return railsSchemaSeeds(units, readFile, parse);
  },
};

export default rubyFrontend;
