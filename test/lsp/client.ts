/**
 * A protocol client for the server tests: starts `migratelint lsp --stdio` as a child
 * process (the CLI transpiled by test/exec/helpers/build-cli.mjs) and talks JSON-RPC to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { buildCli } from '../exec/helpers/build-cli.mjs';

export const uriOf = (file: string) => pathToFileURL(file).href;

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; test: (d: PublishDiagnosticsParams) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly messages: string[] = [];
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly rpc: MessageConnection,
  ) {
    rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, [...(this.diagnostics.get(p.uri) ?? []), p]);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    rpc.onNotification('window/showMessage', (p: { message: string }) => void this.messages.push(p.message));
    rpc.onRequest('client/registerCapability', () => null);
    child.stderr!.on('data', (d) => (this.stderr += d));
  }

  static async start(cwd: string, initializationOptions: Record<string, unknown> = { debounceMs: 0 }): Promise<LspClient> {
    const cli: string = await buildCli();
    const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    rpc.listen();
    const client = new LspClient(child, rpc);
    await rpc.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(cwd),
      workspaceFolders: [{ uri: uriOf(cwd), name: 'project' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      initializationOptions,
    });
    await rpc.sendNotification('initialized', {});
    return client;
  }

  /** The next diagnostics published for `uri` (that pass `test`), waiting at most `ms`. */
  nextDiagnostics(uri: string, test: (d: PublishDiagnosticsParams) => boolean = () => true, ms = 8000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${ms} ms; stderr: ${this.stderr}`)), ms);
      this.waiters.push({ uri, test, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  async open(file: string, text: string, languageId = 'sql'): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    const next = this.nextDiagnostics(uri, (p) => p.version === 1);
    await this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return next;
  }

  /** Replaces the whole text; resolves with the diagnostics of the new version. */
  async change(file: string, version: number, text: string): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    const next = this.nextDiagnostics(uri, (p) => p.version === version);
    await this.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return next;
  }

  /** shutdown, then exit; resolves with the server's exit code (a server that hangs is killed after 5 s: null). */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    if (this.child.exitCode === null) {
      await Promise.race([this.rpc.sendRequest('shutdown'), exited]);
      await this.rpc.sendNotification('exit').catch(() => undefined);
    }
    const code = this.child.exitCode ?? (await exited);
    clearTimeout(killer);
    this.rpc.dispose();
    return code;
  }
}
