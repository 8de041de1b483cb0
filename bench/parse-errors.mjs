#!/usr/bin/env node
// Counts `parse-error` findings on real projects: runs the built CLI
// (`node bin/migratelint.js lint <dir> --format json`) once per folder and prints, per
// folder, the files and migrations read, the parse errors, what was not analysed, and the
// projects set aside as not PostgreSQL. A parse error on a real project is either a real
// syntax error in its PostgreSQL SQL or a frontend that lowered something wrongly (other
// databases' SQL, a builder call printed badly): this is the measure of the second.
//
//   npm run build && node bench/parse-errors.mjs [--list] [--json] [--build] <folder> ...
//
//   --list   also print each parse error: file:line message
//   --json   print the figures as one JSON object instead of a table
//   --build  run `npm run build` first (the CLI runs from dist/)
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const list = flag('list');
const asJson = flag('json');
const build = flag('build');
const unknown = args.find((a) => a.startsWith('--'));
if (unknown || args.length === 0) {
  console.error(`${unknown ? `unknown option ${unknown}\n` : ''}usage: node bench/parse-errors.mjs [--list] [--json] [--build] <folder> ...`);
  process.exit(2);
}

if (build) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(2);
}

/** Lints one folder with the CLI from inside it, so the report's paths are the project's own. */
function measure(folder) {
  const dir = path.resolve(folder);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [path.join(root, 'bin', 'migratelint.js'), 'lint', '.', '--format', 'json', '--workers', '0'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = (performance.now() - t0) / 1000;
  // Exit 0 and 1 both carry a report; 2 is a usage or input error (a folder without migrations is one).
  if (run.status !== 0 && run.status !== 1) return { folder, error: (run.stderr || run.stdout).trim().split('\n')[0], seconds };
  const report = JSON.parse(run.stdout);
  const parseErrors = report.findings.filter((f) => f.ruleId === 'parse-error');
  return {
    folder,
    files: report.summary.files,
    migrations: report.summary.migrations,
    findings: report.findings.length,
    parseErrors: parseErrors.length,
    notAnalysed: report.summary.coverage?.notAnalysed ?? 0,
    notPostgres: (report.summary.notPostgres ?? []).map((p) => `${p.file} (${p.setting}, ${p.files} files)`),
    list: parseErrors.map((f) => `${f.file}:${f.line} ${f.message.split('\n')[0]}`),
    seconds,
  };
}

const rows = args.map(measure);
const total = rows.reduce((n, r) => n + (r.parseErrors ?? 0), 0);

if (asJson) {
  console.log(JSON.stringify({ total, folders: rows.map((r) => (list ? r : { ...r, list: undefined })) }, null, 2));
} else {
  const pad = (s, n) => String(s).padStart(n);
  console.log(`${'folder'.padEnd(40)} ${pad('files', 6)} ${pad('migr.', 6)} ${pad('parse-err', 9)} ${pad('not anal.', 9)} ${pad('s', 6)}`);
  for (const r of rows) {
    if (r.error) {
      console.log(`${path.basename(r.folder).padEnd(40)} error: ${r.error}`);
      continue;
    }
    console.log(`${path.basename(r.folder).padEnd(40)} ${pad(r.files, 6)} ${pad(r.migrations, 6)} ${pad(r.parseErrors, 9)} ${pad(r.notAnalysed, 9)} ${pad(r.seconds.toFixed(1), 6)}`);
    for (const p of r.notPostgres) console.log(`  not PostgreSQL: ${p}`);
  }
  console.log(`${'total'.padEnd(40)} ${pad('', 6)} ${pad('', 6)} ${pad(total, 9)}`);
  if (list) {
    for (const r of rows) {
      if (!r.list?.length) continue;
      console.log(`\n# ${r.folder}`);
      for (const line of r.list) console.log(line);
    }
  }
}
