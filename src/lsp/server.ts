/**
 * The language server: `migratelint lint` as you type. Each open migration is linted on
 * open and on change (debounced), with its partner and after the migrations before it, as
 * the CLI lints its folder; findings become diagnostics, fixes and ignore comments become
 * code actions, and hovering a flagged statement explains the rule.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
  CodeActionKind,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { builtinRules } from '../../rules/index.js';
import { ruleDocsUrl } from '../meta.js';
import { SUPPORTED_EXTENSIONS } from '../formats/frontends.js';
import { loadFrontend } from '../frontends/registry.js';
import { ProjectProblem, type FileLint, type OpenFiles, type Project } from './project.js';
import { CONFIG_GLOBS, isConfigFile, Projects } from './projects.js';
import { toDiagnostic, SOURCE } from './diagnostics.js';
import { codeActions, SHOW_DOCS_COMMAND } from './code-actions.js';
import { hoverAt } from './hover.js';
import { configProblemAt } from './config-problem.js';

/** The default pause after a keystroke before linting: typing a word costs one lint, not five. */
export const DEFAULT_DEBOUNCE_MS = 50;

const BUILTIN = new Set(builtinRules.map((r) => r.id));
/** Only built-in rules have a page; a plugin's rule has none of ours. */
const docsUrl = (ruleId: string) => (BUILTIN.has(ruleId) ? ruleDocsUrl(ruleId) : undefined);

const pathOf = (uri: string): string | undefined => {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
};

interface Linted {
  project: Project;
  lint: FileLint;
}

