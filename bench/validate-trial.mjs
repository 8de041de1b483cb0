#!/usr/bin/env node
// The trial run of `migratelint validate` over real migration folders: how much it covers
// and how long it takes.
//
//   node bench/validate-trial.mjs <folder> [<folder> ...] [--runs 1] [--pg-version 15] [--no-data] [--no-change-log] [--threads 1|2]
//   node bench/validate-trial.mjs --generated 200          (a generated project, no folder at hand)
//
// Each run is a child process (a fresh PGlite, its own peak RSS): the folder is read into
// the IR as validate reads it, then the trial runs (src/validate/trial.ts) and this prints
// migrations, ups applied, downs compared, what was not tried (by reason), findings by
// rule, the generated rows (--no-data: without), seconds, milliseconds per migration, where
// the time went (open, ups, downs, ups again, rows, schema snapshots), the process's CPU
// time and peak memory; before and after the runs, how long a fixed piece of PGlite work
// takes (the host is shared: runs made at different times compare through it). Needs the
// compiled sources (`npm run build` or `npx tsc`; another outDir with MIGRATELINT_DIST=<dir>).
// Not a test: it prints a table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The compiled sources: dist/ by default, or another tsc outDir (MIGRATELINT_DIST=/tmp/x).
const DIST = path.resolve(process.env.MIGRATELINT_DIST ?? path.join(ROOT, 'dist'));
const args = process.argv.slice(2);

if (args[0] === '--calibrate') {
  // A fixed piece of PGlite work (the trial's kind: DDL in savepoints, a catalog query),
  // to tell a slow machine from slow code: this host is shared, and the same trial's time
  // moves by a third from one minute to the next.
  const { TrialDatabase } = await import(pathToFileURL(path.join(DIST, 'src/validate/trial-db.js')).href);
  const db = await TrialDatabase.create();
  const t = performance.now();
  await db.execute('BEGIN');
  for (let i = 0; i < 150; i++) {
    await db.execute(`SAVEPOINT s; CREATE TABLE t${i} (id bigserial PRIMARY KEY, a text NOT NULL DEFAULT '', b int REFERENCES t0 (id)); CREATE INDEX ON t${i} (a); RELEASE SAVEPOINT s`.replace(' REFERENCES t0 (id)', i ? ' REFERENCES t0 (id)' : ''));
    await db.query(`SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = 'public'::regnamespace`);
  }
  await db.execute('ROLLBACK');
  process.stdout.write(`${Math.round(performance.now() - t)}\n`);
  await db.close();
  process.exit(0);
}

