/**
 * From an operation's class name to the module that lowers it. Each family of
 * operations keeps its own table; this one joins them, so a new operation is one entry
 * in its family's table.
 */
import type { SyntaxNode } from '@lezer/common';
import type { DjMigrationInfo, DjState } from '../django-state.js';
import { asCall, lastName, resolve } from '../values.js';
import { OpContext, type Emit, type Operation, type OperationHandler } from './context.js';
import { extensionOperations } from './extensions.js';
import { fieldOperations, fieldReverses } from './fields.js';
import { indexAndConstraintOperations, indexAndConstraintReverses } from './indexes-constraints.js';
import { modelOperations, modelReverses } from './models.js';
import { rawOperations } from './raw.js';
import { Reversal, type ReverseHandler } from './reverse.js';

/** Operations that change only Django's state: no SQL, nothing to analyse. */
const stateOnly: OperationHandler = (ctx) => ctx.analysed();

const STATE_ONLY_OPERATIONS: Record<string, OperationHandler> = {
  AlterModelOptions: stateOnly,
  AlterModelManagers: stateOnly,
  AlterModelTableComment: stateOnly,
  CreateCollation: stateOnly,
  RemoveCollation: stateOnly,
};

/** A Map, not an object: an operation named `constructor` must not find Object.prototype's. */
const HANDLERS = new Map<string, OperationHandler>();
for (const family of [modelOperations, fieldOperations, indexAndConstraintOperations, extensionOperations, rawOperations, STATE_ONLY_OPERATIONS]) {
  for (const [kind, handler] of Object.entries(family)) {
    if (HANDLERS.has(kind)) throw new Error(`Django operation ${kind} has two handlers`);
    HANDLERS.set(kind, handler);
  }
}

/**
 * How each schema operation is undone (see reverse.ts). RunSQL, RunPython and the extension
 * operations lower their reverses themselves; state-only operations have none.
 */
const REVERSES = new Map<string, ReverseHandler>();
for (const family of [modelReverses, fieldReverses, indexAndConstraintReverses]) {
  for (const [kind, handler] of Object.entries(family)) {
    if (!HANDLERS.has(kind) || REVERSES.has(kind)) throw new Error(`Django operation ${kind}: reverse without one handler`);
    REVERSES.set(kind, handler);
  }
}

function lowerOperation(ctx: OpContext, node: SyntaxNode): void {
  const call = asCall(ctx.scope.file, resolve(ctx.scope, node));
  if (!call) {
    ctx.unanalysed(node, 'operation is not a call');
    return;
  }
  const kind = lastName(call.callee);
  const handler = HANDLERS.get(kind);
  if (!handler) {
    ctx.unanalysed(call.node, `${kind || 'operation'} is not a Django operation migratelint knows; not analysed`);
    return;
  }
  const op: Operation = { kind, call, arg: (index, keyword) => call.kwargs.get(keyword) ?? call.args[index] };
  const emit = ctx.emit;
  const reverse = emit ? REVERSES.get(kind) : undefined;
  if (!emit || !reverse) {
    handler(ctx, op);
    return;
  }
  const before = ctx.settle();
  const failures = ctx.notLowered;
  handler(ctx, op);
  const after = ctx.settle();
  // An operation whose up could not be lowered is listed once, there; its reverse is not tried.
  if (ctx.notLowered > failures) return;
  emit.reverse.push(() => reverse(new Reversal(ctx.scope, ctx.app, before, after, emit.down, call.node), op));
}

/**
 * Lowers a migration's operations in order, changing `state` as Django would; SQL goes
 * to `emit`, or nowhere when only the state is wanted (replaying a dependency).
 */
export function runOperations(info: DjMigrationInfo, state: DjState, emit: Emit | undefined, ops: SyntaxNode[]): void {
  new OpContext(info, state, emit, lowerOperation).run(ops);
}
