// Builds a runnable copy of the CLI for tests that need a real child process (kill -9,
// two applies at once). Each .ts file under src/ and rules/ is transpiled on its own
// (no type check, so someone else's half-written file elsewhere does not stop it) into
// a temporary directory keyed by the sources' content; node_modules is linked in.
//
//   node test/exec/helpers/build-cli.mjs   -> prints the path of the runnable cli.mjs
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function tsFiles(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** Returns the path of an executable `cli.mjs` (built once per source state). */
export async function buildCli() {
  const files = [...tsFiles(path.join(root, 'src')), ...tsFiles(path.join(root, 'rules'))];
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(fs.readFileSync(f)).update('\0');
  const key = hash.digest('hex').slice(0, 16);
  const out = path.join(os.tmpdir(), `migratelint-exec-cli-${key}`);
  const cli = path.join(out, 'cli.mjs');
  if (fs.existsSync(cli)) return cli;

  // Builds of older source states are of no further use.
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith('migratelint-exec-cli-') || name === path.basename(out)) continue;
    const p = path.join(os.tmpdir(), name);
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > 900_000) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
  const ts = (await import('typescript')).default;
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const f of files) {
    const rel = path.relative(root, f);
    const { outputText } = ts.transpileModule(fs.readFileSync(f, 'utf8'), {
      fileName: f,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false },
    });
    const dest = path.join(tmp, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, outputText);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module' }));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'));
  fs.writeFileSync(
    path.join(tmp, 'cli.mjs'),
    `import { main } from './src/cli/main.js';\n` +
      `const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });\n` +
      `process.exitCode = code;\n`,
  );
  try {
    fs.renameSync(tmp, out);
  } catch {
    // another test file built the same sources at the same time
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return cli;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(await buildCli());
}
