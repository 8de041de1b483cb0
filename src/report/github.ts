import path from 'node:path';
import type { Finding } from '../ir/types.js';
import { wholeReport, type Reporter, type StreamingReporter } from './context.js';
import { downSuffix, hasFile } from './finding.js';

/** Escaping for the message (the part after `::`), as the Actions toolkit documents it. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping for a `key=value` property: the message escapes plus the separators `:` and `,`. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(f: Finding, cwd: string): string {
  const { start, end } = f.range;
  const props: [string, string | number][] = [];
  // A finding about no file (the target database) is an annotation on the run alone.
  if (hasFile(f)) {
    // `end` is exclusive: a range that stops at column 1 ends on the line before.
    const last = end.line > start.line && end.column === 1 ? end.line - 1 : Math.max(end.line, start.line);
    props.push(
      // Absolute: the runner turns a path inside the workspace into a repository-relative
      // one, so annotations land on the right file even when lint ran in a sub-folder.
      ['file', path.resolve(cwd, f.file)],
      ['line', start.line],
      ['endLine', last],
    );
    // GitHub drops columns on multi-line annotations; its endColumn is inclusive.
    if (end.line === start.line) props.push(['col', start.column], ['endColumn', Math.max(start.column, end.column - 1)]);
  }
  props.push(['title', `migratelint ${f.ruleId}`]);
  const name = f.severity === 'error' ? 'error' : 'warning';
  return `::${name} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(f.message + downSuffix(f))}`;
}

/**
 * GitHub Actions workflow commands: one `::error` or `::warning` line per finding,
 * which the runner turns into annotations on the pull request's changed files.
 * Lines and columns are 1-based.
 */
export const githubStream: StreamingReporter = {
  findings: (findings, _sources, ctx) => findings.map((f) => command(f, ctx.cwd) + '\n').join(''),
  end: () => '',
};

export const githubReporter: Reporter = wholeReport(githubStream);
