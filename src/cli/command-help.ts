/** Each command's `--help`, loaded only when asked for. */
export const commandHelp: Record<string, () => Promise<string>> = {
  lint: async () => (await import('./lint-help.js')).LINT_HELP,
  validate: async () => (await import('./validate-command.js')).VALIDATE_HELP,
  baseline: async () => (await import('./help-texts.js')).BASELINE_HELP,
  init: async () => (await import('./help-texts.js')).INIT_HELP,
  'print-config': async () => (await import('./help-texts.js')).PRINT_CONFIG_HELP,
  rules: async () => (await import('./help-texts.js')).RULES_HELP,
  explain: async () => (await import('./help-texts.js')).EXPLAIN_HELP,
  apply: async () => (await import('./apply-command.js')).APPLY_HELP,
  rollback: async () => (await import('./rollback-command.js')).ROLLBACK_HELP,
  status: async () => (await import('./help-texts.js')).STATUS_HELP,
  repair: async () => (await import('./help-texts.js')).REPAIR_HELP,
  backup: async () => (await import('./help-texts.js')).BACKUP_HELP,
  restore: async () => (await import('./help-texts.js')).RESTORE_HELP,
  backups: async () => (await import('./backups-command.js')).BACKUPS_HELP,
  health: async () => (await import('./help-texts.js')).HEALTH_HELP,
  stats: async () => (await import('./stats-command.js')).STATS_HELP,
  comment: async () => (await import('./comment-command.js')).COMMENT_HELP,
  lsp: async () => (await import('./lsp-command.js')).LSP_HELP,
};

/** Whether the arguments ask for help: `-h` or `--help` before any `--`. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
