import { UsageError } from '../errors.js';
import { toolVersion } from '../meta.js';
import { commands } from './commands.js';
import { asksForHelp, commandHelp } from './command-help.js';
import { UnknownOptionError } from './args.js';
import { didYouMean } from './did-you-mean.js';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';

const HELP = `migratelint: lint database migrations before they reach production

Usage:
  migratelint lint [paths...] [options]   lint migration files, folders or globs ('-' reads stdin)
  migratelint validate [paths...]         the release gate: lint, sequence, reversibility, trial run, drift (validate --help)
  migratelint baseline [paths...]         record today's findings; later runs report only new ones
  migratelint init                        detect the migrations folder and write .migratelintrc.json
  migratelint print-config <file>         show the effective config for one file
  migratelint rules                       list the rules with their severity in each preset
  migratelint explain <rule>              print a rule's documentation
  migratelint lsp --stdio                 the language server editors start (diagnostics, quick fixes, hover)
  migratelint help <command>              a command's flags and examples (also: <command> --help)

Applying migrations (--db defaults to pglite:.migratelint/db; also pglite:<dir>, pglite:memory,
postgres://..., or postgres: for the PG* environment variables):
  migratelint apply [dir] [--db URL] [--to V] [--dry-run] [--yes] [--no-backup] [--force]
  migratelint rollback [dir] [--db URL] [--to V | --steps N] [--dry-run] [--yes]
  migratelint status [dir] [--db URL] [--json]
  migratelint repair <id> (--applied | --rolled-back) --reason TEXT [dir] [--db URL] [--yes]
  migratelint backup [--db URL] [--output FILE] [--tables-only]
  migratelint restore <backup> [--db URL] [--yes]  |  restore --resume | --undo   (settle an interrupted restore)
  migratelint backups [--prune --keep N | --max-age 30d] [--yes] [--verify] [--json]
  migratelint health [dir] [--db URL] [--json]
  migratelint stats [--db URL] [-o FILE] [--json]    snapshot table sizes for lint --stats

Lint options:
  -f, --format <name>        text (default), json, sarif, github, gitlab, markdown, junit, compact
  -o, --output <file>        write the report to a file instead of stdout
  -c, --config <file>        use this config file instead of searching for one
      --changed-since <ref>  lint only migrations added or changed since a git ref
      --baseline <file>      hide findings recorded in this baseline (default: .migratelint-baseline.json if present)
      --fail-on <level>      exit 1 on "error" (default) or also on "warn" findings
      --rule <id:severity>   set a rule's severity over the config: off, warn or error (repeatable)
      --stdin-filename <p>   the name (and so the format) of SQL read from stdin
      --pg-version <n>       major version of the production PostgreSQL server
      --fix                  apply the safe mechanical fixes in place, print the recipe for the rest
      --cache                reuse results for unchanged files (node_modules/.cache/migratelint in a
                             Node project, else .migratelint/cache)
      --workers <n>          worker threads (default: by folder size; 0 = none)
      --debug                show stack traces of internal errors

Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error.
Each command has its own help with every flag and an example: migratelint <command> --help
`;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Runs the CLI and returns its exit code; never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  endQuietlyOnClosedPipe(io.stdout, io.stderr);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
        io.stdout.write(HELP);
        return 0;
      case 'help':
        io.stdout.write(rest[0] === undefined ? HELP : await helpOf(rest[0]));
        return 0;
      case '-v':
      case '--version':
        io.stdout.write(`${toolVersion()}\n`);
        return 0;
      default: {
        const load = Object.hasOwn(commands, command) ? commands[command] : undefined;
        if (!load) throw unknownCommand(command);
        if (asksForHelp(rest) && Object.hasOwn(commandHelp, command)) {
          io.stdout.write(await commandHelp[command]());
          return 0;
        }
        return await (await load())(rest, io);
      }
    }
  } catch (e) {
    if (e instanceof UnknownOptionError && !e.suggestion) {
      io.stderr.write(`migratelint: ${e.message} (see: migratelint ${command} --help)\n`);
    } else if (e instanceof UsageError) {
      io.stderr.write(`migratelint: ${e.message}\n`);
    } else {
      const err = e as Error;
      io.stderr.write(`migratelint: internal error: ${err?.message ?? String(e)}${debug ? '' : ' (run with --debug for details)'}\n`);
      if (debug && err?.stack) io.stderr.write(`${err.stack}\n`);
    }
    return 2;
  }
}

async function helpOf(command: string): Promise<string> {
  if (Object.hasOwn(commandHelp, command)) return commandHelp[command]();
  throw unknownCommand(command);
}

function unknownCommand(command: string): UsageError {
  const hint = didYouMean(command, Object.keys(commands));
  return new UsageError(`unknown command "${command}"${hint || ' (see: migratelint --help)'}`);
}
