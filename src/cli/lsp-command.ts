import { UsageError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { Io } from './main.js';

export const LSP_HELP = `Usage: migratelint lsp --stdio

Runs migratelint as a language server (LSP) over stdin/stdout, for editors: diagnostics
as you type in every migration format lint reads (each file linted with its up/down
partner and after the migrations before it, as lint does its folder), quick fixes, "disable
for this line" with a reason, rule documentation, and hover on a flagged statement. Config
files are watched and reloaded. The editor starts it; you do not run it by hand.

Options:
      --stdio                talk LSP over stdin and stdout (the only transport)
  -h, --help                 show this help

Examples:
  migratelint lsp --stdio
  # Neovim: vim.lsp.start({ name = 'migratelint', cmd = { 'npx', 'migratelint', 'lsp', '--stdio' } })
`;

export async function lspCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { stdio: { type: 'boolean' } });
  if (positionals.length) throw new UsageError(`lsp takes no paths (got "${positionals[0]}"); the editor sends the files`);
  if (!values.stdio) throw new UsageError('lsp needs --stdio (the transport editors start it with): migratelint lsp --stdio');
  // Loaded only here: no other command pays for the protocol library.
  const { runServer } = await import('../lsp/server.js');
  return runServer(io);
}
