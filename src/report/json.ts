import type { Finding, Migration } from '../ir/types.js';
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
    },
    migrations: result.migrations.map(jsonMigration),
    findings: result.findings.map((f) => ({
      ...jsonLocation(f),
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
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
