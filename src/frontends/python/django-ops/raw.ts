/**
 * Operations whose SQL the author wrote, not Django: RunSQL and RunPython, with their
 * reverses (lowered into the down section, or the migration marked irreversible), and
 * SeparateDatabaseAndState, whose database and state halves part ways.
 */
import type { SyntaxNode } from '@lezer/common';
import type { SectionBuilder } from '../lower.js';
import { operationNodes } from '../django-state.js';
import { percentFormat } from '../strings.js';
import { unparen } from '../syntax.js';
import { constOf, dotted, itemsOf, strOf } from '../values.js';
import { rootCtx } from '../walker.js';
import type { OpContext, Operation, OperationHandler } from './context.js';
import { RunPythonWalker } from './run-python.js';

export const rawOperations: Record<string, OperationHandler> = {
  RunSQL: runSql,
  RunPython: runPython,
  SeparateDatabaseAndState: separateDatabaseAndState,
};

function runSql(ctx: OpContext, { call, arg }: Operation): void {
  const stateOps = operationNodes(ctx.scope, call.kwargs.get('state_operations'));
  if (stateOps) ctx.nested(ctx.state, undefined).run(stateOps);
  const emit = ctx.emit;
  if (!emit) return;
  emit.up.analysed();
  const sql = arg(0, 'sql');
  if (sql) lowerRunSqlArgument(ctx, sql, emit.up, call.node);
  const reverse = arg(1, 'reverse_sql');
  if (isNone(ctx, reverse)) {
    emit.irreversible.push({ node: call.node, reason: 'RunSQL has no reverse_sql' });
  } else if (!isNoop(ctx, reverse)) {
    emit.reverse.push(() => lowerRunSqlArgument(ctx, reverse!, emit.down, call.node));
  }
}

function runPython(ctx: OpContext, { call, arg }: Operation): void {
  const emit = ctx.emit;
  if (!emit) return;
  emit.up.analysed();
  lowerRunPythonCode(ctx, arg(0, 'code'), emit.up);
  const reverse = arg(1, 'reverse_code');
  if (isNone(ctx, reverse)) {
    const code = arg(0, 'code');
    emit.irreversible.push({ node: call.node, reason: `RunPython(${code ? ctx.scope.file.src(code).slice(0, 40) : ''}) has no reverse_code` });
  } else if (!isNoop(ctx, reverse)) {
    emit.reverse.push(() => lowerRunPythonCode(ctx, reverse, emit.down));
  }
}

function separateDatabaseAndState(ctx: OpContext, { arg }: Operation): void {
  const database = operationNodes(ctx.scope, arg(0, 'database_operations')) ?? [];
  const stateOps = operationNodes(ctx.scope, arg(1, 'state_operations')) ?? [];
  // Database operations run against a copy of the state; the real state follows state_operations.
  ctx.nested(new Map(ctx.state), ctx.emit).run(database);
  ctx.nested(ctx.state, undefined).run(stateOps);
  ctx.analysed();
}

/** `RunSQL.noop` / `RunPython.noop`: a reverse that does nothing, so not irreversible. */
function isNoop(ctx: OpContext, node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  const path = dotted(ctx.scope.file, node);
  return !!path && /(^|\.)(RunSQL|RunPython)\.noop$|^noop$/.test(path);
}

function isNone(ctx: OpContext, node: SyntaxNode | undefined): boolean {
  return !node || constOf(ctx.scope, node) === null;
}

/** RunSQL's `sql` / `reverse_sql`: a string, a list of strings, or a list of (sql, params). */
function lowerRunSqlArgument(ctx: OpContext, node: SyntaxNode, out: SectionBuilder, at: SyntaxNode): void {
  const scope = ctx.scope;
  if (isNoop(ctx, node)) return;
  const str = strOf(scope, node);
  if (str) {
    out.raw(str, at);
    return;
  }
  const items = itemsOf(scope, node);
  if (!items) {
    out.unanalysed(node, 'RunSQL: SQL is not a string or a list of strings');
    return;
  }
  for (const item of items) {
    const s = strOf(scope, item);
    if (s) {
      out.raw(s, at);
      continue;
    }
    const pair = itemsOf(scope, item);
    const sql = pair ? strOf(scope, pair[0]) : undefined;
    // (sql, params): the driver interpolates %s only when there are params.
    if (sql) out.raw(pair!.length > 1 && constOf(scope, pair![1]) !== null ? percentFormat(sql) : sql, at);
    else out.unanalysed(item, 'RunSQL: statement is not a string');
  }
}

/** The raw SQL and ORM updates / deletes inside a RunPython function of this file. */
function lowerRunPythonCode(ctx: OpContext, node: SyntaxNode | undefined, out: SectionBuilder): void {
  if (!node) return;
  const n = unparen(node);
  const root = ctx.info.scope;
  const def = n.name === 'VariableName' ? root.functions.get(ctx.scope.file.src(n)) : undefined;
  if (!def) return;
  new RunPythonWalker(ctx.scope.file, out, ctx).callFunction(def, undefined, root, rootCtx());
}
