/**
 * Walks Python function bodies in order, looking for calls that touch the database.
 * Branches are all followed (both arms of an `if`), loops over literal lists are
 * unrolled with the loop variable bound, and helper functions of the same file are
 * followed into.
 */
import type { SyntaxNode } from '@lezer/common';
import { bodyStatements, children, unparen, type PyFile } from './syntax.js';
import { asCall, itemsOf, resolve, type Call, Scope } from './values.js';

export interface WalkCtx {
  /** Inside `autocommit_block()`: outside the migration's transaction. */
  outside: boolean;
  depth: number;
  /** Names bound by `with ... as name` to things the walker tracks (batch tables, cursors). */
  names: Map<string, unknown>;
}

export const rootCtx = (): WalkCtx => ({ outside: false, depth: 0, names: new Map() });

export abstract class BodyWalker {
  constructor(protected readonly file: PyFile) {}

  /** Handles one call; true when recognised (its arguments are not searched further). */
  protected abstract call(call: Call, scope: Scope, ctx: WalkCtx): boolean;

  /** A `with <call> as alias:` item; returns the context for the body. */
  protected withItem(call: Call, alias: SyntaxNode | undefined, scope: Scope, ctx: WalkCtx): WalkCtx | undefined {
    void call;
    void alias;
    void scope;
    void ctx;
    return undefined;
  }

  body(statements: SyntaxNode[], scope: Scope, ctx: WalkCtx): void {
    for (const s of statements) this.statement(s, scope, ctx);
  }

  /** Lowers the body of a function of this file, binding its parameters to the arguments given. */
  callFunction(def: SyntaxNode, call: Call | undefined, scope: Scope, ctx: WalkCtx): void {
    if (ctx.depth >= 4) return;
    let inner = Scope.function(def, scope.root());
    const params = def.getChild('ParamList');
    if (call && params) {
      children(params)
        // Parameter names: not the names used as default values (`b=c`) nor `*args` / `**kwargs`.
        .filter((p) => p.name === 'VariableName' && p.prevSibling?.name !== 'AssignOp' && p.prevSibling?.name !== '*' && p.prevSibling?.name !== '**')
        .forEach((p, i) => {
          const value = call.args[i] ?? call.kwargs.get(this.file.src(p));
          // Arguments are resolved where they are written (a loop variable of the caller, say).
          const resolved = value ? resolve(scope, value) : undefined;
          if (resolved) inner = inner.with(this.file.src(p), resolved);
        });
    }
    this.body(bodyStatements(def.getChild('Body')), inner, { ...ctx, depth: ctx.depth + 1 });
  }

  protected statement(s: SyntaxNode, scope: Scope, ctx: WalkCtx): void {
    switch (s.name) {
      case 'ExpressionStatement':
      case 'ReturnStatement':
        for (const c of children(s)) this.expression(c, scope, ctx);
        return;
      case 'AssignStatement':
      case 'UpdateStatement': {
        const value = s.lastChild;
        if (value) this.expression(value, scope, ctx);
        return;
      }
      case 'WithStatement':
        this.withStatement(s, scope, ctx);
        return;
      case 'ForStatement':
        this.forStatement(s, scope, ctx);
        return;
      case 'IfStatement':
      case 'WhileStatement':
      case 'TryStatement':
        for (const body of s.getChildren('Body')) this.body(bodyStatements(body), scope, ctx);
        return;
      default:
        return;
    }
  }

  private withStatement(s: SyntaxNode, scope: Scope, ctx: WalkCtx): void {
    const parts = children(s);
    let next = ctx;
    for (let k = 0; k < parts.length; k++) {
      const call = asCall(this.file, parts[k]);
      if (!call) continue;
      const alias = parts[k + 1]?.name === 'as' ? parts[k + 2] : undefined;
      const handled = this.withItem(call, alias, scope, next);
      if (handled) next = handled;
      else this.expression(parts[k], scope, ctx);
    }
    this.body(bodyStatements(s.getChild('Body')), scope, next);
  }

  private forStatement(s: SyntaxNode, scope: Scope, ctx: WalkCtx): void {
    const parts = children(s);
    const inAt = parts.findIndex((p) => p.name === 'in');
    const target = parts[inAt - 1];
    const iterable = parts[inAt + 1];
    const body = bodyStatements(s.getChild('Body'));
    const items = iterable ? itemsOf(scope, iterable) : undefined;
    if (target?.name === 'VariableName' && items && items.length <= 50) {
      const name = this.file.src(target);
      for (const item of items) this.body(body, scope.with(name, item), ctx);
      return;
    }
    if (iterable) this.expression(iterable, scope, ctx);
    this.body(body, scope, ctx);
  }

  /** Finds the calls in an expression, outermost first. */
  protected expression(node: SyntaxNode, scope: Scope, ctx: WalkCtx): void {
    const n = unparen(node);
    if (n.name === 'CallExpression') {
      const call = asCall(this.file, n)!;
      if (this.call(call, scope, ctx)) return;
      // A helper function defined in the same file: lowered in place.
      const def = !call.callee.includes('.') ? scope.root().functions.get(call.callee) : undefined;
      if (def) {
        this.callFunction(def, call, scope, ctx);
        return;
      }
    }
    if (n.name === 'LambdaExpression' || n.name === 'String' || n.name === 'FormatString' || n.name === 'ContinuedString') return;
    for (let c = n.firstChild; c; c = c.nextSibling) this.expression(c, scope, ctx);
  }
}
