import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { COMMON_OPTIONS, contextFrom, guard, onePositional } from './exec-shared.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { status } from '../exec/status.js';
import { dbTargetNote, maskUrl } from '../exec/url.js';
import type { ExecContext } from '../exec/context.js';

/** `migratelint status [dir] --db <url> [--json]`: applied, pending and drift. */
export async function statusCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_OPTIONS, json: { type: 'boolean' } });
  const json = !!values.json;
  const dir = resolveMigrationsDir(onePositional(positionals, 'status', 'migrations directory'), io.cwd);
  const ctx = jsonContext(json, io, () => contextFrom(values, io, 'status', args));
  noteTarget(ctx, values.db as string | undefined, io);
  if (!json) return guard(ctx, () => status(ctx, { dir, json }));
  return jsonOrError(ctx, {}, (c) => status(c, { dir, json }));
}

/** Says on stderr where the database came from when it was not named (DATABASE_URL, or the embedded PGlite fallback). */
export function noteTarget(ctx: ExecContext, db: string | undefined, io: Io): void {
  const note = dbTargetNote(db, io.cwd, io.env);
  if (note) ctx.err(note);
}

/**
 * Makes the command's context; under --json a usage error in it (a malformed --db) is
 * also printed as `{ "error": … }` on stdout, so stdout always holds one JSON document.
 */
export function jsonContext(json: boolean, io: Io, make: () => ExecContext): ExecContext {
  try {
    return make();
  } catch (e) {
    if (json) io.stdout.write(`${JSON.stringify({ error: maskUrl((e as Error)?.message ?? String(e)) }, null, 2)}\n`);
    throw e;
  }
}

/**
 * Runs a command whose --json output must be one JSON document on stdout whatever
 * happens: when it ends without printing one (the database unreachable, an internal
 * error), `{ "db": …, …extra, "error": … }` is printed instead (redacted like every line).
 * The exit code stays the command's: 1 for an error it reports, 2 for an internal one.
 */
export async function jsonOrError(ctx: ExecContext, extra: Record<string, unknown>, body: (ctx: ExecContext) => Promise<number>): Promise<number> {
  let printed = false;
  let error: string | undefined;
  const watched: ExecContext = {
    ...ctx,
    out: (line) => {
      printed = true;
      ctx.out(line);
    },
    err: (line) => {
      // The one error line every command prints (withReport, guard): "migratelint: <message>".
      if (error === undefined && line.startsWith('migratelint: ')) error = line.slice('migratelint: '.length);
      ctx.err(line);
    },
  };
  const fail = (message: string) => {
    if (!printed) ctx.out(JSON.stringify({ db: ctx.target.display, ...extra, error: message }, null, 2));
  };
  try {
    const code = await guard(watched, () => body(watched));
    if (code !== 0) fail(error ?? `${ctx.command} failed (exit ${code})`);
    return code;
  } catch (e) {
    fail((e as Error)?.message ?? String(e));
    throw e;
  }
}
