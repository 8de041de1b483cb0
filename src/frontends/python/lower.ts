/**
 * Turning what a Python migration does into statements: SQL printed for builder
 * calls (positioned at the call) and raw SQL strings (positioned inside the string).
 */
import type { SyntaxNode } from '@lezer/common';
import type { Comment, Direction, Migration, MigrationFormat, Range, Section, SqlChunk, Statement } from '../../ir/types.js';
import type { MigrationUnit } from '../../ir/unit.js';
import { parseChunk } from '../../pg/parse.js';
import { rawStringChunk } from '../raw-string.js';
import { emptyMigration as emptyShell } from '../migration-shell.js';
import type { PyFile } from './syntax.js';
import type { PyStr } from './strings.js';

/** A quoted identifier, as the frameworks print them for PostgreSQL. */
export function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A possibly schema-qualified name (`schema.name` strings are split). */
export function qname(name: string, schema?: string): string {
  if (schema) return `${q(schema)}.${q(name)}`;
  return q(name);
}

export function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL literal for a Python constant (numbers, strings, booleans, None). */
export function sqlValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return lit(value);
  return lit(JSON.stringify(value));
}

export interface Coverage {
  analysed: number;
  unanalysed: { file: string; range: Range; reason: string }[];
}

/** Collects the statements of one section (upgrade / downgrade). */
export class SectionBuilder {
  readonly statements: Statement[] = [];
  /** Statements that run outside the migration's transaction (autocommit blocks). */
  readonly outside = new Set<Statement>();

  constructor(
    private readonly file: PyFile,
    private readonly coverage: Coverage,
    private readonly comments: Comment[],
    /** Which half this section is, for calls it cannot lower, when their place cannot tell (Django). */
    private readonly part?: Direction,
  ) {}

  /**
   * SQL printed for a builder call: every position is the call's start. `derived`: SQL the
   * framework computes by itself (see `SqlChunk.derived`), which rules do not judge.
   */
  builder(sql: string | string[], at: SyntaxNode, opts: { outside?: boolean; derived?: boolean; frameworkCascade?: boolean } = {}): void {
    const text = Array.isArray(sql) ? sql.filter(Boolean).join(';\n') : sql;
    if (!text) return;
    const pos = this.file.position(at.from);
    const chunk: SqlChunk = {
      sql: text,
      file: this.file.file,
      origin: 'builder',
      position: () => pos,
      ...(opts.derived ? { derived: 'framework' as const } : {}),
      ...(opts.frameworkCascade ? { frameworkCascade: true as const } : {}),
    };
    this.push(parseChunk(chunk), opts.outside, undefined);
  }

  /** Raw SQL from a Python string: positions map inside the string. */
  raw(str: PyStr, at: SyntaxNode, opts: { outside?: boolean } = {}): void {
    if (str.text.trim() === '') return;
    const { chunk, directives } = rawStringChunk(str, this.file.file, this.file.lines);
    this.comments.push(...directives);
    this.push(parseChunk(chunk), opts.outside, str.dynamic ? at : undefined);
  }

  unanalysed(node: SyntaxNode, reason: string): void {
    this.unanalysedSpan(node.from, node.to, reason);
  }

  /** Code between two offsets that is not analysed (a branch for another database). */
  unanalysedSpan(from: number, to: number, reason: string): void {
    this.coverage.unanalysed.push({ file: this.file.file, range: this.file.range(from, to), reason, ...(this.part ? { part: this.part } : {}) });
  }

  analysed(): void {
    this.coverage.analysed++;
  }

  private push(statements: Statement[], outside: boolean | undefined, dynamicAt: SyntaxNode | undefined): void {
    for (const s of statements) {
      // SQL assembled at run time that does not parse with placeholders is our
      // uncertainty, not the author's mistake: note it instead of reporting it.
      if (s.kind === 'Invalid' && dynamicAt) {
        this.unanalysed(dynamicAt, `SQL built at run time could not be analysed: ${s.error?.message ?? 'syntax error'}`);
        continue;
      }
      this.statements.push(s);
      if (outside) this.outside.add(s);
    }
  }

  /** Whether the section runs in a transaction: all, none, or mixed (unknown). */
  transaction(inTransaction: boolean): boolean | undefined {
    if (!inTransaction) return false;
    if (this.outside.size === 0) return true;
    if (this.outside.size === this.statements.length) return false;
    return undefined;
  }
}

/** A Migration with nothing in it yet. */
export function emptyMigration(unit: MigrationUnit, format: MigrationFormat, file: PyFile | undefined, text: string): Migration {
  return emptyShell(unit, format, text, file ? file.directiveComments() : []);
}

export function section(state: Section['state'], builder: SectionBuilder | undefined, file: string, range: Range | undefined, extra: Partial<Section> = {}): Section {
  return { state, statements: builder?.statements ?? [], file, range, ...extra };
}
