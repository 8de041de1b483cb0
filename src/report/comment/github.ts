import { UsageError } from '../../errors.js';
import { callApi } from './http.js';
import { isSticky } from './sticky.js';

export interface GitHubPullRequest {
  /** `https://api.github.com`, or a GitHub Enterprise Server's `/api/v3`. */
  apiUrl: string;
  /** `owner/name`. */
  repository: string;
  number: number;
  token: string;
}

export interface Posted {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

/** The `next` page of a `Link` header, if any. */
function nextPage(link: string | null): string | undefined {
  return link?.split(',').find((part) => /;\s*rel="?next"?/.test(part))?.match(/<([^>]+)>/)?.[1];
}

/**
 * Creates or updates migratelint's one comment on a pull request (an issue comment, the
 * conversation tab's kind): every page of the pull request's comments is read for the
 * one the marker opens; it is edited if found, else a comment is added.
 */
export async function upsertGitHubComment(pr: GitHubPullRequest, body: string, marker: string): Promise<Posted> {
  const api = pr.apiUrl.replace(/\/+$/, '');
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${pr.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': 'migratelint',
  };
  const repo = pr.repository.split('/').map(encodeURIComponent).join('/');
  const what = `GitHub ${pr.repository}#${pr.number}`;

  let existing: { id: number } | undefined;
  for (let url: string | undefined = `${api}/repos/${repo}/issues/${pr.number}/comments?per_page=100`; url && !existing; ) {
    const page = await callApi({ method: 'GET', url, headers }, `${what}: listing comments`, pr.token);
    if (!Array.isArray(page.json)) throw new UsageError(`${what}: listing comments: the answer is not a list`);
    existing = (page.json as { id: number; body?: unknown }[]).find((c) => isSticky(c.body, marker));
    url = nextPage(page.headers.get('link'));
    // The token goes only where it was meant to: a next page elsewhere is not followed.
    if (url && new URL(url).origin !== new URL(api).origin) throw new UsageError(`${what}: listing comments: the next page is on another host (${new URL(url).origin})`);
  }

  const posted = existing
    ? await callApi({ method: 'PATCH', url: `${api}/repos/${repo}/issues/comments/${existing.id}`, headers, body: { body } }, `${what}: updating comment ${existing.id}`, pr.token)
    : await callApi({ method: 'POST', url: `${api}/repos/${repo}/issues/${pr.number}/comments`, headers, body: { body } }, `${what}: adding a comment`, pr.token);
  const json = (posted.json ?? {}) as { id?: number; html_url?: string };
  return { action: existing ? 'updated' : 'created', id: json.id ?? existing?.id ?? 0, url: json.html_url };
}