if (args[0] === '--child') {
  const [, dir, pgVersion, data, out, changeLog] = args;
  const { lint } = await import(pathToFileURL(path.join(DIST, 'src/lint.js')).href);
  const { trialCheck } = await import(pathToFileURL(path.join(DIST, 'src/validate/trial.js')).href);
  const t0 = performance.now();
  const { migrations } = await lint(['.'], { cwd: dir });
  const readMs = performance.now() - t0;
  const t1 = performance.now();
  const trial = await trialCheck(migrations, { pgVersion: pgVersion ? Number(pgVersion) : undefined, data: data !== 'no-data', changeLog: changeLog !== 'no-change-log' });
  const trialMs = performance.now() - t1;
  const byRule = {};
  for (const f of trial.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  // To a file, not stdout: a library that prints to stdout would corrupt the JSON.
  fs.writeFileSync(
    out,
    JSON.stringify({
      status: trial.status,
      summary: trial.summary,
      data: trial.data ?? {},
      byRule,
      readMs,
      trialMs,
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  process.exit(0);
}

const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const noData = args.includes('--no-data');
if (noData) args.splice(args.indexOf('--no-data'), 1);
// Snapshots from the catalog stamps instead of the change log (src/validate/change-log.ts), to compare.
const noChangeLog = args.includes('--no-change-log');
if (noChangeLog) args.splice(args.indexOf('--no-change-log'), 1);
const runs = Number(option('runs', 1));
// Trial databases on threads of their own (src/validate/trial-segments.ts); default: the trial's choice.
const threads = option('threads', undefined);
const pgVersion = option('pg-version', '');
const generated = option('generated', undefined);
const folders = args.filter((a) => !a.startsWith('--'));
if (!folders.length && generated === undefined) {
  process.stderr.write('usage: node bench/validate-trial.mjs <migrations folder> [...] [--runs n] [--pg-version n] [--no-data] [--no-change-log] [--threads 1|2] | --generated <count>\n');
  process.exit(2);
}
if (!fs.existsSync(path.join(DIST, 'src/validate/trial.js'))) {
  process.stderr.write('build first: npx tsc -p tsconfig.json\n');
  process.exit(2);
}

/** A golang-migrate project of ordinary, clean migrations (tables, columns, indexes, enums, views, triggers). */
function generate(count) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-trial-bench-'));
  const tables = [];
  for (let i = 1; i <= count; i++) {
    const v = String(i).padStart(6, '0');
    const t = tables[(i * 7) % Math.max(1, tables.length)];
    let up;
    let down;
    if (!t || i % 4 === 0) {
      const name = `t${i}`;
      tables.push(name);
      up = `CREATE TABLE ${name} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`;
      down = `DROP TABLE ${name};`;
    } else if (i % 4 === 1) {
      up = `ALTER TABLE ${t} ADD COLUMN note_${i} text;\nCREATE INDEX ${t}_note_${i}_idx ON ${t} (note_${i});`;
      down = `DROP INDEX ${t}_note_${i}_idx;\nALTER TABLE ${t} DROP COLUMN note_${i};`;
    } else if (i % 4 === 2) {
      up = `CREATE TYPE status_${i} AS ENUM ('new', 'active', 'gone');\nALTER TABLE ${t} ADD COLUMN status_${i} status_${i};\nCREATE VIEW recent_${i} AS SELECT id, name FROM ${t};`;
      down = `DROP VIEW recent_${i};\nALTER TABLE ${t} DROP COLUMN status_${i};\nDROP TYPE status_${i};`;
    } else {
      up = `CREATE FUNCTION touch_${i}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := trim(NEW.name); RETURN NEW; END $$;\nCREATE TRIGGER trim_${i} BEFORE INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION touch_${i}();`;
      down = `DROP TRIGGER trim_${i} ON ${t};\nDROP FUNCTION touch_${i}();`;
    }
    fs.writeFileSync(path.join(dir, `${v}_m${i}.up.sql`), `${up}\n`);
    fs.writeFileSync(path.join(dir, `${v}_m${i}.down.sql`), `${down}\n`);
  }
  return dir;
}

const made = generated !== undefined ? generate(Number(generated)) : undefined;
const targets = made ? [made] : folders.map((f) => path.resolve(f));
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const calibrate = () => {
  const c = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--calibrate'], { encoding: 'utf8' });
  return c.status === 0 ? `${c.stdout.trim()} ms` : 'failed';
};
console.log(`migratelint trial benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0].toFixed(1)}`);
console.log(`machine: a fixed piece of PGlite work takes ${calibrate()} now (compare runs made at different times with it)`);
try {
  for (const dir of targets) {
    const trialTimes = [];
    for (let run = 1; run <= runs; run++) {
      const out = path.join(os.tmpdir(), `mlt-trial-bench-${process.pid}-${run}.json`);
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir, pgVersion, noData ? 'no-data' : 'data', out, noChangeLog ? 'no-change-log' : 'change-log'], {
        encoding: 'utf8',
        env: threads === undefined ? process.env : { ...process.env, MIGRATELINT_TRIAL_THREADS: threads },
        maxBuffer: 256 << 20,
      });
      if (child.status !== 0) {
        console.log(`\n${dir}: the run failed\n${child.stderr.slice(0, 4000)}`);
        continue;
      }
      const r = JSON.parse(fs.readFileSync(out, 'utf8'));
      fs.rmSync(out, { force: true });
      const d = r.data;
      const t = d.timings ?? {};
      const count = d.migrations ?? 0;
      console.log(`\n${made ? `generated (${generated} migrations)` : dir}${runs > 1 ? ` (run ${run} of ${runs})` : ''}: ${r.status}`);
      console.log(`  migrations ${count}, ups ${d.ups ?? 0}, downs compared ${d.downs ?? 0}, not tried ${d.notTried ?? 0}`);
      const reasons = {};
      for (const g of d.groups ?? []) for (const n of g.notTried) reasons[`${n.part}: ${n.reason.replace(/ \(.*$/, '')}`] = (reasons[`${n.part}: ${n.reason.replace(/ \(.*$/, '')}`] ?? 0) + 1;
      for (const [why, n] of Object.entries(reasons)) console.log(`             ${n} × ${why}`);
      console.log(`  findings   ${Object.entries(r.byRule).map(([id, n]) => `${n} ${id}`).join(', ') || 'none'}`);
      const rows = (d.groups ?? []).map((g) => g.data).filter(Boolean);
      if (rows.length) {
        const sum = (k) => rows.reduce((n, x) => n + x[k], 0);
        console.log(`  rows       ${sum('rows')} generated in ${sum('tables')} tables, ${sum('checked')} downs checked, ${rows.reduce((n, x) => n + x.notFilled.length, 0)} tables not filled`);
      }
      console.log(
        `  time       trial ${s(r.trialMs)} on ${d.threads ?? 1} database${(d.threads ?? 1) > 1 ? 's (times below add both up)' : ''} (${count ? Math.round(r.trialMs / count) : 0} ms per migration; open ${s(t.openMs ?? 0)}, ` +
          `ups ${s(t.upMs ?? 0)}, downs ${s(t.downMs ?? 0)}, ups again ${s(t.reupMs ?? 0)}, rows ${s(t.dataMs ?? 0)}, ${t.snapshots ?? 0} snapshots ${s(t.snapshotMs ?? 0)}, ${t.wholeSnapshots ?? 0} read whole, ${d.changeLog ? 'change log' : 'catalog stamps'}), ` +
          `reading the folder ${s(r.readMs)}, CPU ${s(r.cpuMs)}, peak RSS ${r.peakMb} MB`,
      );
      console.log(`  summary    ${r.summary}`);
      trialTimes.push(r.trialMs);
    }
    // This machine is shared: one run can be 20 % slower than the next. The median says
    // what a run takes; the best says what the code costs when nothing else runs.
    if (trialTimes.length > 1) {
      const sorted = [...trialTimes].sort((a, b) => a - b);
      console.log(`\n${dir}: trial over ${sorted.length} runs: median ${s(sorted[Math.floor((sorted.length - 1) / 2)])}, best ${s(sorted[0])}, worst ${s(sorted[sorted.length - 1])}`);
    }
  }
  console.log(`\nload after: ${os.loadavg()[0].toFixed(1)}; the fixed piece of work takes ${calibrate()} now`);
} finally {
  if (made) fs.rmSync(made, { recursive: true, force: true });
}
