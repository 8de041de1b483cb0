import { UsageError } from '../../errors.js';
import type { GitHubPullRequest } from './github.js';
import type { GitLabMergeRequest } from './gitlab.js';

export type CommentTarget = { platform: 'github'; pr: GitHubPullRequest } | { platform: 'gitlab'; mr: GitLabMergeRequest };

export interface TargetFlags {
  platform?: string;
  /** `--pr N`: over what the CI environment says. */
  pr?: string;
}

function prNumber(value: string, where: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${where} expects a pull-request number, got "${value}"`);
  return n;
}

function required(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new UsageError(`${name} is not set (${why})`);
  return value;
}

/** The pull request a GitHub Actions run is for: `pull_request.number` of the event that started it. */
function eventPullRequest(env: NodeJS.ProcessEnv, readFile: (file: string) => string): number | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  let event: { pull_request?: { number?: unknown } };
  try {
    event = JSON.parse(readFile(env.GITHUB_EVENT_PATH));
  } catch (e) {
    throw new UsageError(`GITHUB_EVENT_PATH: cannot read ${env.GITHUB_EVENT_PATH} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const n = event?.pull_request?.number;
  return typeof n === 'number' ? n : undefined;
}

function github(env: NodeJS.ProcessEnv, flags: TargetFlags, readFile: (file: string) => string): GitHubPullRequest {
  const repository = required(env, 'GITHUB_REPOSITORY', 'owner/name of the repository to comment on');
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new UsageError(`GITHUB_REPOSITORY expects owner/name, got "${repository}"`);
  const number = flags.pr !== undefined ? prNumber(flags.pr, '--pr') : eventPullRequest(env, readFile);
  if (number === undefined) throw new UsageError('no pull request: this run was not started by a pull_request event (pass --pr N to name one)');
  const token = required(env, 'GITHUB_TOKEN', 'in a workflow: env: { GITHUB_TOKEN: ${{ github.token }} }, with permissions: pull-requests: write');
  return { apiUrl: env.GITHUB_API_URL || 'https://api.github.com', repository, number, token };
}

function gitlab(env: NodeJS.ProcessEnv, flags: TargetFlags): GitLabMergeRequest {
  const apiUrl = required(env, 'CI_API_V4_URL', 'the GitLab API, set in every GitLab CI job');
  const project = required(env, 'CI_PROJECT_ID', 'the project, set in every GitLab CI job');
  const iidText = flags.pr ?? env.CI_MERGE_REQUEST_IID;
  if (!iidText) throw new UsageError('no merge request: CI_MERGE_REQUEST_IID is not set (run the job in merge request pipelines, or pass --pr N)');
  const iid = prNumber(iidText, flags.pr !== undefined ? '--pr' : 'CI_MERGE_REQUEST_IID');
  // An access token with the api scope can write notes; the job token, where GitLab allows it.
  const token = env.GITLAB_TOKEN
    ? { header: 'PRIVATE-TOKEN' as const, value: env.GITLAB_TOKEN }
    : env.CI_JOB_TOKEN
      ? { header: 'JOB-TOKEN' as const, value: env.CI_JOB_TOKEN }
      : undefined;
  if (!token) throw new UsageError('GITLAB_TOKEN is not set (a project access token with the api scope, as a masked CI/CD variable)');
  return { apiUrl, project, iid, token };
}

/**
 * Where the comment goes, from the CI environment: GitHub Actions (`GITHUB_REPOSITORY`,
 * `GITHUB_TOKEN`, the pull request of `GITHUB_EVENT_PATH`) or GitLab CI (`CI_API_V4_URL`,
 * `CI_PROJECT_ID`, `CI_MERGE_REQUEST_IID`, `GITLAB_TOKEN` or `CI_JOB_TOKEN`).
 */
export function commentTarget(env: NodeJS.ProcessEnv, flags: TargetFlags, readFile: (file: string) => string): CommentTarget {
  const platform = flags.platform ?? (env.GITLAB_CI || env.CI_API_V4_URL ? 'gitlab' : env.GITHUB_ACTIONS || env.GITHUB_REPOSITORY ? 'github' : undefined);
  if (platform === 'github') return { platform, pr: github(env, flags, readFile) };
  if (platform === 'gitlab') return { platform, mr: gitlab(env, flags) };
  if (platform !== undefined) throw new UsageError(`--platform expects github or gitlab, got "${platform}"`);
  throw new UsageError('no GitHub Actions or GitLab CI environment found (GITHUB_REPOSITORY or CI_API_V4_URL); pass --platform github|gitlab');
}
