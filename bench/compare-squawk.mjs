#!/usr/bin/env node
// Side-by-side timing of migratelint and squawk (the Rust reference linter) on the
// same SQL files: the generated corpus, plus any folders given. squawk-cli is
// installed from npm into bench/.tools on first use (its binary ships in the package).
//
//   npm run build && node bench/compare-squawk.mjs [--files 5000] [--runs 3] [folder ...]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  return args.splice(i, 2)[1];
};
const fileCount = Number(opt('files', 5000));
const runs = Number(opt('runs', 3));
const folders = args;

const tools = path.join(root, 'bench', '.tools');
const squawk = path.join(tools, 'node_modules', '.bin', 'squawk');
if (!fs.existsSync(squawk)) {
  fs.mkdirSync(tools, { recursive: true });
  execFileSync('npm', ['install', '--prefix', tools, '--no-audit', '--no-fund', '--loglevel=error', 'squawk-cli@2'], { stdio: 'inherit' });
}
const squawkVersion = execFileSync(squawk, ['--version'], { encoding: 'utf8' }).trim();
const hasTime = fs.existsSync('/usr/bin/time');

/** Median wall time (ms) and the peak RSS (MB) of a command, over `runs` runs. */
function time(cmd, argv, cwd) {
  const walls = [];
  let rss;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = hasTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
      : spawnSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status === null || r.status > 3) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
    if (hasTime) rss = Math.round(Number(r.stderr.trim().split('\n').pop()) / 1024);
  }
  walls.sort((a, b) => a - b);
  return { ms: walls[Math.floor(walls.length / 2)], rss };
}

function sqlFiles(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.sql')).map((f) => path.join(dir, f));
}

function compare(label, dir) {
  const files = sqlFiles(dir);
  const bin = path.join(root, 'bin', 'migratelint.js');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-bench-cache-'));
  // squawk takes the file list; migratelint takes the folder (it finds the same .sql files).
  const sq = time(squawk, ['--reporter', 'gcc', ...files], dir);
  const single = time(process.execPath, [bin, 'lint', dir, '-f', 'compact', '-o', '/dev/null', '--workers', '0']);
  const parallel = time(process.execPath, [bin, 'lint', dir, '-f', 'compact', '-o', '/dev/null']);
  time(process.execPath, [bin, 'lint', dir, '-f', 'compact', '-o', '/dev/null', '--cache-location', cache]);
  const warm = time(process.execPath, [bin, 'lint', dir, '-f', 'compact', '-o', '/dev/null', '--cache-location', cache]);
  fs.rmSync(cache, { recursive: true, force: true });
  const row = (name, r) =>
    `  ${name.padEnd(34)} ${r.ms.toFixed(0).padStart(6)} ms  ${(files.length / (r.ms / 1000)).toFixed(0).padStart(6)} files/s` +
    `${r.rss ? `  peak ${String(r.rss).padStart(4)} MB` : ''}  ratio to squawk ${(r.ms / sq.ms).toFixed(2)}`;
  console.log(`${label}: ${files.length} SQL files`);
  console.log(row(`squawk ${squawkVersion}`, sq));
  console.log(row('migratelint, one thread', single));
  console.log(row('migratelint, worker threads (auto)', parallel));
  console.log(row('migratelint, warm --cache', warm));
}

const corpus = path.join(root, 'bench', 'corpus');
generateCorpus(corpus, fileCount);
console.log(`machine: ${os.cpus().length} cores, node ${process.version}; median of ${runs} runs, wall time includes process start-up\n`);
compare('generated corpus', corpus);
for (const f of folders) compare(f, path.resolve(f));
