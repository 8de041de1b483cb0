import path from 'node:path';
import type { ReportContext } from './context.js';

/**
 * A finding's file as the repository names it: relative to `ctx.root` with `/` between
 * segments, so a report written from a sub-folder names the same files as one written
 * from the root. Undefined for a file outside the root, which no repository path names.
 */
export function repoPath(file: string, ctx: Pick<ReportContext, 'cwd' | 'root'>): string | undefined {
  const root = ctx.root ?? ctx.cwd;
  const rel = root === ctx.cwd && !path.isAbsolute(file) ? path.normalize(file) : path.relative(root, path.resolve(ctx.cwd, file));
  if (rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
