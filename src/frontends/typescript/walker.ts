/**
 * Walks the body of an up or down function in source order, following the
 * framework objects it receives (roles), and hands what they are asked to do to the
 * framework steps and the SQL sink. Local helpers are inlined; calls that cannot be
 * read statically are counted in the coverage with the reason.
 */
import type * as t from '@babel/types';
import type { Range } from '../../ir/types.js';
import { Env, isFunctionNode, unwrapTs, keyName, memberRole, type FunctionNode, type Role } from './scope.js';
import { Evaluator, SYNTHETIC_STRING, type Val } from './values.js';
import type { Piece } from './text.js';
import type { SqlOut } from './print.js';
import { handleChain } from './frameworks/index.js';
import { alwaysExits, dialectTest, switchCasesOnPostgres } from './dialect.js';
import { otherDatabaseInName, skippedReason, type DialectTest } from '../dialect-test.js';
import { containsCall, mentions } from './ast-search.js';
import { flattenChain, type Chain } from './chain.js';
import { baseCallRole, reachesRole, roleOf } from './roles.js';
import { SqlSink, type RawOptions } from './sql-sink.js';
import type { FileContext, Frame, SectionOut } from './walk-state.js';

const MAX_INLINE_DEPTH = 4;

/** Methods whose arguments are executed as queries (tagged templates passed to them run). */
const EXECUTING_METHODS = new Set(['execute', 'query', 'any', 'many', 'one', 'maybeOne', 'none', 'anyFirst', 'manyFirst', 'oneFirst', 'maybeOneFirst', 'all', 'allSettled', 'run', 'exec', 'unsafe', 'executeQuery']);

/** Calls that never touch the database, whose arguments need no visit. */
const INERT_GLOBALS = new Set(['console', 'JSON', 'Math', 'Object', 'Array', 'Number', 'String', 'Date', 'logger', 'log']);

/** What a parameter is bound to: a framework object, an argument expression, or nothing known. */
type ParamValue = Role | { node: t.Node; env: Env } | undefined;

export class Walker {
  readonly ev: Evaluator;
  private readonly sink: SqlSink;

  constructor(
    readonly ctx: FileContext,
    readonly out: SectionOut,
  ) {
    this.ev = new Evaluator(ctx, (node, env) => this.roleOf(node, env));
    this.sink = new SqlSink(ctx, out, this.ev);
  }

  // ---------------------------------------------------------------- positions

  range(node: t.Node | { start: number; end: number }): Range {
    return this.sink.range(node);
  }

  src(node: t.Node): string {
    return this.ev.src(node);
  }

  /** A short form of a call for messages: `knex.schema.createView()`. */
  callName(node: t.Node): string {
    const n = unwrapTs(node);
    if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') return `${this.callName(n.callee)}()`;
    const text = this.src(n).replace(/\s+/g, '');
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }

  // ---------------------------------------------------------------- coverage and statements

  unanalysed(node: t.Node, reason: string): void {
    this.sink.unanalysed(node, reason);
  }

  /** Counts a builder call that was read but runs no SQL worth linting (reads, no-ops). */
  analysedOnly(): void {
    this.sink.analysedOnly();
  }

  /** Parses SQL handed to a sink (see SqlSink.raw). */
  raw(node: t.Node, call: t.Node, frame: Frame, opts: RawOptions = {}): void {
    this.sink.raw(node, call, frame.env, opts);
  }

  /** Parses printed builder SQL, one statement per SqlOut. */
  builder(outs: SqlOut[], call: t.Node, inTx = false): void {
    this.sink.builder(outs, call, inTx);
  }

  // ---------------------------------------------------------------- values and roles

  roleOf(node: t.Node, env: Env): Role | undefined {
    return roleOf(this, node, env);
  }

  val(node: t.Node | undefined, env: Env): Val | undefined {
    return node ? this.ev.val(node, env) : undefined;
  }

  // ---------------------------------------------------------------- functions and bindings

