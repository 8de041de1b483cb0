// A thin client: starts `migratelint lsp --stdio` and leaves everything else to the server
// (diagnostics, quick fixes, hover, config reloads). Which command: the `migratelint.path`
// setting, else the workspace's own node_modules/.bin/migratelint, else `npx migratelint`.
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration('migratelint').get('path');
  if (configured) {
    // A JavaScript file is run with the editor's Node; anything else is a command.
    return configured.endsWith('.js') ? { command: process.execPath, args: [configured] } : { command: configured, args: [] };
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = path.join(folder.uri.fsPath, 'node_modules', '.bin', process.platform === 'win32' ? 'migratelint.cmd' : 'migratelint');
    if (fs.existsSync(local)) return { command: local, args: [] };
  }
  return { command: process.platform === 'win32' ? 'npx.cmd' : 'npx', args: ['--no-install', 'migratelint'] };
}

async function activate(context) {
  const { command, args } = serverCommand();
  const run = { command, args: [...args, 'lsp'], transport: TransportKind.stdio, options: { shell: process.platform === 'win32' } };
  client = new LanguageClient(
    'migratelint',
    'migratelint',
    { run, debug: run },
    {
      documentSelector: ['sql', 'typescript', 'javascript', 'python'].map((language) => ({ scheme: 'file', language })),
      initializationOptions: { debounceMs: vscode.workspace.getConfiguration('migratelint').get('debounceMs') },
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
