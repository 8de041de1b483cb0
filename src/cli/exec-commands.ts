import type { Command } from './commands.js';

/** Commands of the execution layer (apply, rollback, status, repair, backup, restore, backups, health, stats). */
export const execCommands: Record<string, () => Promise<Command>> = {
  apply: async () => (await import('./apply-command.js')).applyCommand,
  rollback: async () => (await import('./rollback-command.js')).rollbackCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
  backup: async () => (await import('./backup-command.js')).backupCommand,
  restore: async () => (await import('./restore-command.js')).restoreCommand,
  backups: async () => (await import('./backups-command.js')).backupsCommand,
  health: async () => (await import('./health-command.js')).healthCommand,
  repair: async () => (await import('./repair-command.js')).repairCommand,
  stats: async () => (await import('./stats-command.js')).statsCommand,
};
