/**
 * `--help` of the commands whose help is not kept beside an option table of their own
 * (apply, rollback, backups and validate keep theirs in their command files).
 */
import { COMMON_HELP } from './exec-shared.js';

export const BASELINE_HELP = `Usage: migratelint baseline [paths...] [options]

Records today's findings, so that later lint runs report only new ones. Lint reads
.migratelint-baseline.json (or the config's "baseline", or --baseline FILE) by itself.

Options:
  -o, --output <file>        where to write it (default: the config's "baseline", else .migratelint-baseline.json)
  -c, --config <file>        use this config file instead of searching for one
      --rule <id:severity>   set a rule's severity over the config: off, warn or error (repeatable)
      --changed-since <ref>  record only migrations added or changed since a git ref
      --stdin-filename <p>   the name of SQL read from stdin ('-')
      --pg-version <n>       major version of the production PostgreSQL server
      --cache                reuse results for unchanged files
      --cache-location <dir> keep the cache there instead (implies --cache)
      --workers <n>          worker threads (0 = none)
      --debug                show stack traces of internal errors
  -h, --help                 show this help

Examples:
  migratelint baseline db/migrations
  migratelint lint db/migrations        # now reports only findings not in the baseline
`;

export const INIT_HELP = `Usage: migratelint init [options]

Looks for the migrations folder (and the framework) and writes .migratelintrc.json. When it
finds no migration file it writes no "include" and says so, naming migration formats it
recognises but cannot read (Rails, Liquibase, Laravel, Ecto, ...).

Options:
      --force                overwrite an existing config file
      --pg-version <n>       major version of the production PostgreSQL server (default: the current one)
  -h, --help                 show this help

Example:
  migratelint init && migratelint lint
`;

export const PRINT_CONFIG_HELP = `Usage: migratelint print-config <file> [options]

Prints, as JSON, the config in force for one migration file: which config file, whether the
file is linted, its format, PostgreSQL version, transaction mode and every rule's severity.

Options:
  -c, --config <file>        use this config file instead of searching for one
  -h, --help                 show this help

Example:
  migratelint print-config db/migrations/001_init.up.sql
`;

export const RULES_HELP = `Usage: migratelint rules

Lists every rule with its severity in the recommended and strict presets and a one-line summary.

Options:
  -h, --help                 show this help

Example:
  migratelint rules | grep concurrent
`;

export const EXPLAIN_HELP = `Usage: migratelint explain <rule>

Prints a rule's documentation: why it matters, the safe way, a bad and a good example.

Options:
  -h, --help                 show this help

Example:
  migratelint explain require-concurrent-index
`;

export const STATUS_HELP = `Usage: migratelint status [dir] [--db URL] [--json]

Lists applied and pending migrations and the drift between the database and the files.

Options:
      --json                 print one JSON document
${COMMON_HELP}
  -h, --help                 show this help

Example:
  migratelint status db/migrations --db "$DATABASE_URL"
`;

export const REPAIR_HELP = `Usage: migratelint repair <id> (--applied | --rolled-back) --reason TEXT [dir] [--db URL]

Records in the history what a person did by hand to a partly applied or failed migration.

Options:
      --applied              the migration is now fully applied
      --rolled-back          the migration is now fully undone
      --reason <text>        what was done, kept in the history (required)
  -y, --yes                  do not ask
      --i-know-this-is-production  with --yes: run on a database the config's protect: lists
${COMMON_HELP}
  -h, --help                 show this help

Example:
  migratelint repair 20240101120000 --applied --reason "finished the index by hand" --db "$DATABASE_URL"
`;

export const BACKUP_HELP = `Usage: migratelint backup [--db URL] [--output FILE] [--tables-only] [--tables a,b]

Takes a backup of the database (pg_dump for PostgreSQL, a directory dump for PGlite).

Options:
  -o, --output <file>        where to write it (default: a new file in the backup directory)
      --tables-only          only the rows of the tables, no schema
      --tables <a,b>         only these tables
${COMMON_HELP}
  -h, --help                 show this help

Example:
  migratelint backup --db "$DATABASE_URL" --output before-deploy.dump
`;

export const RESTORE_HELP = `Usage: migratelint restore <backup> [--db URL] [--yes] [--no-backup]
       migratelint restore (--resume | --undo) [--db URL]

Restores a backup into a copy of the database and swaps the names, after a safety backup.
--resume finishes and --undo undoes a restore that was interrupted.

Options:
  -y, --yes                  do not ask
      --no-backup            take no safety backup first
      --resume               finish an interrupted restore
      --undo                 undo an interrupted restore
      --i-know-this-is-production  with --yes: run on a database the config's protect: lists
${COMMON_HELP}
  -h, --help                 show this help

Example:
  migratelint restore .migratelint/backups/2024-01-01T12-00-00.dump --db "$DATABASE_URL"
`;

export const HEALTH_HELP = `Usage: migratelint health [dir] [--db URL] [--json]

Exit 1 when the database is unhealthy: a failed or half-done migration, a lock left behind,
a long transaction, a server older than pgVersion. A database no migration was applied to
yet is healthy, so \`health && apply\` can do the first deploy.

Options:
      --json                 print one JSON document
      --max-transaction-age <time>  flag transactions open longer than this (30s, 5m, ...)
${COMMON_HELP}
  -h, --help                 show this help

Example:
  migratelint health db/migrations --db "$DATABASE_URL" && migratelint apply db/migrations --db "$DATABASE_URL" --yes
`;
