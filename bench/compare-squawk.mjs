#!/usr/bin/env node
// Side-by-side timing of migratelint and squawk (the Rust reference linter) on the
// same SQL files: the generated corpus, plus any folders given. squawk-cli is
// installed from npm into bench/.tools on first use (its binary ships in the package).
//
//   npm run build && node bench/compare-squawk.mjs [--files 5000] [--runs 3] [folder ...]
//
// Peak memory is printed for every row; `--files 50000 --runs 1` compares it at scale
// (squawk then gets the corpus as a glob: 50,000 paths do not fit one command line).
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

/** One run of a command: wall time (ms), CPU time (user + sys, ms) and peak RSS (MB). Output is discarded for both tools alike. */
function runOnce(cmd, argv, cwd) {
  const start = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...argv], { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })
    : spawnSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status === null || r.status > 3) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  if (!hasTime) return { ms };
  const [rssKb, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpu: (user + sys) * 1000, rss: Math.round(rssKb / 1024) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs every command once per round, round after round, so that a change in the
 * machine's load falls on all of them alike; gives each one's medians.
 */
function timeInterleaved(commands) {
  const samples = commands.map(() => []);
  for (let round = 0; round < runs; round++) {
    commands.forEach((c, i) => {
      c.before?.();
      samples[i].push(runOnce(c.cmd, c.argv, c.cwd));
    });
  }
  return samples.map((s) => ({
    ms: median(s.map((x) => x.ms)),
    cpu: s[0].cpu === undefined ? undefined : median(s.map((x) => x.cpu)),
    rss: s[0].rss === undefined ? undefined : Math.max(...s.map((x) => x.rss)),
  }));
}

function sqlFiles(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.sql')).map((f) => path.join(dir, f));
}

/**
 * The files squawk can lint. It panics on some real files (psql variables such as
 * `:schema`, which migratelint reads); those are timed for neither tool.
 */
function squawkable(files, dir) {
  const whole = spawnSync(squawk, ['--reporter', 'gcc', ...squawkPaths(files, dir)], { cwd: dir, stdio: 'ignore' });
  if (whole.status !== null && whole.status <= 3) return files;
  return files.filter((f) => {
    const one = spawnSync(squawk, ['--reporter', 'gcc', f], { cwd: dir, stdio: 'ignore' });
    return one.status !== null && one.status <= 3;
  });
}

/** A command line this long still fits Linux's limit (2 MB for arguments and environment together). */
const ARGV_BYTES = 1 << 20;

const fitsCommandLine = (files) => files.reduce((n, f) => n + f.length + 1, 0) <= ARGV_BYTES;

/** What squawk is given for `files`: the list, or its glob over the folder when the list is too long for one command line. */
function squawkPaths(files, dir) {
  return fitsCommandLine(files) ? files : [path.join(dir, '**', '*.sql')];
}

/** Folders migratelint does not walk into; a folder holding any is given to both tools as a file list. */
const UNWALKED = /(^|\/)(node_modules|dist|build|\.git|venv|\.venv)\//;

function compare(label, dir) {
  const all = sqlFiles(dir);
  const files = squawkable(all, dir);
  const bin = path.join(root, 'bin', 'migratelint.js');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-bench-cache-'));
  // Both tools get the same files: the folder itself when migratelint walks exactly
  // those, else the list. A list too long for one command line (50,000 generated
  // files) goes to squawk as its glob over the folder, which matches the same files.
  const wholeFolder = files.length === all.length && !all.some((f) => UNWALKED.test(path.relative(dir, f)));
  if (!wholeFolder && !fitsCommandLine(files)) throw new Error(`${dir}: ${files.length} files are too many for one command line`);
  const squawkArgs = ['--reporter', 'gcc', ...squawkPaths(files, dir)];
  const lintArgs = [bin, 'lint', ...(wholeFolder ? [dir] : files), '-f', 'compact', '-o', '/dev/null'];
  // Fills the cache once, so that every timed run of the warm row is a warm run.
  spawnSync(process.execPath, [...lintArgs, '--cache-location', cache], { stdio: 'ignore' });
  const [sq, single, parallel, warm] = timeInterleaved([
    { cmd: squawk, argv: squawkArgs, cwd: dir },
    { cmd: process.execPath, argv: [...lintArgs, '--workers', '0'] },
    { cmd: process.execPath, argv: lintArgs },
    { cmd: process.execPath, argv: [...lintArgs, '--cache-location', cache] },
  ]);
  fs.rmSync(cache, { recursive: true, force: true });
  const row = (name, r) =>
    `  ${name.padEnd(34)} ${r.ms.toFixed(0).padStart(6)} ms  ${(files.length / (r.ms / 1000)).toFixed(0).padStart(6)} files/s` +
    `${r.cpu !== undefined ? `  cpu ${r.cpu.toFixed(0).padStart(5)} ms` : ''}` +
    `${r.rss ? `  peak ${String(r.rss).padStart(4)} MB` : ''}  ratio to squawk ${(r.ms / sq.ms).toFixed(2)}`;
  const skipped = all.length - files.length;
  console.log(`${label}: ${files.length} SQL files${skipped ? ` (${skipped} left out: squawk ${squawkVersion} panics on them)` : ''}`);
  console.log(row(`squawk ${squawkVersion}`, sq));
  console.log(row('migratelint, one thread', single));
  console.log(row('migratelint, worker threads (auto)', parallel));
  console.log(row('migratelint, warm --cache', warm));
}

const corpus = path.join(root, 'bench', 'corpus');
generateCorpus(corpus, fileCount);
console.log(`machine: ${os.cpus().length} cores, node ${process.version}; median of ${runs} interleaved runs; wall time includes process start-up; output discarded\n`);
compare('generated corpus', corpus);
for (const f of folders) compare(f, path.resolve(f));
