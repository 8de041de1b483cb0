import type { Io } from './main.js';
import { execCommands } from './exec-commands.js';

export type Command = (args: string[], io: Io) => Promise<number> | number;

/** Every CLI command, imported only when it runs so start-up stays small. */
export const commands: Record<string, () => Promise<Command>> = {
  lint: async () => (await import('./lint-command.js')).lintCommand,
  validate: async () => (await import('./validate-command.js')).validateCommand,
  rules: async () => (await import('./rules-command.js')).rulesCommand,
  explain: async () => (await import('./rules-command.js')).explainCommand,
  baseline: async () => (await import('./baseline-command.js')).baselineCommand,
  init: async () => (await import('./init-command.js')).initCommand,
  'print-config': async () => (await import('./print-config-command.js')).printConfigCommand,
  comment: async () => (await import('./comment-command.js')).commentCommand,
  lsp: async () => (await import('./lsp-command.js')).lspCommand,
  ...execCommands,
};