  /** Binds a function's parameters and walks its body. */
  walkFunction(fn: FunctionNode, frame: Frame, params: ParamValue[] = []): void {
    const env = frame.env.child();
    fn.params.forEach((p, i) => this.bindPattern(p, params[i], env));
    const inner: Frame = { ...frame, env };
    if (fn.body.type === 'BlockStatement') this.block(fn.body.body, inner);
    else this.expr(fn.body, inner, true);
  }

  private bindPattern(p: t.Node, value: ParamValue, env: Env): void {
    const pattern = p.type === 'TSParameterProperty' ? p.parameter : p;
    switch (pattern.type) {
      case 'Identifier':
        if (!value) env.set(pattern.name, { kind: 'unknown' });
        else if ('kind' in value) env.set(pattern.name, { kind: 'role', role: value });
        else {
          const role = this.roleOf(value.node, value.env);
          env.set(pattern.name, role ? { kind: 'role', role } : { kind: 'expr', node: value.node, env: value.env });
        }
        return;
      case 'AssignmentPattern':
        this.bindPattern(pattern.left, value ?? { node: pattern.right, env }, env);
        return;
      case 'ObjectPattern':
        for (const prop of pattern.properties) {
          if (prop.type === 'RestElement') this.bindPattern(prop.argument, undefined, env);
          else this.bindPattern(prop.value, this.destructured(value, keyName(prop.key, prop.computed)), env);
        }
        return;
      case 'ArrayPattern':
        for (const el of pattern.elements) if (el) this.bindPattern(el, undefined, env);
        return;
      case 'RestElement':
        this.bindPattern(pattern.argument, undefined, env);
        return;
      default:
        return;
    }
  }

  /** `{ key }` taken from a destructured value: a member of a framework object, or a property of an object known here. */
  private destructured(value: ParamValue, key: string | undefined): ParamValue {
    if (!value || !key) return undefined;
    if ('kind' in value) return memberRole(value, key);
    const v = this.ev.val(value.node, value.env);
    if (v.t === 'obj') return v.props.get(key);
    if (v.t === 'role') return memberRole(v.role, key);
    return undefined;
  }

  private declare(id: t.Node, init: t.Node | undefined, env: Env): void {
    if (id.type !== 'Identifier') {
      this.bindPattern(id, init ? { node: init, env } : undefined, env);
      return;
    }
    if (!init) {
      env.set(id.name, { kind: 'unknown' });
      return;
    }
    const fn = unwrapTs(init);
    if (isFunctionNode(fn)) {
      env.set(id.name, { kind: 'fn', node: fn, env });
      return;
    }
    const role = this.roleOf(init, env);
    env.set(id.name, role ? { kind: 'role', role } : { kind: 'expr', node: init, env });
  }

  private assign(node: t.AssignmentExpression, env: Env): void {
    const left = node.left;
    if (left.type !== 'Identifier') return;
    if (node.operator === '=') {
      const role = this.roleOf(node.right, env);
      if (role) env.assign(left.name, { kind: 'role', role });
      else if (mentions(node.right, left.name)) {
        // x = x.map(...) / sql = sql + '...': the new value is read now, from the old one.
        const s = this.ev.string(node.right, env);
        env.assign(left.name, s ? { kind: 'expr', node: syntheticString(s.pieces, node), env } : { kind: 'unknown' });
      } else env.assign(left.name, { kind: 'expr', node: node.right, env });
      return;
    }
    if (node.operator === '+=') {
      // sql += '...': remember the concatenation as a known string.
      const before = this.ev.string(left, env);
      const added = this.ev.string(node.right, env);
      const pieces: Piece[] = [...(before?.pieces ?? [this.ev.hole(left)]), ...(added?.pieces ?? [this.ev.hole(node.right)])];
      env.assign(left.name, { kind: 'expr', node: syntheticString(pieces, node), env });
      return;
    }
    env.assign(left.name, { kind: 'unknown' });
  }

  // ---------------------------------------------------------------- statements

