import type { Section, Statement } from '../ir/types.js';
import type { ExecMigration } from './migrations.js';
import { sha256 } from './migrations.js';

export type Direction = 'up' | 'down';

/**
 * One unit of execution. A `tx` step runs its statements in one transaction together
 * with the history update, so it is all-or-nothing. A `bare` step is one statement
 * PostgreSQL refuses to run inside a transaction block.
 */
export interface Step {
  kind: 'tx' | 'bare';
  /** Indexes into `SectionPlan.statements`. */
  from: number;
  to: number;
  /** For a bare step: why it runs outside a transaction. */
  reason?: string;
}

export interface SectionPlan {
  migration: ExecMigration;
  direction: Direction;
  section: Section;
  /** The statements that will run, in order (a file's own BEGIN/COMMIT left out). */
  statements: Statement[];
  steps: Step[];
  /** Things worth saying in the plan (a dropped BEGIN/COMMIT). */
  notes: string[];
  /** Reasons the section cannot run at all. */
  problems: string[];
}

/**
 * Why a statement cannot run inside a transaction block, or undefined when it can.
 * Decided from the AST: CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM,
 * DETACH PARTITION CONCURRENTLY, CREATE/DROP DATABASE and TABLESPACE, ALTER SYSTEM,
 * CLUSTER without a table, REINDEX SCHEMA/DATABASE/SYSTEM, and ALTER TYPE … ADD VALUE
 * before PostgreSQL 12.
 */
export function nonTransactionalReason(stmt: Statement, serverVersionNum: number): string | undefined {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'IndexStmt':
      return n?.concurrent ? 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block' : undefined;
    case 'DropStmt':
      return n?.concurrent ? 'DROP INDEX CONCURRENTLY cannot run inside a transaction block' : undefined;
    case 'ReindexStmt': {
      const concurrent = (n?.params ?? []).some((p: { DefElem?: { defname?: string } }) => p?.DefElem?.defname === 'concurrently');
      if (concurrent) return 'REINDEX CONCURRENTLY cannot run inside a transaction block';
      if (['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SYSTEM'].includes(n?.kind)) {
        return 'REINDEX SCHEMA/DATABASE/SYSTEM cannot run inside a transaction block';
      }
      return undefined;
    }
    case 'VacuumStmt':
      return n?.is_vacuumcmd ? 'VACUUM cannot run inside a transaction block' : undefined;
    case 'AlterTableStmt':
      return (n?.cmds ?? []).some((c: { AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }) =>
        c?.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY cannot run inside a transaction block'
        : undefined;
    case 'AlterEnumStmt':
      return n?.newVal !== undefined && serverVersionNum > 0 && serverVersionNum < 120000
        ? 'ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12'
        : undefined;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'AlterSystemStmt':
      return `${stmt.kind.replace(/Stmt$/, '')} cannot run inside a transaction block`;
    case 'ClusterStmt':
      return n?.relation ? undefined : 'CLUSTER without a table cannot run inside a transaction block';
    default:
      return undefined;
  }
}

function transactionKind(stmt: Statement): string | undefined {
  return stmt.kind === 'TransactionStmt' ? String(stmt.node?.kind ?? '') : undefined;
}

const OPENS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSES = new Set(['TRANS_STMT_COMMIT']);

/**
 * Splits a section into steps; consecutive transactional statements share one transaction.
 *
 * A file that brackets all of itself in BEGIN ... COMMIT runs in migratelint's one
 * transaction instead. A file that opens and commits its own transactions part way
 * (`BEGIN; ...; COMMIT; CREATE INDEX CONCURRENTLY ...`) runs as it says, when its tool
 * does not wrap it (plain SQL, golang-migrate): each block is one step, each statement
 * outside a block its own, as psql runs the file, which is also how lint reads it. Where
 * the tool wraps the migration in its own transaction, such a file is refused, as lint
 * reports it (no-transaction-control-in-wrapped-migration).
 */
