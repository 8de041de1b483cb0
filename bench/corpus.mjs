// The benchmark corpus: realistic SQL migrations in five layouts (golang-migrate
// pairs, Flyway, dbmate, Prisma, plain files), generated deterministically so every
// run lints the same files.
import fs from 'node:fs';
import path from 'node:path';

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

/** Writes `fileCount` migration files under `corpus` (emptied first). */
export function generateCorpus(corpus, fileCount) {
  seed = 42;
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