  block(body: t.Statement[], frame: Frame): void {
    // Function declarations are hoisted: helpers may be called before they appear.
    for (const s of body) {
      if (s.type === 'FunctionDeclaration' && s.id) frame.env.set(s.id.name, { kind: 'fn', node: s, env: frame.env });
    }
    for (let k = 0; k < body.length; k++) {
      const exit = this.stmt(body[k], frame);
      if (!exit) continue;
      // `if (client === 'pg') { ...; return; }`: what follows runs only on other databases.
      const rest = body.slice(k + 1).filter((s) => s.type !== 'FunctionDeclaration' && s.type !== 'EmptyStatement');
      if (rest.some(containsCall)) this.unanalysed({ start: rest[0].start!, end: rest[rest.length - 1].end! } as t.Node, exit);
      return;
    }
  }

  /**
   * Walks a statement. Returns, for a dialect test whose PostgreSQL branch always
   * returns or throws, the coverage reason for the code after it (which PostgreSQL never reaches).
   */
  stmt(node: t.Statement, frame: Frame): string | undefined {
    const dialect = this.dialectBranches(node, frame);
    if (dialect) return dialect.exit;
    this.ordinaryStmt(node, frame);
    return undefined;
  }

  /**
   * `if (client === 'pg')`, `switch (dialect)`: only what PostgreSQL runs is read.
   * Undefined for a statement that does not ask which database this is.
   */
  private dialectBranches(node: t.Statement, frame: Frame): { exit?: string } | undefined {
    const { env } = frame;
    if (node.type === 'IfStatement') {
      const d = dialectTest(node.test, env);
      if (!d) return undefined;
      const taken = d.onPostgres ? node.consequent : node.alternate;
      const skipped = d.onPostgres ? node.alternate : node.consequent;
      if (skipped) this.skipBranch(skipped, d, !d.onPostgres);
      if (taken) this.stmt(taken, { ...frame, env: env.child() });
      return { exit: taken && alwaysExits(taken) ? skippedReason(d, !d.onPostgres) : undefined };
    }
    if (node.type === 'SwitchStatement') {
      const reachable = switchCasesOnPostgres(node, env);
      if (!reachable) return undefined;
      // The discriminant only asks which database this is: it is not visited.
      node.cases.forEach((c, k) => {
        if (reachable[k] === true) this.block(c.consequent, { ...frame, env: env.child() });
        else if (c.consequent.some(containsCall)) {
          const first = c.consequent[0];
          const last = c.consequent[c.consequent.length - 1];
          this.unanalysed({ start: first.start!, end: last.end! } as t.Node, reachable[k] as string);
        }
      });
      return {};
    }
    return undefined;
  }

  /** Records a branch that cannot run on PostgreSQL in the coverage instead of reading it. */
  private skipBranch(node: t.Node, test: DialectTest, branchValue: boolean): void {
    // A branch with no call at all (`return;`, a literal) runs nothing worth a note.
    if (!containsCall(node)) return;
    this.unanalysed(node, skippedReason(test, branchValue));
  }

  private ordinaryStmt(node: t.Statement, frame: Frame): void {
    const { env } = frame;
    const inChildScope = (): Frame => ({ ...frame, env: env.child() });
    const inBranch = (): Frame => ({ ...frame, env: env.child(), inBranch: true });
    switch (node.type) {
      case 'ExpressionStatement':
        this.expr(node.expression, frame, true);
        return;
      case 'VariableDeclaration':
        for (const d of node.declarations) {
          if (d.init) this.expr(d.init, frame, false);
          this.declare(d.id, d.init ?? undefined, env);
        }
        return;
      case 'ReturnStatement':
        if (node.argument) this.expr(node.argument, frame, true);
        return;
      case 'IfStatement':
        this.expr(node.test, frame, true);
        this.stmt(node.consequent, inBranch());
        if (node.alternate) this.stmt(node.alternate, inBranch());
        return;
      case 'BlockStatement':
        this.block(node.body, inChildScope());
        return;
      case 'TryStatement':
        this.tryStmt(node, frame);
        return;
      case 'ForStatement':
      case 'ForOfStatement':
      case 'ForInStatement':
        this.forStmt(node, frame);
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.expr(node.test, frame, true);
        this.stmt(node.body, inChildScope());
        return;
      case 'SwitchStatement':
        this.expr(node.discriminant, frame, true);
        for (const c of node.cases) this.block(c.consequent, inBranch());
        return;
      case 'LabeledStatement':
        this.stmt(node.body, frame);
        return;
      default:
        return;
    }
  }

