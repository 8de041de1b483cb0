#!/usr/bin/env node
// Calibration of the lock-duration model (src/stats/estimate.ts): builds tables of a few
// sizes on a throwaway PostgreSQL server, times the work each kind of lock finding does
// under its lock, and prints the measured MB/s next to what the model predicts with its
// default throughputs.
//
//   scripts/with-postgres.sh node bench/lock-estimate.mjs [--sizes 10,100,400] [--cold] [URL]
//
// The URL defaults to $MIGRATELINT_TEST_PG_URL (which with-postgres.sh sets). Work timed,
// per table (id bigint primary key, a int, b text of ~40 bytes, at timestamptz):
//   index build  CREATE INDEX ON t (a), then ON t (b) (text)             heap bytes / s
//   scan         ADD CHECK (a >= 0) NOT VALID; then VALIDATE CONSTRAINT (heap + TOAST) / s
//   rewrite      ALTER COLUMN a TYPE bigint (heap copied, 3 indexes rebuilt) (heap + TOAST + indexes) / s
// Each statement runs once, right after the table was filled (a warm cache), or with
// --cold after a CHECKPOINT and dropping the OS page cache (needs root: it writes
// /proc/sys/vm/drop_caches; shared_buffers, 128 MB by default, still holds a part), with the
// server's default settings (maintenance_work_mem 64 MB): a production server with more
// memory and faster disks is usually faster, one under load slower; the model's range
// (half to twice its point estimate) is meant to cover that.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const sizes = flag('--sizes', '10,100,400').split(',').map(Number);
const coldAt = args.indexOf('--cold');
const cold = coldAt >= 0 && !!args.splice(coldAt, 1);
const url = args[0] ?? process.env.MIGRATELINT_TEST_PG_URL;
if (!url) {
  console.error('usage: scripts/with-postgres.sh node bench/lock-estimate.mjs [--sizes 10,100,400] [URL]');
  process.exit(2);
}

// The model itself, compiled from its TypeScript source on the fly: no build needed.
const { transformSync } = await import('esbuild');
const source = fs.readFileSync(path.join(root, 'src/stats/estimate.ts'), 'utf8');
const { code } = transformSync(source, { loader: 'ts', format: 'esm' });
const model = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const { default: pg } = await import(pathToFileURL(path.join(root, 'node_modules/pg/lib/index.js')).href);
const client = new pg.Client({ connectionString: url });
await client.connect();
const q = (sql) => client.query(sql);
const MB = 1024 * 1024;

async function sizesOf(table) {
  const { rows } = await q(`SELECT pg_relation_size('${table}') AS heap, pg_indexes_size('${table}') AS indexes,
    coalesce(pg_total_relation_size(reltoastrelid), 0) AS toast FROM pg_class WHERE oid = '${table}'::regclass`);
  const r = rows[0];
  return { heapBytes: Number(r.heap), indexBytes: Number(r.indexes), toastBytes: Number(r.toast) };
}

async function timed(sql) {
  if (cold) {
    await q('CHECKPOINT');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
  }
  const t0 = performance.now();
  await q(sql);
  return (performance.now() - t0) / 1000;
}

const version = (await q('SHOW server_version')).rows[0].server_version;
const mwm = (await q('SHOW maintenance_work_mem')).rows[0].maintenance_work_mem;
console.log(`PostgreSQL ${version}, maintenance_work_mem ${mwm}, ${cold ? 'cold OS cache' : 'warm cache'}; model defaults (MB/s): ${JSON.stringify(model.DEFAULT_THROUGHPUTS)}, range ÷/× ${model.SPREAD}\n`);

const rows = [];
const started = performance.now();
for (const target of sizes) {
  const t = `bench_lock_${target}`;
  await q(`DROP TABLE IF EXISTS ${t}`);
  await q(`CREATE TABLE ${t} (id bigint PRIMARY KEY, a int NOT NULL, b text, at timestamptz)`);
  // ~100 bytes per row on disk (tuple header, 4 columns, the line pointer): fill to the target size.
  const n = Math.round((target * MB) / 100);
  await q(`INSERT INTO ${t} SELECT i, ((i::bigint * 7919) % 1000003)::int, md5(i::text) || 'abcdefgh', now() - i * interval '1 second' FROM generate_series(1, ${n}) i`);
  await q(`VACUUM ANALYZE ${t}`);

  const before = await sizesOf(t);
  const work = [];
  work.push(['index-build', before, await timed(`CREATE INDEX ${t}_a_idx ON ${t} (a)`)]);
  work.push(['index-build', before, await timed(`CREATE INDEX ${t}_b_idx ON ${t} (b)`)]);
  await q(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_a_check CHECK (a >= 0) NOT VALID`);
  const scanSizes = await sizesOf(t);
  work.push(['scan', scanSizes, await timed(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_a_check`)]);
  const rewriteSizes = await sizesOf(t);
  work.push(['rewrite', rewriteSizes, await timed(`ALTER TABLE ${t} ALTER COLUMN a TYPE bigint`)]);
  await q(`DROP TABLE ${t}`);

  for (const [kind, s, seconds] of work) {
    const bytes = model.workBytes(s, kind);
    const predicted = model.estimateLock(s, kind);
    rows.push({
      table: `${Math.round((s.heapBytes + s.indexBytes + s.toastBytes) / MB)} MB`,
      work: kind,
      'work MB': Math.round(bytes / MB),
      'measured s': seconds.toFixed(2),
      'measured MB/s': Math.round(bytes / MB / seconds),
      'model s (low–high)': `${predicted.lowSeconds.toFixed(2)}–${predicted.highSeconds.toFixed(2)}`,
      'in range': seconds >= predicted.lowSeconds && seconds <= predicted.highSeconds ? 'yes' : 'NO',
    });
  }
}
await client.end();
console.table(rows);

// The default to use: the slowest measured rate per kind of work, among tables of at
// least 100 MB (a small table's figures are dominated by fixed costs and cached pages).
const big = rows.filter((r) => Number.parseInt(r.table, 10) >= 100);
const basis = big.length ? big : rows;
const slowest = {};
for (const r of basis) slowest[r.work] = Math.min(slowest[r.work] ?? Infinity, r['measured MB/s']);
console.log(`\nslowest measured MB/s (tables >= 100 MB): ${JSON.stringify(slowest)}`);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
