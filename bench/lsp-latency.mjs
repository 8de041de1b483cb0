// How fast the language server answers an edit: the built server (`node bin/migratelint.js
// lsp --stdio`, build first: npm run build) is driven over stdio as an editor drives it. It
// opens a generated 500-line SQL migration (the last of a folder of earlier migrations,
// which feed the schema model), sends 50 one-line edits one after another and times each
// from its didChange to the publishDiagnostics of that version.
//
//   node bench/lsp-latency.mjs [--lines 500] [--edits 50] [--history 40] [--debounce 0] [--no-v8-flags]
//
// The debounce is set to 0 through the server's `debounceMs` initialization option, so
// the time is the lint's (and the protocol's), not the pause the server leaves for typing
// (50 ms by default). --no-v8-flags starts the CLI bundle without bin/v8-flags.js (the
// flags tuned for short CLI runs) to compare. Not a test: it prints the figures.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const LINES = arg('lines', 500);
const EDITS = arg('edits', 50);
const HISTORY = arg('history', 40);
const DEBOUNCE = arg('debounce', 0);
const withFlags = !process.argv.includes('--no-v8-flags');

if (!fs.existsSync(path.join(root, 'dist/bundle/cli.js'))) {
  console.error('lsp-latency: build first (npm run build)');
  process.exit(2);
}

// A project: HISTORY earlier golang-migrate pairs creating tables, then the big migration.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-lsp-bench-'));
const migrations = path.join(dir, 'db/migrations');
fs.mkdirSync(migrations, { recursive: true });
const version = (n) => String(n).padStart(6, '0');
for (let i = 1; i <= HISTORY; i++) {
  const cols = Array.from({ length: 6 }, (_, c) => `  c${c} ${c % 2 ? 'text' : 'integer'}`).join(',\n');
  fs.writeFileSync(path.join(migrations, `${version(i)}_create_t${i}.up.sql`), `CREATE TABLE t${i} (\n  id bigint PRIMARY KEY,\n${cols}\n);\nCREATE INDEX t${i}_c0_idx ON t${i} (c0);\n`);
  fs.writeFileSync(path.join(migrations, `${version(i)}_create_t${i}.down.sql`), `DROP TABLE t${i};\n`);
}

/** About LINES lines of the statements migrations are made of, some flagged, some not. */
function bigMigration(lines) {
  const out = [];
  for (let i = 0; out.length < lines; i++) {
    const t = `t${(i % Math.max(1, HISTORY)) + 1}`;
    switch (i % 6) {
      case 0:
        out.push(`-- step ${i}`, `ALTER TABLE ${t} ADD COLUMN n${i} integer;`);
        break;
      case 1:
        out.push(`CREATE INDEX ${t}_n${i - 1}_idx ON ${t} (n${i - 1});`);
        break;
      case 2:
        out.push(`CREATE TABLE new_${i} (`, '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,', '  name text NOT NULL,', '  created_at timestamptz NOT NULL DEFAULT now()', ');');
        break;
      case 3:
        out.push(`UPDATE ${t} SET c1 = 'x' WHERE id < ${i};`);
        break;
      case 4:
        out.push(`ALTER TABLE ${t} ALTER COLUMN c0 TYPE bigint;`);
        break;
      default:
        out.push(`COMMENT ON TABLE ${t} IS 'step ${i}';`, '');
    }
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

const text = bigMigration(LINES);
const target = path.join(migrations, `${version(HISTORY + 1)}_big.up.sql`);
fs.writeFileSync(target, text);
fs.writeFileSync(path.join(migrations, `${version(HISTORY + 1)}_big.down.sql`), 'SELECT 1;\n');
const uri = pathToFileURL(target).href;

const args = withFlags
  ? [path.join(root, 'bin/migratelint.js'), 'lsp', '--stdio']
  : ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist/bundle/cli.js')).href)}); process.exitCode = await main(['lsp', '--stdio'], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });`];
const child = spawn(process.execPath, args, { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
const waiting = new Map();
let lastCount = 0;
rpc.onNotification('textDocument/publishDiagnostics', (p) => {
  if (p.uri !== uri) return;
  lastCount = p.diagnostics.length;
  waiting.get(p.version)?.(performance.now());
  waiting.delete(p.version);
});
rpc.onRequest('client/registerCapability', () => null);
rpc.listen();
const published = (v) => new Promise((resolve) => waiting.set(v, resolve));

const started = performance.now();
await rpc.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } }, initializationOptions: { debounceMs: DEBOUNCE } });
await rpc.sendNotification('initialized', {});
const ready = performance.now();
const first = published(1);
const opened = performance.now();
await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
const firstAt = await first;
const firstCount = lastCount;

// Each edit rewrites one line's comment or a number in it, as typing does, spread over the file.
const lines = text.split('\n');
const times = [];
for (let e = 0; e < EDITS; e++) {
  const line = Math.floor(((e * 7919) % LINES) / 1);
  const old = lines[line] ?? '';
  const next = old.startsWith('--') || old === '' ? `-- edit ${e}` : old.replace(/;$/, ' ;');
  lines[line] = next;
  const v = e + 2;
  const done = published(v);
  const t0 = performance.now();
  await rpc.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: v },
    contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: next }],
  });
  times.push((await done) - t0);
}

// Peak resident memory of the server, from the kernel (Linux).
let peak = 'n/a';
try {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  if (hwm) peak = `${(Number(hwm[1]) / 1024).toFixed(0)} MB`;
} catch {
  // not Linux: no figure
}
await rpc.sendRequest('shutdown');
await rpc.sendNotification('exit');
await new Promise((resolve) => child.once('exit', resolve));
rpc.dispose();
fs.rmSync(dir, { recursive: true, force: true });

const sorted = [...times].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const ms = (n) => `${n.toFixed(1)} ms`;
console.log(`lsp-latency: ${LINES}-line SQL migration after ${HISTORY} earlier migrations, ${EDITS} edits, debounce ${DEBOUNCE} ms, ${withFlags ? 'bin/migratelint.js (with v8-flags)' : 'bundle without v8-flags'}`);
console.log(`  start-up (initialize)       ${ms(ready - started)}`);
console.log(`  first lint (didOpen)        ${ms(firstAt - opened)}  (${firstCount} diagnostics)`);
console.log(`  didChange -> diagnostics    median ${ms(at(0.5))}  p95 ${ms(at(0.95))}  min ${ms(sorted[0])}  max ${ms(sorted.at(-1))}  (${lastCount} diagnostics)`);
console.log(`  server peak RSS             ${peak}`);
