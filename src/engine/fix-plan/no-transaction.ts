/**
 * Turning a migration's own transaction off, in the tool's convention, when one statement
 * that cannot run in a transaction is all its up section holds: dbmate's
 * `-- migrate:up transaction:false`, goose's `-- +goose NO TRANSACTION`, diesel's
 * `run_in_transaction = false` in metadata.toml, Django's `atomic = False`,
 * node-pg-migrate's `pgm.noTransaction()`, knex's `config = { transaction: false }`.
 * Alone in the section, the statement is then sent on its own, outside any transaction,
 * and its fix applies where it stands.
 */
import path from 'node:path';
import type { Migration, Statement, TextEdit } from '../../ir/types.js';
import { FORMATS } from '../../formats/index.js';
import type { WrittenFile } from './migration-layout.js';

/** What turns the transaction off: an edit to a file of the migration, or a file written. */
export type TransactionSwitch =
  | { edit: TextEdit; what: string; /** Only the statement leaves the transaction, not the whole migration. */ statementOnly?: boolean }
  | { write: WrittenFile; created: boolean; what: string };

export interface SwitchInput {
  /** The text of a file of the migration, as linted. */
  text(file: string): string | undefined;
  /** The bytes of another file (diesel's metadata.toml); undefined when it does not exist. */
  readOther(file: string): Buffer | undefined;
}

const DBMATE_UP = /^--\s*migrate:up\s*$/i;
const GOOSE_UP = /^--\s*\+goose\s+up\b/i;

/** The text of the line `line` (1-based) of `text`, without its line break. */
function lineOf(text: string, line: number): string | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

/** The switch for this migration's up section, or why there is none. */
export function transactionSwitch(m: Migration, stmt: Statement, input: SwitchInput): TransactionSwitch | string {
  const up = m.up;
  const file = up.file;
  if (!file) return 'its file is not known';
  if (m.format === 'dbmate' || m.format === 'goose') {
    const text = input.text(file);
    const start = up.range?.start;
    const marker = start && text !== undefined ? lineOf(text, start.line) : undefined;
    if (!start || marker === undefined) return 'its up marker was not found';
    if (m.format === 'dbmate') {
      // Only a bare marker: options already there (transaction:true) are the author's.
      if (!DBMATE_UP.test(marker)) return 'its -- migrate:up line already has options';
      const at = { line: start.line, column: marker.trimEnd().length + 1 };
      return { edit: { file, range: { start: at, end: at }, text: ' transaction:false' }, what: '-- migrate:up transaction:false' };
    }
    if (!GOOSE_UP.test(marker.trimStart())) return 'its -- +goose Up marker was not found';
    // goose reads the annotation anywhere in the file; it turns the transaction off for the down too.
    const at = { line: start.line, column: 1 };
    return { edit: { file, range: { start: at, end: at }, text: '-- +goose NO TRANSACTION\n' }, what: '-- +goose NO TRANSACTION' };
  }
  if (m.format === 'diesel') {
    const toml = path.join(path.dirname(file), 'metadata.toml');
    const old = input.readOther(toml);
    if (!old) return { write: { file: toml, bytes: Buffer.from('run_in_transaction = false\n') }, created: true, what: 'run_in_transaction = false in metadata.toml' };
    const text = old.toString('utf8');
    if (/^\s*run_in_transaction\s*=/m.test(text)) return 'its metadata.toml already says run_in_transaction';
    // Top-level keys go before any [table] header.
    if (/^\s*\[/m.test(text)) return 'its metadata.toml has tables: add run_in_transaction = false at its top';
    const sep = text.length && !text.endsWith('\n') ? '\n' : '';
    return { write: { file: toml, bytes: Buffer.concat([old, Buffer.from(`${sep}run_in_transaction = false\n`)]) }, created: false, what: 'run_in_transaction = false in metadata.toml' };
  }
  if (m.format === 'django' || m.format === 'node-pg-migrate' || m.format === 'knex') {
    const text = input.text(file);
    if (text === undefined) return 'its file was not read';
    if (!onlyCall(m)) return 'it does more than that statement (other calls or operations), which would lose its transaction too';
    return codeSwitch(m.format, text, file, stmt);
  }
  return `migratelint does not switch a ${FORMATS[m.format].label} migration's transaction off`;
}

/**
 * Whether the up's one statement is all the migration's code does there: the frontend
 * counts every call (Django: every operation) it analysed, up and down alike, and lists
 * those it could not. A Django RunPython, or a knex query next to the raw SQL, would run
 * without a transaction too.
 */
function onlyCall(m: Migration): boolean {
  const coverage = m.coverage;
  if (!coverage || coverage.unanalysed.length) return false;
  // A Django operation carries its own reverse; a JS down's calls each give a statement at least.
  return m.format === 'django' ? coverage.analysed === 1 : coverage.analysed <= 1 + m.down.statements.length;
}

const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

/** The switch written into a code migration: Django's `atomic = False`, `pgm.noTransaction()`, knex's `config`. */
function codeSwitch(format: 'django' | 'node-pg-migrate' | 'knex', text: string, file: string, stmt: Statement): TransactionSwitch | string {
  const eol = eolOf(text);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const at = (line: number, column: number) => ({ line, column });
  const insert = (line: number, column: number, t: string, what: string): TransactionSwitch => ({ edit: { file, range: { start: at(line, column), end: at(line, column) }, text: t }, what });
  if (format === 'django') {
    const classes = lines.flatMap((l, i) => (/^class\s+\w+\s*\(\s*(?:migrations\.)?Migration\s*\)\s*:\s*(#.*)?$/.test(l) ? [i] : []));
    if (classes.length !== 1) return 'its Migration class was not found';
    if (lines.some((l) => /^\s+atomic\s*=/.test(l))) return 'it sets atomic itself';
    const body = lines.slice(classes[0] + 1).find((l) => l.trim() && !l.trim().startsWith('#'));
    const indent = body?.match(/^[ \t]+/)?.[0] ?? '    ';
    return insert(classes[0] + 1, lines[classes[0]].length + 1, `${eol}${indent}atomic = False`, 'atomic = False');
  }
  if (format === 'node-pg-migrate') {
    // Called before the statement, in the same function: node-pg-migrate reads the flag once up() has returned.
    const line = lines[stmt.range.start.line - 1] ?? '';
    const call = /^([ \t]*)(?:await\s+)?([A-Za-z_$][\w$]*)\.sql\(/.exec(line);
    if (!call) return 'its pgm.sql() call does not start its line';
    if (/\.noTransaction\(/.test(text)) return 'it calls noTransaction() already';
    return insert(stmt.range.start.line, 1, `${call[1]}${call[2]}.noTransaction();${eol}`, `${call[2]}.noTransaction()`);
  }
  // knex reads `config` from the migration module.
  if (/\bconfig\b\s*=/.test(text) || /export\s+(const|let|var)\s+config\b/.test(text)) return 'it has a config of its own';
  const commonJs = /\b(module\.)?exports\.up\s*=/.test(text) || /module\.exports\s*=/.test(text);
  const esm = /export\s+(async\s+)?(function\s+up\b|const\s+up\b)/.test(text);
  if (commonJs === esm) return 'its module style was not recognised';
  const last = lines.length;
  const end = lines[last - 1];
  const line = commonJs ? 'exports.config = { transaction: false };' : 'export const config = { transaction: false };';
  return insert(last, end.length + 1, `${end.length ? eol : ''}${line}${eol}`, line);
}
