import type { Comment, Migration, MigrationFormat } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';

/**
 * A code migration with nothing in it yet (both sections missing), which a frontend fills
 * in as it reads the file: also what stays when the file cannot be read.
 */
export function emptyMigration(unit: MigrationUnit, format: MigrationFormat, text: string, comments: Comment[]): Migration {
  return {
    path: unit.path,
    files: [unit.path],
    format,
    version: unit.version,
    name: unit.name,
    up: { state: 'missing', statements: [], file: unit.path },
    down: { state: 'missing', statements: [], file: unit.path },
    expectsDown: true,
    comments,
    problems: [],
    sources: new Map([[unit.path, text]]),
  };
}