interface Streams {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Serves one client over the streams; resolves with the exit code once the client says exit (or goes away). */
export function runServer(io: Streams): Promise<number> {
  // stdout is the protocol's: anything logged goes to stderr, which clients show as the server's log.
  for (const level of ['log', 'info', 'warn', 'debug'] as const) console[level] = (...args: unknown[]) => void io.stderr.write(`${format(...args)}\n`);
  const reader = new StreamMessageReader(io.stdin as NodeJS.ReadableStream & { on: never });
  const writer = new StreamMessageWriter(io.stdout as NodeJS.WritableStream & { on: never });
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  // One failed request must not end the session: it is logged, and the editor keeps its server.
  process.on('unhandledRejection', (e) => connection.console.error(`migratelint: ${(e as Error)?.stack ?? String(e)}`));
  return new Promise((resolve) => {
    let shutdown = false;
    connection.onShutdown(() => {
      shutdown = true;
    });
    connection.onExit(() => resolve(shutdown ? 0 : 1));
    reader.onClose(() => resolve(shutdown ? 0 : 1));
    new Server(connection).listen();
  });
}

class Server {
  private readonly documents = new TextDocuments(TextDocument);
  /** Open documents by absolute path, each with a serial that changes on every edit. */
  private readonly openByPath = new Map<string, { uri: string; serial: number }>();
  private serial = 0;
  private readonly open: OpenFiles = {
    get: (file) => {
      const entry = this.openByPath.get(file);
      const doc = entry && this.documents.get(entry.uri);
      return doc && entry ? { text: doc.getText(), serial: entry.serial } : undefined;
    },
  };
  private projects = new Projects(this.open, []);
  /** The last lint of each open file's migration (both halves point at it). */
  private readonly results = new Map<string, Linted>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private queue: Promise<void> = Promise.resolve();
  private debounceMs = DEFAULT_DEBOUNCE_MS;
  private canShowDocument = false;
  private canWatchFiles = false;
  /** Per project root: the config problem last shown, and the config file that carries it as a diagnostic. */
  private readonly problems = new Map<string, { message: string; uri?: string }>();

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const { connection, documents } = this;
    connection.onInitialize((params): InitializeResult => {
      const folders = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri)).filter((p): p is string => !!p);
      const root = params.rootUri ? pathOf(params.rootUri) : (params.rootPath ?? undefined);
      const debounce = (params.initializationOptions as { debounceMs?: unknown } | undefined)?.debounceMs;
      if (typeof debounce === 'number' && debounce >= 0) this.debounceMs = debounce;
      this.canShowDocument = !!params.capabilities.window?.showDocument?.support;
      this.canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
      this.projects = new Projects(this.open, folders.length ? folders : root ? [root] : [], this.canWatchFiles);
      return {
        capabilities: {
          textDocumentSync: TextDocumentSyncKind.Incremental,
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
          hoverProvider: true,
          executeCommandProvider: { commands: [SHOW_DOCS_COMMAND] },
        },
        serverInfo: { name: SOURCE },
      };
    });
    connection.onInitialized(() => {
      // The SQL parser's WASM compiles while the editor opens its first file.
      loadFrontend('sql').catch(() => undefined);
      if (!this.canWatchFiles) return;
      const migrations = `**/*.{${SUPPORTED_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`;
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          ...CONFIG_GLOBS.map((globPattern) => ({ globPattern })),
          // Files coming or going change pairs, and edits on disk (a git checkout) histories.
          { globPattern: migrations, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
        ],
      });
    });

    documents.onDidChangeContent(({ document }) => {
      const file = pathOf(document.uri);
      if (!file) return;
      this.openByPath.set(file, { uri: document.uri, serial: ++this.serial });
      this.schedule(file);
    });
    documents.onDidClose(({ document }) => {
      const file = pathOf(document.uri);
      if (!file) return;
      this.openByPath.delete(file);
      clearTimeout(this.timers.get(file));
      this.timers.delete(file);
      const last = this.results.get(file);
      this.results.delete(file);
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      // Its partner is now linted against the file on disk.
      for (const other of last?.lint.files ?? []) if (this.openByPath.has(other)) this.schedule(other);
    });
    connection.onDidChangeWatchedFiles(({ changes }) => {
      const files = changes.map((c) => pathOf(c.uri)).filter((f): f is string => !!f);
      if (files.some(isConfigFile)) this.projects.configChanged();
      this.projects.filesChanged();
      for (const file of this.openByPath.keys()) this.schedule(file);
      // A config problem lives on its file, which may not be open: look again.
      for (const [root, problem] of this.problems) if (problem.uri && files.includes(pathOf(problem.uri)!)) this.recheck(root);
    });

    connection.onCodeAction(async ({ textDocument, range }) => {
      const at = await this.current(textDocument.uri);
      if (!at) return [];
      return codeActions({ ...at, range, docsUrl });
    });
    connection.onHover(async ({ textDocument, position }) => {
      const at = await this.current(textDocument.uri);
      if (!at) return null;
      return hoverAt({ ...at, rules: at.lint.rules, pgVersion: at.lint.pgVersion, position, docsUrl });
    });
    connection.onExecuteCommand(async ({ command, arguments: args }) => {
      if (command !== SHOW_DOCS_COMMAND) return;
      const [ruleId, href] = (args ?? []) as [string, string];
      if (this.canShowDocument) await connection.window.showDocument({ uri: href, external: true });
      else void connection.window.showInformationMessage(`${ruleId}: ${href}`);
    });

    documents.listen(connection);
    connection.listen();
  }

  /** The document's last lint, brought up to date first (a code action right after typing sees the new text). */
  private async current(uri: string) {
    const file = pathOf(uri);
    const doc = this.documents.get(uri);
    if (!file || !doc) return undefined;
    await this.flush(file);
    const linted = this.results.get(file);
    if (!linted) return undefined;
    const { project, lint } = linted;
    return { doc, file: path.relative(project.root, file), migration: lint.migration, findings: lint.findings, lint };
  }

  private schedule(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        void this.enqueue(file);
      }, this.debounceMs),
    );
  }

  /** Lints run one at a time, in the order they were asked for. */
  private enqueue(file: string): Promise<void> {
    this.queue = this.queue.then(() => this.lintNow(file)).catch((e: unknown) => this.connection.console.error(`migratelint: ${(e as Error)?.stack ?? String(e)}`));
    return this.queue;
  }

  private async flush(file: string): Promise<void> {
    if (!this.timers.has(file)) return this.queue;
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
    return this.enqueue(file);
  }

  private async lintNow(file: string): Promise<void> {
    const entry = this.openByPath.get(file);
    if (!entry) return;
    const project = this.projects.forFile(file);
    let lint: FileLint | undefined;
    try {
      lint = await project.lintFile(file);
      this.clearProblem(project.root);
    } catch (e) {
      if (!(e instanceof ProjectProblem)) throw e;
      this.showProblem(project, e.message);
    }
    if (!lint) {
      this.results.delete(file);
      void this.connection.sendDiagnostics({ uri: entry.uri, diagnostics: [] });
      return;
    }
    for (const half of new Set([file, ...lint.files])) {
      const open = this.openByPath.get(half);
      const doc = open && this.documents.get(open.uri);
      if (!doc) continue; // a partner that is not open: its findings wait until it is
      this.results.set(half, { project, lint });
      const rel = path.relative(project.root, half);
      const lineLength = (line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '').length;
      const diagnostics: Diagnostic[] = lint.findings.filter((f) => f.file === rel).map((f) => toDiagnostic(f, docsUrl, lineLength));
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    }
  }

  /** A config that cannot be used: one diagnostic on its file when it names one, else a message; once per problem. */
  private showProblem(project: Project, message: string): void {
    const known = this.problems.get(project.root);
    if (known?.message === message) return;
    if (known?.uri) void this.connection.sendDiagnostics({ uri: known.uri, diagnostics: [] });
    const at = configProblemAt(project.root, message);
    this.problems.set(project.root, { message, uri: at?.uri });
    // A notification, not showErrorMessage's request: nothing waits on the user's click.
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `migratelint: ${message}` });
    if (at) void this.connection.sendDiagnostics({ uri: at.uri, diagnostics: [at.diagnostic] });
  }

  private clearProblem(root: string): void {
    const known = this.problems.get(root);
    if (!known) return;
    this.problems.delete(root);
    if (known.uri) void this.connection.sendDiagnostics({ uri: known.uri, diagnostics: [] });
  }

  /** Loads a project's config again after its file changed, to clear or renew the problem even with no migration open. */
  private recheck(root: string): void {
    const project = this.projects.forFile(path.join(root, 'x'));
    project.load().then(
      () => this.clearProblem(root),
      (e: unknown) => e instanceof ProjectProblem && this.showProblem(project, e.message),
    );
  }
}
