import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { PR_COMMENT_LIMIT } from '../report/markdown.js';
import { stickyBody, stickyMarker } from '../report/comment/sticky.js';
import { commentTarget, type CommentTarget } from '../report/comment/targets.js';
import type { Io } from './main.js';

export const COMMENT_HELP = `Usage: migratelint comment [paths...] [lint options] [--pr N] [--marker NAME]
       migratelint comment --body FILE [--pr N] [--marker NAME]

Posts the markdown report as one comment on the pull request (GitHub) or merge request
(GitLab), and edits that same comment on later runs instead of adding another: the
comment starts with a hidden marker, <!-- migratelint --> (<!-- migratelint:NAME -->
with --marker NAME, to keep several apart). Without --body it lints first, with the
paths and lint options given (as \`lint -f markdown\`), so the comment fits one comment.

Options:
      --body <file>          post this file ('-' reads stdin) instead of linting
      --pr <n>               the pull or merge request (default: from the CI environment)
      --marker <name>        a name for this comment, e.g. validate for a second one
      --platform <name>      github or gitlab (default: from the CI environment)
  -h, --help                 show this help
  and every option of \`migratelint lint\` but --format, --output and --fix

Environment:
  GitHub Actions  GITHUB_TOKEN (permissions: pull-requests: write), GITHUB_REPOSITORY,
                  GITHUB_EVENT_PATH (its pull_request.number), GITHUB_API_URL
  GitLab CI       GITLAB_TOKEN (api scope; else CI_JOB_TOKEN), CI_API_V4_URL, CI_PROJECT_ID,
                  CI_MERGE_REQUEST_IID

Examples:
  migratelint comment db/migrations --changed-since origin/main
  migratelint validate -f markdown -o validate.md; migratelint comment --body validate.md --marker validate

Exit codes: 0 the comment was written (whatever the findings: \`lint\` is the gate),
2 usage error or the API refused (one line, never the token).
`;

/** GitLab's notes hold up to a million characters; GitHub's comments far less. */
const GITLAB_NOTE_LIMIT = 1_000_000;

interface CommentFlags {
  body?: string;
  pr?: string;
  marker?: string;
  platform?: string;
}

const OWN_FLAGS: Record<string, keyof CommentFlags> = { '--body': 'body', '--pr': 'pr', '--marker': 'marker', '--platform': 'platform' };
/** Lint's flags that choose its output: the comment is the output. */
const NOT_FORWARDED = /^(?:-f|--format|-o|--output|--fix)(?:=|$)|^-[fo]./;

/** The comment's own flags, and the rest for the lint run. */
function splitArgs(args: readonly string[]): { flags: CommentFlags; lintArgs: string[] } {
  const flags: CommentFlags = {};
  const lintArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    const key = OWN_FLAGS[name];
    if (!key) {
      if (NOT_FORWARDED.test(args[i])) throw new UsageError(`comment writes the markdown report itself: ${name} is for \`migratelint lint\``);
      lintArgs.push(args[i]);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`option '${name} <value>' argument missing`);
    flags[key] = value;
  }
  if (flags.marker !== undefined && !/^[\w.-]+$/.test(flags.marker)) throw new UsageError(`--marker expects a name of letters, digits, '.', '_' or '-', got "${flags.marker}"`);
  return { flags, lintArgs };
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** The report to post: the file `--body` names, or lint's markdown for these arguments (undefined when lint failed). */
async function report(flags: CommentFlags, lintArgs: string[], io: Io): Promise<string | undefined> {
  if (flags.body !== undefined) {
    if (lintArgs.length) throw new UsageError(`--body posts a file as it is; ${lintArgs.join(' ')} would lint instead`);
    if (flags.body === '-') return readStdin(io.stdin);
    try {
      return fs.readFileSync(path.resolve(io.cwd, flags.body), 'utf8');
    } catch (e) {
      throw new UsageError(`--body: cannot read ${flags.body} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  // Lint writes the markdown to a private file, exactly as `lint -f markdown:FILE` would.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-comment-'));
  try {
    const file = path.join(dir, 'report.md');
    const { lintCommand } = await import('./lint-command.js');
    const code = await lintCommand([...lintArgs, '--format', `markdown:${file}`], io);
    return code === 2 ? undefined : fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function post(target: CommentTarget, body: string, marker: string) {
  if (target.platform === 'github') {
    const { upsertGitHubComment } = await import('../report/comment/github.js');
    return { where: `${target.pr.repository}#${target.pr.number}`, ...(await upsertGitHubComment(target.pr, body, marker)) };
  }
  const { upsertGitLabNote } = await import('../report/comment/gitlab.js');
  return { where: `${target.mr.project}!${target.mr.iid}`, ...(await upsertGitLabNote(target.mr, body, marker)) };
}

/** `migratelint comment`: one sticky comment with the report on the pull or merge request. */
export async function commentCommand(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(COMMENT_HELP);
    return 0;
  }
  const { flags, lintArgs } = splitArgs(args);
  // Before linting: a missing token or pull-request number fails at once.
  const target = commentTarget(io.env, flags, (file) => fs.readFileSync(path.resolve(io.cwd, file), 'utf8'));
  const text = await report(flags, lintArgs, io);
  if (text === undefined) return 2;
  const marker = stickyMarker(flags.marker);
  const body = stickyBody(marker, text, target.platform === 'github' ? PR_COMMENT_LIMIT : GITLAB_NOTE_LIMIT);
  const posted = await post(target, body, marker);
  io.stdout.write(`migratelint: ${posted.action} comment ${posted.id} on ${posted.where}${posted.url ? ` (${posted.url})` : ''}\n`);
  return 0;
}
