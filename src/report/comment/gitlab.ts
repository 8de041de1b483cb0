import { UsageError } from '../../errors.js';
import { callApi } from './http.js';
import { isSticky } from './sticky.js';
import type { Posted } from './github.js';

export interface GitLabMergeRequest {
  /** `CI_API_V4_URL`: `https://gitlab.com/api/v4`. */
  apiUrl: string;
  /** `CI_PROJECT_ID`, or the project's full path. */
  project: string;
  /** The merge request's IID (its number in the project). */
  iid: number;
  /** A personal, project or group access token (`PRIVATE-TOKEN`), or the job's own (`JOB-TOKEN`). */
  token: { header: 'PRIVATE-TOKEN' | 'JOB-TOKEN'; value: string };
}

/**
 * Creates or updates migratelint's one note on a merge request: the notes are read page
 * by page (`X-Next-Page`) for the one the marker opens, which is edited (PUT), else a
 * note is added (POST). System notes ("added 1 commit") are never taken for ours.
 */
export async function upsertGitLabNote(mr: GitLabMergeRequest, body: string, marker: string): Promise<Posted> {
  const base = `${mr.apiUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(mr.project)}/merge_requests/${mr.iid}/notes`;
  const headers = { [mr.token.header]: mr.token.value, 'User-Agent': 'migratelint' };
  const what = `GitLab ${mr.project}!${mr.iid}`;

  let existing: { id: number } | undefined;
  for (let page: string | null = '1'; page && !existing; ) {
    const listed = await callApi({ method: 'GET', url: `${base}?per_page=100&sort=asc&order_by=created_at&page=${encodeURIComponent(page)}`, headers }, `${what}: listing notes`, mr.token.value);
    if (!Array.isArray(listed.json)) throw new UsageError(`${what}: listing notes: the answer is not a list`);
    existing = (listed.json as { id: number; body?: unknown; system?: boolean }[]).find((n) => !n.system && isSticky(n.body, marker));
    page = listed.headers.get('x-next-page') || null;
  }

  const posted = existing
    ? await callApi({ method: 'PUT', url: `${base}/${existing.id}`, headers, body: { body } }, `${what}: updating note ${existing.id}`, mr.token.value)
    : await callApi({ method: 'POST', url: base, headers, body: { body } }, `${what}: adding a note`, mr.token.value);
  const json = (posted.json ?? {}) as { id?: number };
  return { action: existing ? 'updated' : 'created', id: json.id ?? existing?.id ?? 0 };
}
