import path from 'node:path';
import { lint, type LintOptions, type LintResult } from '../lint.js';
import type { ResolvedConfig } from '../config/load.js';
import { onCacheDiscarded } from '../pipeline/cache.js';
import type { Io } from './main.js';
import { ReportScope } from './report-scope.js';
import { requireIncludedFiles, requireMigrationFiles, requireSomeMigrations } from './no-silent-green.js';

/**
 * Lints `paths` for a command: a named folder (or include) holding no migration is a usage
 * error, not a green run; only the files named are reported (partners are read for
 * pairing); a malformed cache is named in one line and rebuilt.
 */
export async function lintForCommand(paths: string[], positionals: string[], options: LintOptions, config: ResolvedConfig, io: Io): Promise<LintResult> {
  // --changed-since may rightly find nothing to lint.
  const judgeEmpty = options.only === undefined;
  if (judgeEmpty) {
    if (positionals.length) requireMigrationFiles(positionals, io.cwd);
    else requireIncludedFiles(config, io.cwd);
  }
  const scope = ReportScope.of(positionals, io.cwd);
  const run: LintOptions = scope ? { ...options, onMigration: scope.wrap(options.onMigration) } : options;
  const stop = onCacheDiscarded((file, reason) => {
    io.stderr.write(`migratelint: ${path.relative(io.cwd, file) || file}: ${reason}; discarded, the cache is rebuilt\n`);
  });
  let result: LintResult;
  try {
    result = await lint(paths, run);
  } finally {
    stop();
  }
  // A project set aside as not PostgreSQL had migrations: its one line says so, and the run is no mistake.
  if (judgeEmpty && !result.otherDatabases?.length) requireSomeMigrations(result.counts.migrations, positionals, config, io.cwd);
  return scope ? scope.apply(result) : result;
}
