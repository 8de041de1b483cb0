/**
 * Which files a lint run reports on. pre-commit names the staged files: when only a
 * `.down.sql` is staged, the committed `.up.sql` is read so the pair is judged whole (no
 * "missing down"), but its findings belong to an earlier commit and are not reported.
 * Folders named report everything below them; a glob reports everything (what it matched
 * is not known here).
 */
import path from 'node:path';
import type { Finding } from '../ir/types.js';
import type { LintResult } from '../lint.js';
import type { OnMigration } from '../pipeline/collect.js';
import { inspectPath } from '../discover/file-kind.js';

export class ReportScope {
  private errors = 0;
  private warnings = 0;
  private counting = false;

  private constructor(
    private readonly files: ReadonlySet<string>,
    private readonly dirs: readonly string[],
  ) {}

  /** The scope of the paths named on the command line; undefined when everything read is reported. */
  static of(positionals: readonly string[], cwd: string): ReportScope | undefined {
    if (positionals.length === 0 || positionals.some((p) => p === '-' || /[*?[{]/.test(p))) return undefined;
    const files = new Set<string>();
    const dirs: string[] = [];
    for (const p of positionals) {
      const abs = path.resolve(cwd, p);
      const rel = path.relative(cwd, abs);
      const found = inspectPath(abs);
      if ('stat' in found && found.stat.isDirectory()) dirs.push(rel === '' ? '' : `${rel}${path.sep}`);
      else files.add(rel || p);
    }
    // Only folders: every file read lies below them.
    return files.size ? new ReportScope(files, dirs) : undefined;
  }

  /** Whether findings in `file` (relative to cwd) are reported. */
  reports(file: string): boolean {
    return !file || this.files.has(file) || this.dirs.some((d) => file.startsWith(d));
  }

  private keep(findings: readonly Finding[]): Finding[] {
    return findings.filter((f) => this.reports(f.file));
  }

  /** Wraps a streaming callback: it sees only reported findings, which are counted for the result. */
  wrap(onMigration: OnMigration | undefined): OnMigration | undefined {
    if (!onMigration) return undefined;
    this.counting = true;
    return (migration, found) => {
      const kept = this.keep(found);
      for (const f of kept) f.severity === 'error' ? this.errors++ : this.warnings++;
      onMigration(migration, kept);
    };
  }

  /** The result as reported: findings and counts of the reported files only. */
  apply(result: LintResult): LintResult {
    if (this.counting) return { ...result, errorCount: this.errors, warningCount: this.warnings };
    const findings = this.keep(result.findings);
    return {
      ...result,
      findings,
      errorCount: findings.filter((f) => f.severity === 'error').length,
      warningCount: findings.filter((f) => f.severity !== 'error').length,
    };
  }
}
