import { UsageError } from '../../errors.js';

/** What a failed call to a code host's API means for the person reading the CI log, by status. */
const MEANING: Record<number, string> = {
  401: 'the token was refused (unset, expired or revoked)',
  403: 'the token may not do this (a workflow needs `permissions: pull-requests: write`; a GitLab token the `api` scope)',
  404: 'not found (a wrong repository, project or pull-request number, or one the token cannot see)',
};

export interface ApiCall {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * One call to a code host's REST API, with Node's own fetch. Any failure is one line
 * naming the call and what its status means, and never the token: the text the server
 * sent back is shortened, and the token is cut out of it in case it was echoed.
 */
/** Long enough for a slow API, short enough that a stuck one fails the step, not the job's time limit. */
const API_TIMEOUT_MS = 30_000;

export async function callApi(call: ApiCall, what: string, token: string): Promise<{ json: unknown; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: { ...call.headers, ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      redirect: 'error', // a redirect would carry the token to wherever it points
      // A CI job must not hang on an API that accepts the connection and never answers.
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if ((e as Error).name === 'TimeoutError') throw new UsageError(`${what}: ${new URL(call.url).origin} did not answer within ${API_TIMEOUT_MS / 1000} s`);
    throw new UsageError(`${what}: cannot reach ${new URL(call.url).origin} (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
  const text = await response.text();
  if (!response.ok) {
    const said = serverMessage(text).split(token).join('***');
    const meaning = MEANING[response.status];
    throw new UsageError(`${what}: ${response.status} ${response.statusText || 'error'}${meaning ? `: ${meaning}` : ''}${said ? ` (server: ${said})` : ''}`);
  }
  try {
    return { json: text ? JSON.parse(text) : null, headers: response.headers };
  } catch {
    throw new UsageError(`${what}: the server answered ${response.status} with something that is not JSON`);
  }
}

/** The `message` of a JSON error body (GitHub and GitLab both send one), on one short line. */
function serverMessage(text: string): string {
  let message: unknown = text;
  try {
    const json = JSON.parse(text) as { message?: unknown; error?: unknown };
    message = json.message ?? json.error ?? '';
  } catch {
    // not JSON: an HTML error page says nothing useful on one line
    message = /^\s*</.test(text) ? '' : text;
  }
  const line = (typeof message === 'string' ? message : JSON.stringify(message)).replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
