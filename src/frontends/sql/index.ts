import path from 'node:path';
import type { Comment, Migration, MigrationFormat, Section, SqlChunk, Statement } from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';
import type { MigrationUnit } from '../../ir/unit.js';
import { parseChunk } from '../../pg/parse.js';
import { splitSql, type Span } from '../../pg/splitter.js';
import { FORMATS, isSqlFormat } from '../../formats/index.js';
import { otherDatabaseByPath, wholeFileNotRead } from '../dialect-path.js';
import { postgresFileInstead } from './pop-dialect.js';
import { gooseEnvsub } from './goose-envsub.js';

import type { ReadFile } from '../registry.js';
export type { ReadFile };

/** A chunk covering text[from, to) of a file, positioned in that file. */
export function fileChunk(file: string, lines: LineIndex, from: number, to: number): SqlChunk {
  return {
    sql: lines.text.slice(from, to),
    file,
    origin: 'sql',
    position: (offset) => lines.position(from + offset),
  };
}

/**
 * Whether the format's tool wraps a SQL migration in a transaction unless told otherwise.
 * A .sql file given a code format in the config has no tool that runs it as SQL: unknown.
 */
const sqlTransactionDefault = (format: MigrationFormat): boolean | undefined => (isSqlFormat(format) ? FORMATS[format].transaction : undefined);

interface SqlFile {
  file: string;
  text: string;
  lines: LineIndex;
  comments: Comment[];
  /** Splitter comments, computed once when a file needs them. */
  commentSpans?: Span[];
}

