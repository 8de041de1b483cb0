/**
 * What an ALTER TABLE does, subcommand by subcommand: the one loop every rule that
 * looks at ADD COLUMN, ALTER COLUMN TYPE, ADD CONSTRAINT, ... goes through, with the one
 * decision of which ALTER statements count.
 */
import type { NodeOf, Statement } from '../../src/ir/types.js';

type StatementLike = Pick<Statement, 'kind' | 'node'>;
export type AlterTableCmd = NodeOf<'AlterTableCmd'>;

/**
 * Which ALTER statements a rule looks at:
 * - `tables`: ALTER TABLE on a table, where rows are stored, rewritten and scanned;
 * - `tables-and-foreign` (default): also ALTER FOREIGN TABLE, which changes the local
 *   definition (constraints, column names) but stores no rows;
 * - `any`: every statement the parser reads as an ALTER TABLE, also ALTER INDEX, ALTER
 *   VIEW, ALTER SEQUENCE and ALTER TYPE ... ATTRIBUTE (what CASCADE can reach through).
 */
export type AlterTargets = 'tables' | 'tables-and-foreign' | 'any';

const TARGETS: Record<Exclude<AlterTargets, 'any'>, ReadonlySet<string | undefined>> = {
  tables: new Set([undefined, 'OBJECT_TABLE']),
  'tables-and-foreign': new Set([undefined, 'OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE']),
};

/** The subcommands (bare `AlterTableCmd` bodies) of an ALTER TABLE on the chosen targets; empty for other statements. */
export function tableAlterCommands(stmt: StatementLike, on: AlterTargets = 'tables-and-foreign'): AlterTableCmd[] {
  if (stmt.kind !== 'AlterTableStmt') return [];
  if (on !== 'any' && !TARGETS[on].has(stmt.node?.objtype)) return [];
  const out: AlterTableCmd[] = [];
  for (const c of stmt.node.cmds ?? []) if (c.AlterTableCmd) out.push(c.AlterTableCmd);
  return out;
}

export interface AddedConstraint {
  /** The bare `Constraint` body. */
  con: NodeOf<'Constraint'>;
  cmd: AlterTableCmd;
  /** The added column, when the constraint is written on an ADD COLUMN. */
  column?: NodeOf<'ColumnDef'>;
}

/** The constraints an ALTER TABLE adds: `ADD [CONSTRAINT ...]` and the constraints of `ADD COLUMN`. */
export function addedConstraints(stmt: StatementLike): AddedConstraint[] {
  const out: AddedConstraint[] = [];
  for (const cmd of tableAlterCommands(stmt)) {
    const def = cmd.def as { Constraint?: NodeOf<'Constraint'>; ColumnDef?: NodeOf<'ColumnDef'> } | undefined;
    if (cmd.subtype === 'AT_AddConstraint' && def?.Constraint) out.push({ con: def.Constraint, cmd });
    if (cmd.subtype === 'AT_AddColumn') {
      const column = def?.ColumnDef;
      for (const c of column?.constraints ?? []) {
        const con = (c as { Constraint?: NodeOf<'Constraint'> }).Constraint;
        if (con) out.push({ con, cmd, column });
      }
    }
  }
  return out;
}
