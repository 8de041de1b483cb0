import type { Reporter } from './context.js';

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
    migrations: result.migrations.map((m) => ({
      path: m.path,
      files: m.files,
      format: m.format,
      version: m.version ?? null,
      name: m.name ?? null,
      up: m.up.state,
      down: m.down.state,
    })),
    findings: result.findings.map((f) => ({
      file: f.file,
      line: f.range.start.line,
      column: f.range.start.column,
      endLine: f.range.end.line,
      endColumn: f.range.end.column,
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
