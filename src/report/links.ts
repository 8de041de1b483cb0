import path from 'node:path';
import type { ReportContext } from './context.js';
import { repoPath } from './repo-path.js';

/** A path as a link target: each segment percent-encoded (parentheses too, so markdown keeps the link whole), `/` between. */
export function encodePath(posixPath: string): string {
  return posixPath
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[()!'*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/blob/${GITHUB_SHA}/` when a GitHub Actions run
 * sets all three: a comment on a pull request resolves no relative link, so its links
 * must be absolute. Undefined elsewhere.
 */
export function githubBlobUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (!server || !repo || !sha) return undefined;
  return `${server.replace(/\/+$/, '')}/${repo.split('/').map(encodeURIComponent).join('/')}/blob/${encodeURIComponent(sha)}/`;
}

/** Where a link to a file points: the blob URL of its repository path when there is one, else the path relative to cwd. */
export function fileLinker(ctx: Pick<ReportContext, 'cwd' | 'root' | 'markdown'>): (file: string) => string {
  const blobUrl = ctx.markdown?.blobUrl;
  return (file) => {
    const inRepo = blobUrl ? repoPath(file, ctx) : undefined;
    if (blobUrl && inRepo !== undefined) return blobUrl.replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) + encodePath(inRepo);
    return encodePath(file.split(path.sep).join('/'));
  };
}