  private tryStmt(node: t.TryStatement, frame: Frame): void {
    const { env } = frame;
    this.block(node.block.body, { ...frame, env: env.child() });
    if (node.handler) {
      const inner = env.child();
      if (node.handler.param) this.bindPattern(node.handler.param, undefined, inner);
      this.block(node.handler.body.body, { ...frame, env: inner });
    }
    if (node.finalizer) this.block(node.finalizer.body, { ...frame, env: env.child() });
  }

  /** A loop's body is read once; its variables hold nothing known. */
  private forStmt(node: t.ForStatement | t.ForOfStatement | t.ForInStatement, frame: Frame): void {
    if (node.type !== 'ForStatement') this.expr(node.right, frame, true);
    const inner = frame.env.child();
    const f = { ...frame, env: inner };
    const init = node.type === 'ForStatement' ? node.init : node.left;
    if (init?.type === 'VariableDeclaration') {
      for (const d of init.declarations) this.bindPattern(d.id, undefined, inner);
    } else if (init && node.type === 'ForStatement') this.expr(init, f, true);
    this.stmt(node.body, f);
  }

  // ---------------------------------------------------------------- expressions

  /** Visits an expression; `exec` says whether its value is run (awaited, returned, a statement). */
  expr(node: t.Node, frame: Frame, exec: boolean): void {
    const n = unwrapTs(node);
    switch (n.type) {
      case 'AwaitExpression':
        this.expr(n.argument, frame, true);
        return;
      case 'CallExpression':
      case 'OptionalCallExpression':
        this.call(n, frame, exec);
        return;
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        // await builder(...).withTimestamps: a call chain that ends with a getter, run as a statement.
        if (!exec) return;
        const chain = flattenChain(n);
        if (chain.base.type === 'CallExpression' || chain.links.some((l) => l.kind === 'call')) this.call(n, frame, exec);
        return;
      }
      case 'TaggedTemplateExpression':
        if (exec && this.ev.isSqlTag(n.tag, frame.env)) this.raw(n, n, frame, { tagged: true });
        return;
      case 'SequenceExpression':
        for (const e of n.expressions) this.expr(e, frame, exec);
        return;
      case 'ConditionalExpression':
        this.conditional(n, frame, exec);
        return;
      case 'LogicalExpression':
        this.logical(n, frame, exec);
        return;
      case 'ArrayExpression':
        for (const el of n.elements) if (el && el.type !== 'SpreadElement') this.expr(el, frame, exec);
        return;
      case 'AssignmentExpression':
        this.expr(n.right, frame, false);
        this.assign(n, frame.env);
        return;
      case 'NewExpression': {
        // new Promise((resolve, reject) => { ... }) runs its executor at once.
        const callee = unwrapTs(n.callee);
        if (callee.type === 'Identifier' && callee.name === 'Promise' && n.arguments[0] && isFunctionNode(unwrapTs(n.arguments[0]))) {
          this.walkFunction(unwrapTs(n.arguments[0]) as FunctionNode, frame);
        }
        return;
      }
      default:
        return;
    }
  }

  private conditional(n: t.ConditionalExpression, frame: Frame, exec: boolean): void {
    const d = dialectTest(n.test, frame.env);
    if (d) {
      this.skipBranch(d.onPostgres ? n.alternate : n.consequent, d, !d.onPostgres);
      this.expr(d.onPostgres ? n.consequent : n.alternate, frame, exec);
      return;
    }
    this.expr(n.test, frame, true);
    this.expr(n.consequent, { ...frame, inBranch: true }, exec);
    this.expr(n.alternate, { ...frame, inBranch: true }, exec);
  }

  private logical(n: t.LogicalExpression, frame: Frame, exec: boolean): void {
    // isMysql && knex.raw(...): the right side only runs when the left one allows it.
    const d = n.operator === '??' ? undefined : dialectTest(n.left, frame.env);
    if (d && d.onPostgres !== (n.operator === '&&')) {
      this.skipBranch(n.right, d, n.operator === '&&');
      return;
    }
    if (!d) this.expr(n.left, frame, exec);
    this.expr(n.right, d ? frame : { ...frame, inBranch: true }, exec);
  }

  // ---------------------------------------------------------------- calls

  call(node: t.CallExpression | t.OptionalCallExpression | t.MemberExpression | t.OptionalMemberExpression, frame: Frame, exec: boolean): void {
    const chain = flattenChain(node);
    const base = chain.base;
    let from: number;
    if (base.type === 'CallExpression' || base.type === 'OptionalCallExpression') from = this.callOnCallBase(chain, base, frame, exec);
    else if (base.type === 'TaggedTemplateExpression') from = this.callOnTaggedTemplate(chain, base, frame, exec);
    else from = this.callOnObject(chain, frame, exec);
    this.restOfChain(chain, from, frame);
  }

  /** `knex('users').where(...)`, `runQuery(sql)`, `helper(knex)`: the base is itself a call. */
  private callOnCallBase(chain: Chain, base: t.CallExpression | t.OptionalCallExpression, frame: Frame, exec: boolean): number {
    const role = baseCallRole(this, base, frame.env);
    if (role) return handleChain(this, role, chain, 0, frame, exec);
    this.plainCall(base, frame, exec);
    return 0;
  }

  /** Kysely: sql`...`.execute(db); Slonik/Drizzle pass it to a query method (seen as an argument). */
  private callOnTaggedTemplate(chain: Chain, base: t.TaggedTemplateExpression, frame: Frame, exec: boolean): number {
    if (!this.ev.isSqlTag(base.tag, frame.env)) return 0;
    const execAt = chain.links.findIndex((l) => l.kind === 'call' && (l.name === 'execute' || l.name === 'compile'));
    if (exec || execAt >= 0) this.raw(base, base, frame, { tagged: true });
    return execAt + 1;
  }

  /** `knex.schema.createTable(...)`, `this.helper(queryRunner)`, `sql.raw(...)`: a chain on a name or `this`. */
  private callOnObject(chain: Chain, frame: Frame, exec: boolean): number {
    const { env } = frame;
    const base = chain.base;
    const role = this.roleOf(base, env);
    if (role) return handleChain(this, role, chain, 0, frame, exec);
    const first = chain.links[0];
    if (base.type === 'ThisExpression' && first?.kind === 'call' && first.name && env.classInfo?.methods.has(first.name)) {
      // this.helper(queryRunner): a method of the same class.
      if (!this.namedForOtherDatabase(first.name, first.node, frame)) this.inline(env.classInfo.methods.get(first.name)!, first.node as t.CallExpression, frame);
      return 1;
    }
    if (base.type === 'Identifier' && this.ev.isSqlTagName(base.name, env) && chain.links.length) {
      return handleChain(this, { kind: 'sqlTag' }, chain, 0, frame, exec);
    }
    return 0;
  }

  /** The links a framework handler did not consume: visit their arguments (callbacks of `.then`, `Promise.all` lists). */
  restOfChain(chain: Chain, from: number, frame: Frame): void {
    for (let i = from; i < chain.links.length; i++) {
      const link = chain.links[i];
      if (link.kind !== 'call') continue;
      const receiver = i > 0 ? chain.links[i - 1] : undefined;
      const rootName = chain.base.type === 'Identifier' ? chain.base.name : undefined;
      if (rootName && INERT_GLOBALS.has(rootName) && i <= 1) continue;
      // A helper method on an object from elsewhere that receives a framework object.
      if (i === 0 || (receiver && receiver.kind === 'member')) {
        if (this.helperWithRole(link.node as t.CallExpression, frame, this.callName(link.node))) continue;
      }
      const execArgs = link.name !== undefined && EXECUTING_METHODS.has(link.name);
      this.visitArgs(link.args, frame, execArgs);
    }
  }

  visitArgs(args: t.Node[], frame: Frame, exec: boolean): void {
    for (const a of args) {
      const n = unwrapTs(a);
      if (isFunctionNode(n)) this.walkFunction(n, frame);
      else if (n.type === 'Identifier') {
        const b = frame.env.lookup(n.name);
        // A function passed by name (async.series([step1, step2])) is walked once where it is passed.
        if (b?.kind === 'fn' && !frame.active.has(b.node) && frame.depth < MAX_INLINE_DEPTH) {
          this.walkFunction(b.node, { env: b.env, active: new Set([...frame.active, b.node]), depth: frame.depth + 1, inBranch: frame.inBranch });
        }
      } else if (n.type !== 'SpreadElement') this.expr(n, frame, exec);
    }
  }

  /** `helper(knex, ...)` and the like: inline a local function, else count it as not analysed. */
  private plainCall(node: t.CallExpression | t.OptionalCallExpression, frame: Frame, exec: boolean): void {
    const callee = unwrapTs(node.callee);
    if (callee.type === 'Identifier') {
      const b = frame.env.lookup(callee.name);
      if ((b?.kind === 'fn' || b?.kind === 'expr') && this.namedForOtherDatabase(callee.name, node, frame)) return;
      if (b?.kind === 'fn') {
        this.inline(b.node, node, frame, b.env);
        return;
      }
      if (b?.kind === 'expr' && isFunctionNode(unwrapTs(b.node))) {
        this.inline(unwrapTs(b.node) as FunctionNode, node, frame, b.env);
        return;
      }
      if (this.helperWithRole(node, frame, `${callee.name}()`)) return;
      if (INERT_GLOBALS.has(callee.name)) return;
    } else if (isFunctionNode(callee)) {
      // (async () => { ... })()
      this.inline(callee, node, frame);
      return;
    }
    this.visitArgs(node.arguments, frame, exec);
  }

  /** Reports a call that hands a framework object to code this file does not define. */
  private helperWithRole(node: t.CallExpression | t.OptionalCallExpression, frame: Frame, name: string): boolean {
    const passes = node.arguments.find((a) => a.type !== 'SpreadElement' && !isFunctionNode(unwrapTs(a)) && this.roleOf(a, frame.env));
    if (!passes) return false;
    const role = this.roleOf(passes, frame.env)!;
    if (role.kind === 'sequelizeTx' || role.kind === 'sqlTag') return false;
    this.unanalysed(node, `helper from elsewhere: ${name} receives ${this.src(passes)}, and its SQL is not visible here`);
    return true;
  }

  inline(fn: FunctionNode, call: t.CallExpression | t.OptionalCallExpression, frame: Frame, defEnv: Env = frame.env): void {
    if (frame.active.has(fn) || frame.depth >= MAX_INLINE_DEPTH) {
      // A helper that neither receives nor reaches a framework object (a predicate, a formatter) runs no SQL.
      const handsRole = call.arguments.some((a) => a.type !== 'SpreadElement' && this.roleOf(a, frame.env));
      if (handsRole || reachesRole(this, fn, defEnv)) this.unanalysed(call, `recursive or deeply nested helper ${this.callName(call)} is not followed`);
      return;
    }
    const params = call.arguments.map((a) => {
      if (a.type === 'SpreadElement') return undefined;
      const role = this.roleOf(a, frame.env);
      return role ?? { node: a, env: frame.env };
    });
    this.walkFunction(fn, { env: defEnv, active: new Set([...frame.active, fn]), depth: frame.depth + 1, inBranch: frame.inBranch }, params);
  }

  /**
   * `this.mysqlUpQueryRunner(queryRunner)` in a branch whose condition is not read: a
   * helper named for another database runs only there, so it is listed, not inlined.
   * Called outside any branch, it is read as usual.
   */
  private namedForOtherDatabase(name: string, call: t.Node, frame: Frame): boolean {
    if (!frame.inBranch) return false;
    const db = otherDatabaseInName(name);
    if (!db) return false;
    this.unanalysed(call, `runs only on ${db}: ${name}() is named for it and called in a branch`);
    return true;
  }
}

/** A node standing for an already-evaluated string (for `sql += ...`), read by the evaluator. */
function syntheticString(pieces: Piece[], at: t.Node): t.Node {
  return { type: SYNTHETIC_STRING, pieces, start: at.start, end: at.end } as unknown as t.Node;
}