function loadFile(file: string, readFile: ReadFile, migration: Migration): SqlFile | undefined {
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    migration.problems.push({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  migration.sources.set(file, text);
  const lines = new LineIndex(text);
  const sqlFile: SqlFile = { file, text, lines, comments: [] };
  // Ignore directives are rare: only lex comments out of files that mention them.
  if (text.includes('migratelint-')) {
    sqlFile.commentSpans = splitSql(text).comments;
    sqlFile.comments = sqlFile.commentSpans.map((span) => ({
      file,
      text: text.slice(span.start, span.end),
      range: { start: lines.position(span.start), end: lines.position(span.end) },
      endOffset: span.end,
    }));
  }
  return sqlFile;
}

/**
 * Flyway's PostgreSQL support looks at each migration: one holding a statement that
 * cannot run in a transaction (CREATE/DROP INDEX CONCURRENTLY, VACUUM, ...) is run
 * without one.
 */
function flywayCanUseTransaction(statements: readonly Statement[]): boolean {
  return !statements.some((s) => {
    switch (s.kind) {
      case 'IndexStmt':
      case 'ReindexStmt':
        return !!s.node.concurrent || (s.node.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently');
      case 'DropStmt':
        return !!s.node.concurrent;
      case 'VacuumStmt':
      case 'CreatedbStmt':
      case 'DropdbStmt':
      case 'AlterSystemStmt':
        return true;
      default:
        return false;
    }
  });
}

function wholeFileSection(f: SqlFile, transaction: boolean | undefined, format?: MigrationFormat): Section {
  const statements = parseChunk(fileChunk(f.file, f.lines, 0, f.text.length));
  if (format === 'flyway' && transaction) transaction = flywayCanUseTransaction(statements);
  return {
    state: statements.length ? 'present' : 'empty',
    statements,
    file: f.file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    transaction,
  };
}

const missing = (file?: string, reason?: string): Section => ({ state: 'missing', statements: [], file, reason });

/**
 * The section of a generic pop file that PostgreSQL never runs: present (the tool has its
 * file), not read, and listed in the coverage with the file that runs instead. A cached
 * result depends on that file.
 */
function replacedOnPostgres(file: string, instead: string, migration: Migration): Section {
  const start = { line: 1, column: 1 };
  const reason = `not run on PostgreSQL: pop runs ${path.basename(instead)} instead, the file of the same version written for it`;
  migration.coverage ??= { analysed: 0, unanalysed: [] };
  migration.coverage.unanalysed.push({ file, range: { start, end: start }, reason });
  migration.inputs = [...(migration.inputs ?? []), instead];
  return { state: 'present', statements: [], file };
}

/** Reads the files of one SQL migration and lowers them to the IR. */
export function readSqlMigration(unit: MigrationUnit, readFile: ReadFile): Migration {
  const migration: Migration = {
    path: unit.path,
    files: [unit.up, unit.down].filter((f): f is string => !!f),
    format: unit.format,
    version: unit.version,
    name: unit.name,
    up: missing(),
    down: missing(),
    expectsDown: unit.expectsDown,
    comments: [],
    problems: [],
    sources: new Map(),
  };
  if (migration.files.length === 0) migration.files = [unit.path];

  // `1_networks.mysql.up.sql`, `sqlite/1_init.sql`: SQL for another database is listed, not parsed as PostgreSQL.
  const otherDatabase = otherDatabaseByPath(unit.path);
  if (otherDatabase) {
    const start = { line: 1, column: 1 };
    migration.expectsDown = false;
    migration.up = { state: 'present', statements: [], file: unit.up ?? unit.path };
    if (unit.down) migration.down = { state: 'present', statements: [], file: unit.down };
    migration.coverage = wholeFileNotRead(unit.path, { start, end: start }, otherDatabase);
    return migration;
  }

  if (unit.up || unit.down) {
    const defaultTx = unit.transaction ?? sqlTransactionDefault(unit.format);
    // pop: a generic file with a `.postgres.` file of the same version beside it never runs on PostgreSQL.
    const upInstead = unit.up ? postgresFileInstead(unit.up, readFile) : undefined;
    const downInstead = unit.down ? postgresFileInstead(unit.down, readFile) : undefined;
    const up = unit.up && !upInstead ? loadFile(unit.up, readFile, migration) : undefined;
    const down = unit.down && !downInstead ? loadFile(unit.down, readFile, migration) : undefined;
    migration.up = up ? wholeFileSection(up, defaultTx, unit.format) : upInstead ? replacedOnPostgres(unit.up!, upInstead, migration) : missing(unit.up);
    migration.down = down
      ? wholeFileSection(down, defaultTx, unit.format)
      : downInstead
        ? replacedOnPostgres(unit.down!, downInstead, migration)
        : missing(unit.expectedDown, unit.expectedDown ? `expected ${unit.expectedDown}` : undefined);
    // A unit PostgreSQL never runs any file of owes it no down either.
    if ((upInstead || !unit.up) && (downInstead || !unit.down)) migration.expectsDown = false;
    for (const f of [up, down]) if (f) migration.comments.push(...f.comments);
    return migration;
  }

  const f = loadFile(unit.path, readFile, migration);
  if (!f) return migration;
  migration.comments.push(...f.comments);
  const markers = sectionMarkers(f);
  if (markers) {
    migration.format = markers.format;
    migration.expectsDown = true;
    Object.assign(migration, sectionsFromMarkers(f, markers));
    return migration;
  }
  if (migration.format === 'sql' && f.text.includes('--> statement-breakpoint')) migration.format = 'drizzle';
  migration.up = wholeFileSection(f, sqlTransactionDefault(migration.format), migration.format);
  return migration;
}

interface Marker {
  role: 'up' | 'down';
  /** Offset where the section's SQL begins (the end of the marker comment). */
  bodyStart: number;
  markerStart: number;
  noTransaction: boolean;
}

interface Markers {
  format: 'dbmate' | 'goose';
  list: Marker[];
  /** goose puts `NO TRANSACTION` on its own line, for the whole file. */
  fileNoTransaction: boolean;
}

const DBMATE_MARKER = /^--\s*migrate:(up|down)\b(.*)$/i;
const GOOSE_MARKER = /^--\s*\+goose\s+(up|down|no\s+transaction)\b/i;

/** Finds dbmate (`-- migrate:up`) or goose (`-- +goose Up`) section markers among real comments. */
function sectionMarkers(f: SqlFile): Markers | undefined {
  const dbmate = /--\s*migrate:up/i.test(f.text);
  const goose = /--\s*\+goose\s+up/i.test(f.text);
  if (!dbmate && !goose) return undefined;
  f.commentSpans ??= splitSql(f.text).comments;
  const list: Marker[] = [];
  let fileNoTransaction = false;
  for (const span of f.commentSpans) {
    const text = f.text.slice(span.start, span.end);
    if (dbmate) {
      const m = DBMATE_MARKER.exec(text);
      if (m) {
        list.push({
          role: m[1].toLowerCase() as 'up' | 'down',
          bodyStart: span.end,
          markerStart: span.start,
          noTransaction: /transaction\s*:\s*false/i.test(m[2]),
        });
      }
    } else {
      const m = GOOSE_MARKER.exec(text);
      if (!m) continue;
      const word = m[1].toLowerCase();
      if (word.startsWith('no')) fileNoTransaction = true;
      else list.push({ role: word as 'up' | 'down', bodyStart: span.end, markerStart: span.start, noTransaction: false });
    }
  }
  if (!list.length) return undefined;
  return { format: dbmate ? 'dbmate' : 'goose', list, fileNoTransaction };
}

function sectionsFromMarkers(f: SqlFile, markers: Markers): { up: Section; down: Section } {
  const result = { up: missing(f.file), down: missing(f.file, `no "${markers.format === 'dbmate' ? '-- migrate:down' : '-- +goose Down'}" section`) };
  // goose ENVSUB: the SQL as goose sends it, same length, so positions still map one to one.
  const substituted = markers.format === 'goose' ? gooseEnvsub(f.text) : undefined;
  markers.list.forEach((marker, i) => {
    const end = i + 1 < markers.list.length ? markers.list[i + 1].markerStart : f.text.length;
    const chunk = fileChunk(f.file, f.lines, marker.bodyStart, end);
    const statements: Statement[] = parseChunk(substituted ? { ...chunk, sql: substituted.slice(marker.bodyStart, end) } : chunk);
    const start = f.lines.position(marker.markerStart);
    result[marker.role] = {
      state: statements.length ? 'present' : 'empty',
      statements,
      file: f.file,
      range: { start, end: f.lines.position(marker.bodyStart) },
      transaction: !(marker.noTransaction || markers.fileNoTransaction),
    };
  });
  return result;
}
