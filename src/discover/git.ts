import { execFileSync } from 'node:child_process';
import { UsageError } from '../errors.js';

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; code?: string };
    if (err.code === 'ENOENT') throw new UsageError('--changed-since needs git, which is not installed');
    const reason = (err.stderr ?? '').split('\n').find((l) => l.trim()) ?? 'git failed';
    throw new UsageError(`--changed-since: ${reason.replace(/^fatal:\s*/, '')}`);
  }
}

/**
 * Files added, copied, modified, renamed or retyped since `ref` (committed or not),
 * plus untracked files git does not ignore; paths relative to `cwd`.
 */
export function changedSince(ref: string, cwd: string): Set<string> {
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  const changed = git(['diff', '--name-only', '--relative', '-z', '--diff-filter=ACMRT', ref, '--'], cwd);
  const untracked = git(['ls-files', '--others', '--exclude-standard', '-z'], cwd);
  return new Set([...changed.split('\0'), ...untracked.split('\0')].filter(Boolean));
}
