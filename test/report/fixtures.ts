import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lint, lintText, type LintOptions, type LintResult } from '../../src/lint.js';
import type { ReportContext } from '../../src/report/context.js';
import { builtinRules } from '../../rules/index.js';

/**
 * The rules these tests exercise, at fixed severities; every other rule is off, so
 * the expected reports do not change when rules are added to the catalog.
 */
export const RULES: Record<string, 'error' | 'warn'> = {
  'require-concurrent-index': 'error',
  'no-delete-without-where': 'error',
  'no-update-without-where': 'error',
  'no-not-null-without-default': 'error',
  'no-truncate-cascade': 'error',
  'no-drop-cascade': 'error',
  'parse-error': 'error',
  'require-downgrade': 'error',
  'prefer-jsonb': 'warn',
  'unused-disable': 'warn',
};

function pinnedRules(only: Record<string, 'error' | 'warn'> = RULES): Record<string, 'error' | 'warn' | 'off'> {
  const rules: Record<string, 'error' | 'warn' | 'off'> = {};
  for (const r of builtinRules) rules[r.id] = only[r.id] ?? 'off';
  return rules;
}

export function lintOptions(cwd?: string): LintOptions {
  return { cwd, rules: pinnedRules() };
}

/** A `.migratelintrc.json` with the same pinned rules, for runs through the CLI. */
export function pinnedConfig(only?: Record<string, 'error' | 'warn'>): Record<string, string> {
  return { '.migratelintrc.json': JSON.stringify({ rules: pinnedRules(only) }, null, 2) + '\n' };
}

/** The project most tests report on: two migrations with findings (one with a non-ASCII name) and a clean one. */
export const PROJECT: Record<string, string> = {
  'migrations/20240101120000_add_users_index.sql': [
    '-- migratelint-disable-next-line no-truncate-cascade',
    'CREATE INDEX users_email_idx ON users (email);',
    'DELETE FROM users;',
    '',
  ].join('\n'),
  'migrations/20240102120000_ajout_café.sql': 'ALTER TABLE "café" ADD COLUMN "naïve" integer NOT NULL;\n',
  'migrations/20240103120000_create_teams.sql': 'CREATE TABLE teams (id bigint PRIMARY KEY);\n',
};

export const FILE_INDEX = 'migrations/20240101120000_add_users_index.sql';
export const FILE_CAFE = 'migrations/20240102120000_ajout_café.sql';
export const FILE_CLEAN = 'migrations/20240103120000_create_teams.sql';

/** What linting PROJECT finds; every exact-output test below depends on it. */
export const PROJECT_FINDINGS = [
  {
    ruleId: 'unused-disable',
    severity: 'warn',
    file: FILE_INDEX,
    direction: 'up',
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 53 } },
    message: 'migratelint-disable-next-line for "no-truncate-cascade" suppresses nothing here; remove it',
  },
  {
    ruleId: 'require-concurrent-index',
    severity: 'error',
    file: FILE_INDEX,
    direction: 'up',
    range: { start: { line: 2, column: 1 }, end: { line: 2, column: 46 } },
    message: 'CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
    fix: {
      description: 'add CONCURRENTLY (it must run outside a transaction)',
      edits: [{ file: FILE_INDEX, range: { start: { line: 2, column: 13 }, end: { line: 2, column: 13 } }, text: ' CONCURRENTLY' }],
    },
    // For weighing with table statistics (lint --stats); reporters do not print it.
    lock: { table: 'users', mode: 'SHARE', work: 'index-build' },
  },
  {
    ruleId: 'no-delete-without-where',
    severity: 'error',
    file: FILE_INDEX,
    direction: 'up',
    range: { start: { line: 3, column: 1 }, end: { line: 3, column: 18 } },
    message: 'DELETE FROM users has no WHERE clause: it removes every row',
  },
  {
    ruleId: 'no-not-null-without-default',
    severity: 'error',
    file: FILE_CAFE,
    direction: 'up',
    range: { start: { line: 1, column: 31 }, end: { line: 1, column: 38 } },
    message: 'column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows',
    harmlessWhenEmpty: { table: 'café' },
  },
];

/**
 * SQL whose messages carry every character some format must escape: markdown and
 * XML markup, the GitHub separators `%`, `:` and `,`, a line break inside a quoted
 * identifier, a character outside the BMP, PostgreSQL's own quoted parse error, and
 * terminal control characters (BEL, ESC) in an identifier.
 */
export const AWKWARD_SQL = [
  'DELETE FROM "a|b<c>&*_x%25:y,z";',
  'UPDATE "multi',
  'line" SET a = 1;',
  'TRUNCATE "😀" CASCADE;',
  'CREATE TABEL "t" (a int);',
  'DROP TABLE "bell\u0007\u001b[31mred" CASCADE;',
  '',
].join('\n');
export const AWKWARD_FILE = 'migrations/20240104_odd, name: 100%.sql';

/** Writes files into a fresh temporary folder and returns its path. */
export function writeProject(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-report-')));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

export async function lintProject(files: Record<string, string> = PROJECT): Promise<{ cwd: string; result: LintResult }> {
  const cwd = writeProject(files);
  return { cwd, result: await lint(['migrations'], lintOptions(cwd)) };
}

export async function lintAwkward(): Promise<LintResult> {
  return lintText(AWKWARD_SQL, AWKWARD_FILE, lintOptions());
}

/** A golang-migrate pair whose down half is missing: a zero-width finding at 1:1. */
export const PAIR_WITHOUT_DOWN: Record<string, string> = {
  'migrations/20240105120000_add_orders.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n',
};

/** `n` DELETEs without WHERE in one file: n error findings. */
export function manyDeletes(n: number): Record<string, string> {
  return { 'migrations/20240106120000_purge.sql': Array.from({ length: n }, (_, i) => `DELETE FROM t${i + 1};`).join('\n') + '\n' };
}

export function context(cwd: string): ReportContext {
  return { cwd, toolVersion: '1.2.3', color: false };
}

export function removeProject(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
