import type { Finding, Migration } from '../ir/types.js';
import { callText } from '../ir/coverage.js';
import type { Reporter } from './context.js';
import { hasFile } from './finding.js';

/** A migration in the JSON outputs (lint's and validate's). */
export function jsonMigration(m: Migration) {
  return {
    path: m.path,
    files: m.files,
    format: m.format,
    version: m.version ?? null,
    name: m.name ?? null,
    up: m.up.state,
    down: m.down.state,
  };
}

/**
 * What a code frontend read of the migration: how many SQL-producing calls it analysed,
 * and each one it could not, where and why. Null for SQL files, which are read whole.
 */
export function jsonCoverage(m: Migration) {
  if (!m.coverage) return null;
  return {
    analysed: m.coverage.analysed,
    notAnalysed: m.coverage.unanalysed.map((c) => {
      const source = m.sources.get(c.file);
      return {
        file: c.file,
        line: c.range.start.line,
        column: c.range.start.column,
        endLine: c.range.end.line,
        endColumn: c.range.end.column,
        // Named when the run read it; a summary keeps no source text of clean files.
        call: c.call ?? (source === undefined ? null : callText(source, c.range)),
        reason: c.reason,
      };
    }),
  };
}

/** Where a finding is, in the JSON outputs: all null for a finding about no file. */
export function jsonLocation(f: Finding) {
  const placed = hasFile(f);
  return {
    file: placed ? f.file : null,
    line: placed ? f.range.start.line : null,
    column: placed ? f.range.start.column : null,
    endLine: placed ? f.range.end.line : null,
    endColumn: placed ? f.range.end.column : null,
  };
}

/**
 * The JSON output. Its shape is documented in the README and stable: fields are only
 * ever added. Lines and columns are 1-based; `endColumn` is exclusive.
 */
export const jsonReporter: Reporter = (result, ctx) => {
  const out = {
    tool: { name: 'migratelint', version: ctx.toolVersion },
    summary: {
      files: result.counts.files,
      migrations: result.counts.migrations,
      errors: result.errorCount,
      warnings: result.warningCount,
      down: { setting: result.down?.setting ?? 'lint', hidden: result.down?.hidden ?? 0 },
      coverage: result.coverage ?? null,
      // Only when a project was set aside: its config names no PostgreSQL (fields are only ever added).
      ...(result.otherDatabases?.length ? { notPostgres: result.otherDatabases } : {}),
    },
    migrations: result.migrations.map((m) => ({ ...jsonMigration(m), coverage: jsonCoverage(m) })),
    findings: result.findings.map((f) => ({
      ...jsonLocation(f),
      ruleId: f.ruleId,
      severity: f.severity,
      // Null only for a finding about no migration (validate's about the database).
      direction: f.direction ?? null,
      message: f.message,
      // Only with a stats snapshot that knows the table: { table, rows, bytes, lock, estimate, size }.
      ...(f.risk ? { risk: f.risk } : {}),
      fix: f.fix
        ? {
            description: f.fix.description,
            edits: f.fix.edits.map((e) => ({
              file: e.file,
              line: e.range.start.line,
              column: e.range.start.column,
              endLine: e.range.end.line,
              endColumn: e.range.end.column,
              text: e.text,
            })),
          }
        : null,
    })),
    baseline: result.baseline
      ? { file: result.baseline.file, suppressed: result.baseline.suppressed, stale: result.baseline.stale }
      : null,
  };
  return JSON.stringify(out, null, 2) + '\n';
};