export function planSection(migration: ExecMigration, direction: Direction, serverVersionNum: number): SectionPlan {
  const section = migration.migration[direction];
  const plan: SectionPlan = { migration, direction, section, statements: [], steps: [], notes: [], problems: [] };
  if (section.state !== 'present') return plan;

  let statements = section.statements;
  const first = statements[0] && transactionKind(statements[0]);
  const last = statements.length > 1 ? transactionKind(statements[statements.length - 1]) : undefined;
  if (first && OPENS.has(first) && last && CLOSES.has(last) && !statements.slice(1, -1).some((s) => transactionKind(s))) {
    statements = statements.slice(1, -1);
    plan.notes.push("the file's own BEGIN/COMMIT is replaced by migratelint's transaction");
  }
  if (statements.some((s) => transactionKind(s))) {
    if (section.transaction !== true && ownBlocks(plan, statements, serverVersionNum)) return plan;
    for (const s of statements) {
      const kind = transactionKind(s);
      if (!kind) continue;
      plan.problems.push(
        `${s.chunk.file}:${s.range.start.line}:${s.range.start.column}: ${s.text.split(/\s+/)[0].toUpperCase()} inside a migration: ` +
          (section.transaction === true
            ? `${migration.migration.format} runs each migration in one transaction, so the file must not commit or roll back part of it`
            : 'only BEGIN/START TRANSACTION ... COMMIT/END blocks can be run as the file says'),
      );
    }
  }
  plan.statements = statements;
  // Formats that say "no transaction" (dbmate transaction:false, goose NO TRANSACTION) get
  // one statement per step: each runs on its own, as the author asked.
  const oneEach = section.transaction === false;
  statements.forEach((s, i) => {
    const reason = nonTransactionalReason(s, serverVersionNum);
    const prev = plan.steps[plan.steps.length - 1];
    if (reason) plan.steps.push({ kind: 'bare', from: i, to: i + 1, reason });
    else if (prev && prev.kind === 'tx' && !oneEach) prev.to = i + 1;
    else plan.steps.push({ kind: 'tx', from: i, to: i + 1 });
  });
  return plan;
}

/**
 * Plans a file that opens and commits its own transactions: each BEGIN ... COMMIT block
 * is one step, every statement outside one its own. False (nothing planned) when the
 * blocks do not pair up or hold something else than BEGIN/COMMIT (ROLLBACK, a nested
 * BEGIN, a statement that cannot run in a transaction inside a block).
 */
function ownBlocks(plan: SectionPlan, all: readonly Statement[], serverVersionNum: number): boolean {
  const statements: Statement[] = [];
  const steps: Step[] = [];
  let open: Step | undefined;
  for (const s of all) {
    const kind = transactionKind(s);
    if (kind && OPENS.has(kind)) {
      if (open) return false;
      open = { kind: 'tx', from: statements.length, to: statements.length };
      continue;
    }
    if (kind && CLOSES.has(kind)) {
      if (!open) return false;
      if (open.to > open.from) steps.push(open);
      open = undefined;
      continue;
    }
    if (kind) return false;
    const reason = nonTransactionalReason(s, serverVersionNum);
    statements.push(s);
    if (open) {
      if (reason) return false;
      open.to = statements.length;
    } else {
      steps.push(reason ? { kind: 'bare', from: statements.length - 1, to: statements.length, reason } : { kind: 'tx', from: statements.length - 1, to: statements.length });
    }
  }
  if (open) return false;
  plan.statements = statements;
  plan.steps = steps;
  plan.notes.push("the file's own BEGIN ... COMMIT blocks each run as one transaction; statements outside them run one by one");
  return true;
}

/** A checksum of the first `count` statements, to check a partly applied migration's done part is unchanged. */
export function prefixChecksum(plan: SectionPlan, count: number): string {
  return sha256(plan.statements.slice(0, count).map((s) => s.text).join('\0'));
}

/** The tables a section reads or writes, from the AST (`schema.table` or `table`). */
export function touchedTables(section: Section): string[] {
  const out = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (typeof obj.relname === 'string') out.add(obj.schemaname ? `${obj.schemaname}.${obj.relname}` : obj.relname);
    if (obj.removeType === 'OBJECT_TABLE' && Array.isArray(obj.objects)) {
      for (const o of obj.objects as { List?: { items?: { String?: { sval?: string } }[] } }[]) {
        const parts = (o.List?.items ?? []).map((i) => i.String?.sval).filter(Boolean);
        if (parts.length) out.add(parts.join('.'));
      }
    }
    for (const child of Object.values(obj)) visit(child);
  };
  for (const s of section.statements) visit(s.node);
  return [...out];
}

/** The SQL a plan will run, for --dry-run. */
export function renderPlan(plan: SectionPlan): string {
  const lines: string[] = [];
  for (const note of plan.notes) lines.push(`-- note: ${note}`);
  if (plan.steps.length === 0) lines.push('-- (no statements)');
  for (const step of plan.steps) {
    const body = plan.statements.slice(step.from, step.to).map((s) => `${s.text.trimEnd()};`);
    if (step.kind === 'bare') {
      lines.push(`-- outside a transaction: ${step.reason}`, ...body);
    } else {
      lines.push('BEGIN;', ...body, 'COMMIT;');
    }
  }
  return lines.join('\n');
}
