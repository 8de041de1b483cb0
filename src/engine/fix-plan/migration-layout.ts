/**
 * How each SQL format lays a migration out on disk, for the migrations `--fix` writes:
 * the folder its migrations share, the versions already there, and the files of a new
 * one in the tool's own convention (golang-migrate's numbered pair, goose's annotated
 * file, dbmate's sections, diesel's folder with metadata.toml, Prisma's folder, Flyway's
 * V file). Formats without a layout here (plain SQL, Drizzle's journal, code formats)
 * get the recipe instead.
 */
import path from 'node:path';
import type { Migration, MigrationFormat } from '../../ir/types.js';
import { classifyPath } from '../../discover/classify.js';
import { DOTTED, NUMBERED, type VersionScheme } from './versions.js';

/** What goes into a new migration. Statements end with their `;`; bytes keep the source file's encoding. */
export interface NewMigrationContent {
  /** Words for the file name: `create orders_customer_idx concurrently`. */
  name: string;
  up: Buffer;
  /** The statements that undo it; undefined when there is nothing to undo (`downNote` says why). */
  down?: Buffer;
  downNote: string;
  /** Whether it must run outside any transaction (CONCURRENTLY). */
  noTransaction: boolean;
}

export interface WrittenFile {
  file: string;
  bytes: Buffer;
}

export interface MigrationLayout {
  scheme: VersionScheme;
  /** The folder whose entries are the format's migrations. */
  folderOf(m: Migration): string;
  /** The version of a folder entry that is a migration (`entry` as listed, no path), else undefined. */
  versionOf(folder: string, entry: string): string | undefined;
  /** The files of a new migration with `version`. */
  write(folder: string, version: string, content: NewMigrationContent, original: Migration): WrittenFile[];
}

const ascii = (text: string) => Buffer.from(text, 'utf8');
const withNewline = (b: Buffer) => (b.length && b[b.length - 1] !== 0x0a ? Buffer.concat([b, ascii('\n')]) : b);

/** `create orders_customer_idx concurrently` → `create_orders_customer_idx_concurrently` (ASCII, at most 60 characters). */
export function slug(words: string): string {
  return (
    words
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60)
      .replace(/_+$/, '') || 'fix'
  );
}

const sameFolder = (m: Migration) => path.dirname(m.up.file ?? m.path);
const parentFolder = (m: Migration) => path.dirname(path.dirname(m.up.file ?? m.path));

/**
 * A down with nothing to undo: the reason, and a no-op statement, since a down without a
 * statement reads as a forgotten one (require-downgrade) and diesel refuses an empty file.
 */
const nothingToUndo = (reason: string) => ascii(`-- ${reason}\nSELECT 1;\n`);
const downOf = (content: NewMigrationContent) => (content.down ? withNewline(content.down) : nothingToUndo(content.downNote));

const fileVersion = (format: MigrationFormat) => (folder: string, entry: string) => {
  const c = classifyPath(path.join(folder, entry));
  return c.format === format && c.role !== 'down' ? c.version : undefined;
};

/** The version of a folder entry holding `marker` (diesel's up.sql, Prisma's migration.sql). */
const dirVersion = (format: MigrationFormat, marker: string) => (folder: string, entry: string) => {
  const c = classifyPath(path.join(folder, entry, marker));
  return c.format === format ? c.version : undefined;
};

const LAYOUTS: Partial<Record<MigrationFormat, MigrationLayout>> = {
  'golang-migrate': {
    scheme: NUMBERED,
    folderOf: sameFolder,
    versionOf: fileVersion('golang-migrate'),
    write(folder, version, content, original) {
      const base = path.join(folder, `${version}_${slug(content.name)}`);
      const files = [{ file: `${base}.up.sql`, bytes: withNewline(content.up) }];
      // A folder that keeps downs gets one.
      if (original.expectsDown) files.push({ file: `${base}.down.sql`, bytes: downOf(content) });
      return files;
    },
  },
  goose: {
    scheme: NUMBERED,
    folderOf: sameFolder,
    versionOf: (folder, entry) => (entry.endsWith('.sql') ? classifyPath(path.join(folder, entry)).version : undefined),
    write(folder, version, content) {
      const head = content.noTransaction ? '-- +goose NO TRANSACTION\n' : '';
      const bytes = Buffer.concat([
        ascii(`${head}-- +goose Up\n`),
        withNewline(content.up),
        ascii('\n-- +goose Down\n'),
        downOf(content),
      ]);
      return [{ file: path.join(folder, `${version}_${slug(content.name)}.sql`), bytes }];
    },
  },
  dbmate: {
    scheme: NUMBERED,
    folderOf: sameFolder,
    versionOf: (folder, entry) => (entry.endsWith('.sql') ? classifyPath(path.join(folder, entry)).version : undefined),
    write(folder, version, content) {
      const options = content.noTransaction ? ' transaction:false' : '';
      const bytes = Buffer.concat([
        ascii(`-- migrate:up${options}\n`),
        withNewline(content.up),
        ascii(`\n-- migrate:down${options}\n`),
        downOf(content),
      ]);
      return [{ file: path.join(folder, `${version}_${slug(content.name)}.sql`), bytes }];
    },
  },
  diesel: {
    scheme: NUMBERED,
    folderOf: parentFolder,
    versionOf: dirVersion('diesel', 'up.sql'),
    write(folder, version, content) {
      const dir = path.join(folder, `${version}_${slug(content.name)}`);
      const files = [
        { file: path.join(dir, 'up.sql'), bytes: withNewline(content.up) },
        { file: path.join(dir, 'down.sql'), bytes: downOf(content) },
      ];
      if (content.noTransaction) files.push({ file: path.join(dir, 'metadata.toml'), bytes: ascii('run_in_transaction = false\n') });
      return files;
    },
  },
  prisma: {
    scheme: NUMBERED,
    folderOf: parentFolder,
    versionOf: dirVersion('prisma', 'migration.sql'),
    write: (folder, version, content) => [{ file: path.join(folder, `${version}_${slug(content.name)}`, 'migration.sql'), bytes: withNewline(content.up) }],
  },
  flyway: {
    scheme: DOTTED,
    folderOf: sameFolder,
    versionOf: fileVersion('flyway'),
    // Flyway runs a migration holding only statements that cannot run in a transaction without one.
    write: (folder, version, content) => [
      { file: path.join(folder, `V${version.replace(/\./g, '_')}__${slug(content.name)}.sql`), bytes: withNewline(content.up) },
    ],
  },
};

/** The layout `--fix` writes new migrations in, for formats that have one. */
export const layoutOf = (format: MigrationFormat): MigrationLayout | undefined => LAYOUTS[format];
