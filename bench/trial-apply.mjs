// Times the execution layer end to end, through the real CLI in child processes:
// apply / status / backup / restore / rollback on the embedded PGlite database and, when
// MIGRATELINT_TEST_PG_URL is set (scripts/with-postgres.sh), on a PostgreSQL server.
//
//   node bench/trial-apply.mjs [--migrations 200]
//   scripts/with-postgres.sh node bench/trial-apply.mjs
//
// Not a test: it prints a table. Every number is wall-clock time of one CLI run
// (node start, lint, open, work, close).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../test/exec/helpers/build-cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const countArg = process.argv.indexOf('--migrations');
const COUNT = countArg > 0 ? Number(process.argv[countArg + 1]) : 200;
const cli = await buildCli();

function run(cwd, args) {
  const t0 = performance.now();
  let code = 0;
  let stderr = '';
  try {
    execFileSync(process.execPath, [cli, ...args], { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    code = e.status;
    stderr = String(e.stderr);
  }
  const ms = performance.now() - t0;
  if (code !== 0 && !(args[0] === 'status' && code === 1)) throw new Error(`${args.join(' ')} failed (${code}): ${stderr}`);
  return ms;
}

function project() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-bench-'));
  const mig = path.join(dir, 'migrations');
  fs.mkdirSync(mig);
  for (let i = 1; i <= COUNT; i++) {
    const v = String(i).padStart(4, '0');
    fs.writeFileSync(path.join(mig, `${v}_t${i}.up.sql`), `CREATE TABLE t${i} (id bigint PRIMARY KEY, v text);\nINSERT INTO t${i} SELECT g, md5(g::text) FROM generate_series(1, 100) g;\n`);
    fs.writeFileSync(path.join(mig, `${v}_t${i}.down.sql`), `DROP TABLE t${i};\n`);
  }
  return dir;
}

function trial(label, db) {
  const dir = project();
  const rows = [];
  const time = (what, args) => rows.push([what, run(dir, [...args, '--db', db])]);
  time(`apply ${COUNT} migrations (first run${db.startsWith('pglite') ? ', creates the database' : ''}), with backup`, ['apply', '--yes']);
  time('status (nothing pending)', ['status']);
  time('apply (nothing to do)', ['apply', '--yes']);
  time('backup', ['backup', '--output', 'b.bak']);
  time(`rollback --steps ${Math.min(50, COUNT)}, with backup`, ['rollback', '--yes', '--steps', String(Math.min(50, COUNT))]);
  time(`apply ${Math.min(50, COUNT)} again, no backup`, ['apply', '--yes', '--no-backup']);
  time('restore', ['restore', 'b.bak', '--yes', '--no-backup']);
  time('health', ['health']);
  const size = fs.statSync(path.join(dir, 'b.bak')).size;
  console.log(`\n${label}  (${db.replace(/:[^:@/]+@/, ':****@')}, backup ${(size / 1024 / 1024).toFixed(1)} MiB)`);
  for (const [what, ms] of rows) console.log(`  ${(ms / 1000).toFixed(2).padStart(7)} s  ${what}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log(`migratelint execution trial: ${COUNT} migrations, node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-bench-db-'));
trial('PGlite (embedded)', `pglite:${path.join(tmp, 'db')}`);
fs.rmSync(tmp, { recursive: true, force: true });

const pgUrl = process.env.MIGRATELINT_TEST_PG_URL;
if (pgUrl) {
  const { default: pg } = await import(path.join(root, 'node_modules/pg/lib/index.js'));
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  const name = `mlt_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  try {
    trial('PostgreSQL', url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
} else {
  console.log('\n(PostgreSQL skipped: run through scripts/with-postgres.sh to include it)');
}
