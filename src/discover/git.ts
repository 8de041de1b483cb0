import { execFileSync } from 'node:child_process';
import { UsageError } from '../errors.js';

class GitError extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; code?: string };
    if (err.code === 'ENOENT') throw new UsageError('--changed-since needs git, which is not installed');
    const reason = (err.stderr ?? '').split('\n').find((l) => l.trim()) ?? `git ${args[0]} failed`;
    throw new GitError(reason.replace(/^fatal:\s*/, ''));
  }
}

/** Runs git for --changed-since: its failure is a usage error in its own words. */
function gitFor(args: string[], cwd: string): string {
  try {
    return git(args, cwd);
  } catch (e) {
    if (e instanceof GitError) throw new UsageError(`--changed-since: ${e.message}`);
    throw e;
  }
}

/** Whether `ref` names a commit in this clone. */
function hasCommit(ref: string, cwd: string): boolean {
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
    return true;
  } catch (e) {
    if (e instanceof GitError) return false;
    throw e;
  }
}

/**
 * Why `ref` is not in this clone, and what to run. CI checkouts are shallow and hold one
 * branch (actions/checkout fetches one commit by default), so a base branch such as
 * origin/main is usually simply not fetched.
 */
export function missingRefMessage(ref: string, cwd: string): string {
  let inside: string;
  try {
    inside = git(['rev-parse', '--is-inside-work-tree'], cwd).trim();
  } catch {
    inside = 'false';
  }
  if (inside !== 'true') return `--changed-since: not inside a git repository, so there is no ${ref} to compare with (run in a clone, or drop --changed-since)`;
  const shallow = git(['rev-parse', '--is-shallow-repository'], cwd).trim() === 'true';
  const remote = /^(?:refs\/remotes\/)?([^/]+)\/(.+)$/.exec(ref);
  const remotes = git(['remote'], cwd).split('\n').filter(Boolean);
  const [name, branch] = remote && remotes.includes(remote[1]) ? [remote[1], remote[2]] : [remotes[0] ?? 'origin', ref];
  // The diff compares the ref's tree with the working tree: the ref's commit alone is enough.
  const fetch = `git fetch --no-tags --depth=1 ${name} ${branch}`;
  if (shallow) {
    return (
      `--changed-since: the ref ${ref} is not in this clone, which is shallow (a CI checkout): ` +
      `fetch it with ${fetch}, or use actions/checkout with fetch-depth: 0`
    );
  }
  return `--changed-since: unknown ref ${ref}: no branch, tag or commit of that name in this clone (git branch -a lists them; a remote branch may need: ${fetch})`;
}

/**
 * Files added, copied, modified, renamed or retyped since `ref` (committed or not),
 * plus untracked files git does not ignore; paths relative to `cwd`.
 */
export function changedSince(ref: string, cwd: string): Set<string> {
  if (!hasCommit(ref, cwd)) throw new UsageError(missingRefMessage(ref, cwd));
  const changed = gitFor(['diff', '--name-only', '--relative', '-z', '--diff-filter=ACMRT', ref, '--'], cwd);
  const untracked = gitFor(['ls-files', '--others', '--exclude-standard', '-z'], cwd);
  return new Set([...changed.split('\0'), ...untracked.split('\0')].filter(Boolean));
}
