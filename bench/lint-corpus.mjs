#!/usr/bin/env node
// Generates a corpus of realistic SQL migrations in several formats and measures a
// full `migratelint lint` over it (files/s, MB/s, wall time, peak RSS), plus the
// wall time of linting a single file the way a pre-commit hook does.
//
//   npm run build && node bench/lint-corpus.mjs [--files 5000] [--dir bench/corpus] [--runs 3] [extra folder ...]
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const fileCount = Number(opt('files', 5000));
const corpus = path.resolve(opt('dir', path.join(root, 'bench', 'corpus')));
const runs = Number(opt('runs', 3));
const extra = args;

// A small deterministic generator, so every run lints the same corpus.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (list) => list[Math.floor(rand() * list.length)];
const TABLES = ['users', 'orders', 'order_items', 'accounts', 'invoices', 'events', 'sessions', 'products', 'tenants', 'audit_log'];
const TYPES = ['bigint', 'integer', 'text', 'varchar(255)', 'timestamptz', 'boolean', 'jsonb', 'numeric(12,2)', 'uuid'];

function createTable(n) {
  const t = `${pick(TABLES)}_${n}`;
  const cols = Array.from({ length: 3 + Math.floor(rand() * 8) }, (_, i) => `  col_${i} ${pick(TYPES)}${rand() < 0.3 ? ' NOT NULL' : ''}${rand() < 0.2 ? ' DEFAULT NULL' : ''}`);
  return [
    `-- Create ${t}: holds ${pick(['billing', 'auth', 'catalog', 'audit'])} data`,
    `CREATE TABLE IF NOT EXISTS ${t} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n${cols.join(',\n')},\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
    `CREATE INDEX ${t}_created_at_idx ON ${t} (created_at);`,
    `COMMENT ON TABLE ${t} IS 'It''s the ${t} table; see docs';`,
  ].join('\n');
}

function alterTable(n) {
  const t = pick(TABLES);
  const parts = [
    `ALTER TABLE ${t} ADD COLUMN note_${n} text;`,
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_note_${n}_idx ON ${t} (note_${n});`,
  ];
  if (rand() < 0.15) parts.push(`ALTER TABLE ${t} ADD COLUMN flag_${n} boolean NOT NULL;`);
  if (rand() < 0.1) parts.push(`DELETE FROM ${t};`);
  if (rand() < 0.2) parts.push(`UPDATE ${t} SET note_${n} = 'n/a' WHERE note_${n} IS NULL;`);
  return parts.join('\n');
}

function functionBody(n) {
  return [
    `CREATE OR REPLACE FUNCTION touch_${n}() RETURNS trigger LANGUAGE plpgsql AS $$`,
    'BEGIN',
    "  NEW.updated_at := now(); -- keep it fresh; don't remove",
    '  RETURN NEW;',
    'END;',
    '$$;',
    `INSERT INTO settings (key, value) VALUES ('feature_${n}', E'on\\'off'), ('x_${n}', 'y');`,
  ].join('\n');
}

const body = (n) => [createTable(n), rand() < 0.6 ? alterTable(n) : '', rand() < 0.3 ? functionBody(n) : ''].filter(Boolean).join('\n\n') + '\n';

function generate() {
  fs.rmSync(corpus, { recursive: true, force: true });
  const dirs = ['golang-migrate', 'flyway', 'dbmate', 'prisma', 'plain'].map((d) => path.join(corpus, d));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  let written = 0;
  let bytes = 0;
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    written++;
    bytes += Buffer.byteLength(text);
  };
  for (let n = 1; written < fileCount; n++) {
    const v = String(n).padStart(6, '0');
    switch (n % 5) {
      case 0:
        write(path.join(dirs[0], `${v}_change_${n}.up.sql`), body(n));
        if (written < fileCount) write(path.join(dirs[0], `${v}_change_${n}.down.sql`), `DROP TABLE IF EXISTS ${TABLES[0]}_${n};\n`);
        break;
      case 1:
        write(path.join(dirs[1], `V${n}__change_${n}.sql`), body(n));
        break;
      case 2:
        write(path.join(dirs[2], `2024${v}_change_${n}.sql`), `-- migrate:up\n${body(n)}\n-- migrate:down\nSELECT 1;\n`);
        break;
      case 3:
        write(path.join(dirs[3], `2024${v}000000_change_${n}`, 'migration.sql'), `/*\n  Warnings:\n  - You're about to change \`x\`.\n*/\n${body(n)}`);
        break;
      default:
        write(path.join(dirs[4], `${v}_change_${n}.sql`), body(n));
    }
  }
  return { written, bytes };
}

function measure(target, label) {
  const walls = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const report = path.join(corpus, '..', '.lint-report.json');
    const child = spawnSync(process.execPath, [path.join(root, 'bench', 'measure-child.mjs'), 'lint', target, '-f', 'json', '-o', report], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (child.status !== 0 && child.status !== 1) throw new Error(`${label}: lint exited ${child.status}: ${child.stderr}`);
    const summary = JSON.parse(fs.readFileSync(report, 'utf8')).summary;
    last = { ...JSON.parse(child.stderr.trim().split('\n').pop()), findings: summary.errors + summary.warnings, files: summary.files };
  }
  walls.sort((a, b) => a - b);
  return { wallMs: walls[Math.floor(walls.length / 2)], ...last };
}

const { written, bytes } = generate();
const full = measure(corpus, 'corpus');
const mb = bytes / 1e6;
console.log(`corpus: ${written} files, ${mb.toFixed(2)} MB in ${corpus}`);
console.log(
  `full lint: ${full.wallMs.toFixed(0)} ms wall (median of ${runs}, Node start-up included), ` +
    `${(written / (full.wallMs / 1000)).toFixed(0)} files/s, ${(mb / (full.wallMs / 1000)).toFixed(1)} MB/s, ` +
    `${(full.wallMs / written).toFixed(3)} ms/file, peak RSS ${full.maxRssMb} MB, ${full.findings} findings`,
);

const single = path.join(corpus, 'plain', fs.readdirSync(path.join(corpus, 'plain'))[0]);
const one = measure(single, 'single');
console.log(`single file (pre-commit): ${one.wallMs.toFixed(0)} ms wall (median of ${runs}), peak RSS ${one.maxRssMb} MB`);

for (const dir of extra) {
  const r = measure(path.resolve(dir), dir);
  console.log(`${dir}: ${r.files} files, ${r.wallMs.toFixed(0)} ms wall, ${(r.files / (r.wallMs / 1000)).toFixed(0)} files/s, peak RSS ${r.maxRssMb} MB`);
}
