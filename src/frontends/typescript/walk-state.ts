/**
 * What a walk of one up or down function reads (the file), carries from scope to
 * scope (the frame) and fills in (the section's statements and coverage).
 */
import type * as t from '@babel/types';
import type { Comment, MigrationFormat, Range, Statement } from '../../ir/types.js';
import type { LineIndex } from '../../ir/source-text.js';
import type { Env } from './scope.js';
import type { SourceFile } from './values.js';

export interface FileContext extends SourceFile {
  readonly lines: LineIndex;
  format: MigrationFormat;
  /** node-pg-migrate `exports.shorthands`: column type shorthands. */
  pgmShorthands?: Map<string, { node: t.Node; env: Env }>;
}

export interface Frame {
  env: Env;
  /** Local helper functions being inlined, to stop recursion. */
  active: Set<t.Node>;
  /** How deep helper inlining goes. */
  depth: number;
  /**
   * Inside a branch whose condition migratelint does not read (an if, a case, a
   * ternary): a helper named for another database (`mysqlUpQueryRunner`) called here
   * runs only there.
   */
  inBranch?: boolean;
}

export interface SectionOut {
  statements: Statement[];
  /** Per statement: whether the code runs it inside an explicit transaction it opened (Sequelize). */
  inExplicitTx: boolean[];
  analysed: number;
  unanalysed: { file: string; range: Range; reason: string }[];
  /** node-pg-migrate operations called, for inferring the down. */
  pgmOps: { name: string; node: t.Node }[];
  noTransaction: boolean;
  /** TypeORM `queryRunner.commitTransaction()`: what follows runs outside the migration's transaction. */
  commitsTransaction: boolean;
  comments: Comment[];
}

export const newSectionOut = (): SectionOut => ({
  statements: [],
  inExplicitTx: [],
  analysed: 0,
  unanalysed: [],
  pgmOps: [],
  noTransaction: false,
  commitsTransaction: false,
  comments: [],
});
