import type { Command } from './commands.js';

/** Commands of the execution layer (apply, rollback, status, backup, restore, health). */
export const execCommands: Record<string, () => Promise<Command>> = {};
