/** `migratelint lint --help` (kept apart from the command so the help loads without the linter). */
export const LINT_HELP = `Usage: migratelint lint [paths...] [options]

Lints migration files, folders or globs ('-' reads SQL from stdin). Without paths, lints
what the config's "include" names. Named files are reported alone: the other half of an
up/down pair is read for pairing, but its findings are not shown (as pre-commit needs).

Options:
  -f, --format <name[:file]> text (default), json, sarif, github, gitlab, markdown, junit, compact;
                             repeatable, each to its own file: -f sarif:report.sarif -f github
  -o, --output <file>        write the report to a file instead of stdout
      --sarif-category <name>  the SARIF run's category, to upload several reports for one commit
      --sarif-srcroot        also record the repository's absolute path (%SRCROOT%) in the SARIF
  -c, --config <file>        use this config file instead of searching for one
      --rule <id:severity>   set a rule's severity over the config: off, warn or error (repeatable)
      --changed-since <ref>  lint only migrations added or changed since a git ref (with their partners)
      --baseline <file>      hide findings recorded in this baseline (default: .migratelint-baseline.json if present)
      --fail-on <level>      exit 1 on "error" (default) or also on "warn" findings
      --stdin-filename <p>   the name (and so the format) of SQL read from stdin
      --pg-version <n>       major version of the production PostgreSQL server
      --stats <file>         weigh lock findings by table size from a snapshot (migratelint stats;
                             default: the config's "stats"): size and lock time in the message,
                             tables under risk.small (10MB) only warn
      --fix                  apply the safe mechanical fixes in place, print the recipe for the rest
      --cache                reuse results for unchanged files (in node_modules/.cache/migratelint
                             in a Node project, else .migratelint/cache)
      --cache-location <dir> keep the cache there instead (implies --cache)
      --workers <n>          worker threads (default: by folder size; 0 = none)
      --debug                show stack traces of internal errors
  -h, --help                 show this help

Examples:
  migratelint lint db/migrations
  migratelint lint --changed-since origin/main --format sarif:migratelint.sarif --format github
  migratelint lint db/migrations --rule require-concurrent-index:warn --rule no-drop-column:off
  migratelint lint db/migrations --stats .migratelint-stats.json
  cat 001_init.sql | migratelint lint - --stdin-filename db/migrations/001_init.sql

Exit codes: 0 nothing at the --fail-on level, 1 findings at it, 2 usage or input error
(a path holding no migration file is one).
`;
