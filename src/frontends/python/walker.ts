/**
 * Walks Python function bodies in order, looking for calls that touch the database.
 * Branches are all followed (both arms of an `if`) unless the `if` asks which database
 * this is (then only what PostgreSQL runs is read), loops over literal lists are
 * unrolled with the loop variable bound, and helper functions of the same file are
 * followed into.
 */
import type { SyntaxNode } from '@lezer/common';
import { bodyStatements, children, ifClauses, unparen, type PyFile } from './syntax.js';
import { asCall, itemsOf, resolve, type Call, Scope } from './values.js';
import { pyDialectTest } from './dialect.js';
import { otherDatabaseInName, skippedReason, type DialectTest } from '../dialect-test.js';

export interface WalkCtx {
  /** Inside `autocommit_block()`: outside the migration's transaction. */
  outside: boolean;
  depth: number;
  /** Names bound by `with ... as name` to things the walker tracks (batch tables, cursors). */
  names: Map<string, unknown>;
  /** Inside a branch whose test is not read: a helper named for another database (`_upgrade_mysql()`) runs only there. */
  inBranch?: boolean;
}

export const rootCtx = (): WalkCtx => ({ outside: false, depth: 0, names: new Map() });

export abstract class BodyWalker {
  constructor(protected readonly file: PyFile) {}

  /** Handles one call; true when recognised (its arguments are not searched further). */
  protected abstract call(call: Call, scope: Scope, ctx: WalkCtx): boolean;

  /** Lists code between two offsets that does not run on PostgreSQL in the coverage, with the reason. */
  protected abstract notOnPostgres(from: number, to: number, reason: string): void;

  /** A `with <call> as alias:` item; returns the context for the body. */
  protected withItem(call: Call, alias: SyntaxNode | undefined, scope: Scope, ctx: WalkCtx): WalkCtx | undefined {
    void call;
    void alias;
    void scope;
    void ctx;
    return undefined;
  }

  body(statements: SyntaxNode[], scope: Scope, ctx: WalkCtx): void {
    for (let k = 0; k < statements.length; k++) {
      const exit = this.statement(statements[k], scope, ctx);
      if (exit === undefined) continue;
      // `if dialect != 'postgresql': ... return` taken on PostgreSQL: what follows runs only elsewhere.
      const rest = statements.slice(k + 1);
      if (rest.some(containsCall)) this.notOnPostgres(rest[0].from, rest[rest.length - 1].to, exit);
      return;
    }
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

  /**
   * Walks one statement. Returns, for a dialect test whose PostgreSQL branch always
   * returns or raises, the coverage reason for the code after it.
   */
  protected statement(s: SyntaxNode, scope: Scope, ctx: WalkCtx): string | undefined {
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
        return this.ifStatement(s, scope, ctx);
      case 'WhileStatement':
      case 'TryStatement':
        for (const body of s.getChildren('Body')) this.body(bodyStatements(body), scope, ctx);
        return;
      default:
        return;
    }
  }

  /**
   * `if` / `elif` / `else`. A clause whose test is false on PostgreSQL is listed in the
   * coverage instead of read; once a clause is true on PostgreSQL, the later ones never
   * run there. Without any dialect test, every clause is read.
   */
  private ifStatement(s: SyntaxNode, scope: Scope, ctx: WalkCtx): string | undefined {
    const clauses = ifClauses(s);
    const tests = clauses.map((c) => (c.test ? pyDialectTest(scope, c.test) : undefined));
    if (!tests.some(Boolean)) {
      for (const c of clauses) this.body(bodyStatements(c.body), scope, { ...ctx, inBranch: true });
      return undefined;
    }
    // Whether every clause before this one is known to be false on PostgreSQL: then this one decides.
    let decided = true;
    let taken: { test?: DialectTest } | undefined;
    let exit: string | undefined;
    clauses.forEach((clause, k) => {
      const test = tests[k];
      if (taken) {
        this.skipClause(clause.body, taken.test ? skippedReason(taken.test, false) : 'runs only on databases other than PostgreSQL');
        return;
      }
      if (test && !test.onPostgres) {
        this.skipClause(clause.body, skippedReason(test, true));
        return;
      }
      const statements = bodyStatements(clause.body);
      if (!clause.test || test?.onPostgres) {
        taken = { test };
        this.body(statements, scope, ctx);
        if (decided && alwaysExits(statements)) exit = test ? skippedReason(test, false) : 'runs only on databases other than PostgreSQL';
        return;
      }
      // A test that does not ask about the database: its clause may run, and the later ones may too.
      decided = false;
      this.body(statements, scope, { ...ctx, inBranch: true });
    });
    return exit;
  }

  private skipClause(body: SyntaxNode, reason: string): void {
    const statements = bodyStatements(body);
    // A clause with no call (`pass`, `return`) runs nothing worth a note.
    if (statements.some(containsCall)) this.notOnPostgres(statements[0].from, statements[statements.length - 1].to, reason);
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
        const db = ctx.inBranch ? otherDatabaseInName(call.callee) : undefined;
        if (db) this.notOnPostgres(n.from, n.to, `runs only on ${db}: ${call.callee}() is named for it and called in a branch`);
        else this.callFunction(def, call, scope, ctx);
        return;
      }
    }
    if (n.name === 'LambdaExpression' || n.name === 'String' || n.name === 'FormatString' || n.name === 'ContinuedString') return;
    for (let c = n.firstChild; c; c = c.nextSibling) this.expression(c, scope, ctx);
  }
}


/** Whether a block always leaves the function: it returns or raises (or every clause of an `if` with an `else` does). */
function alwaysExits(statements: SyntaxNode[]): boolean {
  return statements.some((st) => {
    if (st.name === 'ReturnStatement' || st.name === 'RaiseStatement') return true;
    if (st.name !== 'IfStatement') return false;
    const clauses = ifClauses(st);
    return clauses.some((c) => !c.test) && clauses.every((c) => alwaysExits(bodyStatements(c.body)));
  });
}

/** Whether code calls anything; what a `raise` builds runs no SQL. */
function containsCall(node: SyntaxNode): boolean {
  if (node.name === 'CallExpression') return true;
  if (node.name === 'RaiseStatement') return false;
  for (let c = node.firstChild; c; c = c.nextSibling) if (containsCall(c)) return true;
  return false;
}
