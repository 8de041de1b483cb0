#!/usr/bin/env node
// Benchmark of the TypeScript/JavaScript frontend: generates code migrations in the
// shapes real projects have (knex builders and raw SQL, TypeORM migrations generated
// with dozens to hundreds of queryRunner.query calls, TypeORM QueryRunner API,
// Sequelize queryInterface, node-pg-migrate, Kysely, MikroORM addSql, db-migrate
// callbacks) into a temporary folder, then times a full `lint()` over them in a fresh
// Node process per run, importing the built library (dist/).
//
//   npx tsc -p . && node bench/code-frontend.mjs [--files 3000] [--runs 3] [--dir /tmp/x] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// ---------------------------------------------------------------------------
// Child: lint one folder in a fresh process and print what it measured as JSON.
if (args[0] === '--child') {
  const target = args[1];
  const lib = (rel) => import(pathToFileURL(path.join(root, 'dist', 'src', ...rel.split('/'))).href);
  const t0 = performance.now();
  const { lint } = await lib('index.js');
  const t1 = performance.now();
  const result = await lint([target], { cwd: target });
  const t2 = performance.now();
  // The frontend alone (read, parse with Babel, lower, parse SQL), without rules.
  const { collectFiles, groupMigrations } = await lib('discover/index.js');
  const { loadFrontend } = await lib('frontends/registry.js');
  const frontend = await loadFrontend('typescript');
  const units = groupMigrations(await collectFiles([target], { cwd: target }), target);
  const readFile = (file) => fs.readFileSync(path.resolve(target, file), 'utf8');
  const t3 = performance.now();
  for (const unit of units) frontend.read(unit, readFile);
  const t4 = performance.now();
  const sum = (f) => result.migrations.reduce((n, m) => n + f(m), 0);
  const byRule = {};
  for (const f of result.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  const formats = {};
  for (const m of result.migrations) formats[m.format] = (formats[m.format] ?? 0) + 1;
  process.stdout.write(
    JSON.stringify({
      importMs: t1 - t0,
      lintMs: t2 - t1,
      frontendMs: t4 - t3,
      files: result.files.length,
      bytes: result.files.reduce((n, f) => n + fs.statSync(path.resolve(target, f)).size, 0),
      migrations: result.migrations.length,
      formats,
      statements: sum((m) => m.up.statements.length + m.down.statements.length),
      analysed: sum((m) => m.coverage?.analysed ?? 0),
      unanalysed: sum((m) => m.coverage?.unanalysed.length ?? 0),
      findings: result.findings.length,
      byRule,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }) + '\n',
  );
  process.exit(0);
}

// ---------------------------------------------------------------------------
// Parent: generate the files, then run the child `runs` times.
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const fileCount = Number(opt('files', 3000));
const runs = Number(opt('runs', 3));
const dir = path.resolve(opt('dir', path.join(os.tmpdir(), `migratelint-code-bench-${process.pid}`)));
const keep = args.includes('--keep');

if (!fs.existsSync(path.join(root, 'dist', 'src', 'index.js'))) {
  console.error('dist/src/index.js not found: run `npx tsc -p .` first');
  process.exit(2);
}

// A small deterministic generator, so every run lints the same files.
let seed = 11;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = (list) => list[Math.floor(rand() * list.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const WORDS = ['account', 'invoice', 'order', 'customer', 'product', 'payment', 'shipment', 'coupon', 'review', 'session', 'audit', 'team', 'project', 'task', 'comment', 'tag', 'device', 'event'];
const table = () => `${pick(WORDS)}_${pick(WORDS)}${int(1, 99)}`;
const column = () => `${pick(['created', 'updated', 'owner', 'status', 'amount', 'label', 'score', 'region', 'external', 'parent'])}_${pick(['at', 'id', 'code', 'name', 'count', 'ref'])}`;

function knexJs(n) {
  const t = table();
  const lines = [
    '/**',
    ' * @param { import("knex").Knex } knex',
    ' */',
    'exports.up = async function (knex) {',
    `  await knex.schema.createTable('${t}', (table) => {`,
    "    table.increments('id');",
  ];
  for (let i = 0; i < int(3, 10); i++) lines.push(`    table.${pick(['string', 'integer', 'text', 'boolean', 'jsonb', 'timestamp'])}('${column()}_${i}')${pick(['', '.notNullable()', ".defaultTo('x')", '.index()', '.nullable()'])};`);
  lines.push('    table.timestamps(true, true);', '  });');
  const existing = table();
  lines.push(`  await knex.schema.alterTable('${existing}', (table) => {`);
  lines.push(`    table.integer('${column()}')${pick(['.notNullable()', '.notNullable().defaultTo(0)', ''])};`);
  if (rand() < 0.5) lines.push(`    table.index(['${column()}']);`);
  lines.push('  });');
  if (rand() < 0.4) lines.push(`  await knex.raw(\`UPDATE ${existing} SET ${column()} = 0 WHERE id < \${${n}}\`);`);
  if (rand() < 0.2) lines.push(`  await knex('${existing}').where('id', ${n}).del();`);
  lines.push('};', '', 'exports.down = async function (knex) {', `  await knex.schema.dropTable('${t}');`, '};', '');
  return lines.join('\n');
}

function knexTs() {
  const t = table();
  return [
    "import type { Knex } from 'knex';",
    '',
    'export async function up(knex: Knex): Promise<void> {',
    `  const rows = \`SELECT count(*) FROM ${t}\`;`,
    "  console.log('DELETE FROM users is not run', rows);",
    `  await knex.schema.table('${t}', (t) => {`,
    `    t.string('${column()}', 64).notNullable().defaultTo('');`,
    `    t.dropColumn('${column()}');`,
    '  });',
    `  await knex.raw('CREATE INDEX CONCURRENTLY ${t}_idx ON ${t} (created_at)');`,
    '}',
    '',
    'export async function down(knex: Knex): Promise<void> {',
    `  await knex.raw('DROP INDEX CONCURRENTLY ${t}_idx');`,
    '}',
    '',
    'export const config = { transaction: false };',
    '',
  ].join('\n');
}

function typeormGenerated(n) {
  const name = `Schema${n}`;
  const up = [];
  const down = [];
  const tables = int(1, 40);
  for (let i = 0; i < tables; i++) {
    const t = table();
    up.push(`CREATE TABLE "${t}" ("id" SERIAL NOT NULL, "name" character varying NOT NULL, "createdAt" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "PK_${n}_${i}" PRIMARY KEY ("id"))`);
    up.push(`CREATE INDEX "IDX_${n}_${i}" ON "${t}" ("name") `);
    up.push(`ALTER TABLE "${t}" ADD CONSTRAINT "FK_${n}_${i}" FOREIGN KEY ("id") REFERENCES "${table()}"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    down.unshift(`DROP TABLE "${t}"`, `DROP INDEX "public"."IDX_${n}_${i}"`);
  }
  if (rand() < 0.5) up.push(`ALTER TABLE "${table()}" ADD "${column()}" integer NOT NULL`);
  const q = (s) => `        await queryRunner.query(\`${s}\`);`;
  return [
    'import { MigrationInterface, QueryRunner } from "typeorm";',
    '',
    `export class ${name}${1700000000000 + n} implements MigrationInterface {`,
    `    name = '${name}${1700000000000 + n}'`,
    '',
    '    public async up(queryRunner: QueryRunner): Promise<void> {',
    ...up.map(q),
    '    }',
    '',
    '    public async down(queryRunner: QueryRunner): Promise<void> {',
    ...down.map(q),
    '    }',
    '',
    '}',
    '',
  ].join('\n');
}

function typeormApi(n) {
  const t = table();
  return [
    "import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';",
    '',
    `export class AddColumns${n} implements MigrationInterface {`,
    '  public async up(queryRunner: QueryRunner): Promise<void> {',
    `    await queryRunner.addColumn('${t}', new TableColumn({ name: '${column()}', type: 'varchar', length: '40'${pick([', isNullable: true', ", default: \"'x'\"", ''])} }));`,
    `    await queryRunner.createIndex('${t}', new TableIndex({ name: 'IDX_${t}', columnNames: ['${column()}'] }));`,
    '  }',
    '',
    '  public async down(queryRunner: QueryRunner): Promise<void> {',
    `    await queryRunner.dropIndex('${t}', 'IDX_${t}');`,
    '  }',
    '}',
    '',
  ].join('\n');
}

function sequelize() {
  const t = table();
  return [
    "'use strict';",
    '',
    "/** @type {import('sequelize-cli').Migration} */",
    'module.exports = {',
    '  async up(queryInterface, Sequelize) {',
    `    await queryInterface.addColumn('${t}', '${column()}', { type: Sequelize.${pick(['STRING', 'INTEGER', 'DATE', 'BOOLEAN'])}, allowNull: ${pick(['true', 'false'])} });`,
    `    await queryInterface.addIndex('${t}', ['${column()}'], { concurrently: ${pick(['true', 'false'])} });`,
    `    await queryInterface.bulkDelete('${t}', ${pick(['{}', "{ status: 'gone' }", 'null'])});`,
    '  },',
    '',
    '  async down(queryInterface, Sequelize) {',
    pick([`    await queryInterface.removeColumn('${t}', 'x');`, '    /** Add reverting commands here. */']),
    '  },',
    '};',
    '',
  ].join('\n');
}

function pgm() {
  const t = table();
  const body = [
    'exports.up = (pgm) => {',
    `  pgm.createTable('${t}', {`,
    "    id: 'id',",
    `    ${column()}: { type: 'text', notNull: true },`,
    `    created_at: { type: 'timestamp', notNull: true, default: pgm.func('current_timestamp') },`,
    '  });',
    `  pgm.createIndex('${t}', '${column()}');`,
    `  pgm.addColumns('${table()}', { ${column()}: { type: 'integer', notNull: true${pick(['', ', default: 0'])} } });`,
  ];
  if (rand() < 0.3) body.push(`  pgm.sql(\`UPDATE ${t} SET x = 1\`);`);
  body.push('};', '');
  if (rand() < 0.3) body.push('exports.down = false;', '');
  return body.join('\n');
}

function kysely() {
  const t = table();
  return [
    "import { Kysely, sql } from 'kysely';",
    '',
    'export async function up(db: Kysely<any>): Promise<void> {',
    `  await db.schema.createTable('${t}')`,
    "    .addColumn('id', 'serial', (col) => col.primaryKey())",
    `    .addColumn('${column()}', 'varchar(255)', (col) => col.notNull())`,
    "    .addColumn('created_at', 'timestamptz', (col) => col.defaultTo(sql`now()`).notNull())",
    '    .execute();',
    `  await db.schema.alterTable('${table()}').addColumn('${column()}', 'integer', (col) => col.notNull()).execute();`,
    `  await db.schema.createIndex('${t}_idx').on('${table()}').column('${column()}').execute();`,
    `  await sql\`UPDATE ${t} SET flag = \${true}\`.execute(db);`,
    '}',
    '',
    'export async function down(db: Kysely<any>): Promise<void> {',
    `  await db.schema.dropTable('${t}').execute();`,
    '}',
    '',
  ].join('\n');
}

function mikro(n) {
  const t = table();
  return [
    "import { Migration } from '@mikro-orm/migrations';",
    '',
    `export class Migration${20240101000000 + n} extends Migration {`,
    '',
    '  async up(): Promise<void> {',
    `    this.addSql('create table "${t}" ("id" serial primary key, "name" varchar(255) not null);');`,
    `    this.addSql('alter table "${table()}" add column "${column()}" int not null;');`,
    `    this.addSql('create index "${t}_name_index" on "${table()}" ("name");');`,
    '  }',
    '',
    '  async down(): Promise<void> {',
    `    this.addSql('drop table if exists "${t}" cascade;');`,
    '  }',
    '',
    '}',
    '',
  ].join('\n');
}

function dbMigrate() {
  const t = table();
  return [
    "'use strict';",
    'var dbm;',
    'exports.setup = function (options) { dbm = options.dbmigrate; };',
    'exports.up = function (db, callback) {',
    `  db.createTable('${t}', { id: { type: 'int', primaryKey: true, autoIncrement: true }, name: 'string' }, function (err) {`,
    '    if (err) return callback(err);',
    `    db.addIndex('${table()}', '${t}_idx', ['name'], callback);`,
    '  });',
    '};',
    'exports.down = function (db, callback) {',
    `  db.dropTable('${t}', callback);`,
    '};',
    "exports._meta = { version: 1 };",
    '',
  ].join('\n');
}

const KINDS = [
  ['knex', 0.2, knexJs, 'js', (n) => `${20200101000000 + n}_migration`],
  ['knex-ts', 0.1, knexTs, 'ts', (n) => `${20200101000000 + n}_backfill`],
  ['typeorm', 0.2, typeormGenerated, 'ts', (n) => `${1700000000000 + n}-Schema${n}`],
  ['typeorm-api', 0.05, typeormApi, 'ts', (n) => `${1700000000000 + n}-AddColumns${n}`],
  ['sequelize', 0.15, sequelize, 'js', (n) => `${20230101000000 + n}-change`],
  ['node-pg-migrate', 0.1, pgm, 'js', (n) => `${1600000000000 + n}_change`],
  ['kysely', 0.1, kysely, 'ts', (n) => `2024_${String(n).padStart(5, '0')}_change`],
  ['mikro-orm', 0.05, mikro, 'ts', (n) => `Migration${20240101000000 + n}`],
  ['db-migrate', 0.05, dbMigrate, 'js', (n) => `${20150101000000 + n}-change`],
];

fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
let written = 0;
let bytes = 0;
for (const [kind, share, make, ext, name] of KINDS) {
  const count = kind === 'db-migrate' ? fileCount - written : Math.round(fileCount * share);
  const sub = path.join(dir, kind);
  fs.mkdirSync(sub, { recursive: true });
  for (let i = 0; i < count; i++) {
    const text = make(written + i);
    bytes += Buffer.byteLength(text);
    fs.writeFileSync(path.join(sub, `${name(written + i)}.${ext}`), text);
  }
  written += count;
}
console.log(`generated ${written} files (${(bytes / 1e6).toFixed(1)} MB) in ${dir}`);

const results = [];
for (let r = 0; r < runs; r++) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(1);
  }
  results.push(JSON.parse(child.stdout.trim().split('\n').pop()));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const last = results[results.length - 1];
const lintMs = median(results.map((x) => x.lintMs));
const frontendMs = median(results.map((x) => x.frontendMs));
console.log(
  JSON.stringify(
    {
      node: process.version,
      cpu: os.cpus()[0]?.model,
      runs,
      files: last.files,
      megabytes: +(last.bytes / 1e6).toFixed(2),
      migrations: last.migrations,
      formats: last.formats,
      statements: last.statements,
      callsAnalysed: last.analysed,
      callsUnanalysed: last.unanalysed,
      findings: last.findings,
      byRule: last.byRule,
      importMs: +median(results.map((x) => x.importMs)).toFixed(1),
      lintMsMedian: +lintMs.toFixed(0),
      lintMsAll: results.map((x) => +x.lintMs.toFixed(0)),
      filesPerSecond: +(last.files / (lintMs / 1000)).toFixed(0),
      msPerFile: +(lintMs / last.files).toFixed(3),
      frontendOnlyMs: +frontendMs.toFixed(0),
      frontendMsPerFile: +(frontendMs / last.files).toFixed(3),
      peakRssMb: Math.max(...results.map((x) => x.maxRssMb)),
    },
    null,
    2,
  ),
);
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
