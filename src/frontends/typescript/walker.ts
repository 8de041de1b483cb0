/**
 * Walks the body of an up or down function in source order, following the
 * framework objects it receives (roles), and turns what they are asked to do into
 * statements: raw SQL handed to a sink is parsed where it stands in the file;
 * builder calls are lowered to the SQL the framework prints. Calls that cannot be
 * read statically are counted in the coverage with the reason.
 */
import type * as t from '@babel/types';
import type { Comment, MigrationFormat, Range, Statement } from '../../ir/types.js';
import type { LineIndex } from '../../ir/source-text.js';
import { parseChunk } from '../../pg/parse.js';
import { splitSql } from '../../pg/splitter.js';
import { Env, isFunctionNode, propertyName, unwrapTs, keyName, memberRole, callRole, type FunctionNode, type Role } from './scope.js';
import { Evaluator, SYNTHETIC_STRING, type SourceFile, type Val } from './values.js';
import { buildChunk, hasLiteralText, hasHoles, type HoleMode, type StaticString, type Piece } from './text.js';
import type { SqlOut } from './print.js';
import { handleChain } from './frameworks/index.js';
import { alwaysExits, dialectTest, skippedReason, switchCasesOnPostgres, type DialectTest } from './dialect.js';

export interface Link {
  kind: 'member' | 'call';
  name: string | undefined;
  args: t.Node[];
  /** The member expression or call expression of this link (it spans the chain from its start). */
  node: t.Node;
  /** From the property name to the end of this link: `.addColumn(...)`. */
  at: { start: number; end: number };
}

export interface Chain {
  base: t.Node;
  links: Link[];
  /** The outermost expression. */
  node: t.Node;
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

export interface Frame {
  env: Env;
  /** Local helper functions being inlined, to stop recursion. */
  active: Set<t.Node>;
  /** How deep helper inlining goes. */
  depth: number;
}

export interface FileContext extends SourceFile {
  readonly lines: LineIndex;
  format: MigrationFormat;
  /** node-pg-migrate `exports.shorthands`: column type shorthands. */
  pgmShorthands?: Map<string, { node: t.Node; env: Env }>;
}

const MAX_INLINE_DEPTH = 4;

/** How many bindings and member links a role is followed through. */
const MAX_ROLE_DEPTH = 40;

/** Methods whose arguments are executed as queries (tagged templates passed to them run). */
const EXECUTING_METHODS = new Set(['execute', 'query', 'any', 'many', 'one', 'maybeOne', 'none', 'anyFirst', 'manyFirst', 'oneFirst', 'maybeOneFirst', 'all', 'allSettled', 'run', 'exec', 'unsafe', 'executeQuery']);

/** Calls that never touch the database, whose arguments need no visit. */
const INERT_GLOBALS = new Set(['console', 'JSON', 'Math', 'Object', 'Array', 'Number', 'String', 'Date', 'logger', 'log']);

export class Walker {
  readonly ev: Evaluator;

  constructor(
    readonly ctx: FileContext,
    readonly out: SectionOut,
  ) {
    this.ev = new Evaluator(ctx, (node, env) => this.roleOf(node, env));
  }

  // ---------------------------------------------------------------- positions

  range(node: t.Node | { start: number; end: number }): Range {
    const start = (node as { start: number }).start;
    const end = (node as { end: number }).end;
    return { start: this.ctx.lines.position(start), end: this.ctx.lines.position(end) };
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

  // ---------------------------------------------------------------- coverage

  unanalysed(node: t.Node, reason: string): void {
    this.out.unanalysed.push({ file: this.ctx.file, range: this.range(node), reason });
  }

  // ---------------------------------------------------------------- roles

  roleOf(node: t.Node, env: Env, depth = 0): Role | undefined {
    // A name bound to an expression that uses the name again (`x = x.map(...)`) must not loop.
    if (depth > MAX_ROLE_DEPTH) return undefined;
    const n = unwrapTs(node);
    switch (n.type) {
      case 'Identifier': {
        const b = env.lookup(n.name);
        if (b?.kind === 'role') return b.role;
        if (b?.kind === 'expr') return this.roleOf(b.node, b.env, depth + 1);
        if (!b) return this.globalRole(n.name);
        return undefined;
      }
      case 'ThisExpression':
        return env.classInfo?.thisRole;
      case 'AwaitExpression':
        return this.roleOf(n.argument, env, depth + 1);
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        const base = this.roleOf(n.object, env, depth + 1);
        const name = propertyName(n);
        return base && name ? memberRole(base, name) : undefined;
      }
      case 'CallExpression':
      case 'OptionalCallExpression': {
        const callee = unwrapTs(n.callee);
        if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
        const base = this.roleOf(callee.object, env, depth + 1);
        const name = propertyName(callee);
        if (!base || !name) return undefined;
        return callRole(base, name, n.arguments.length ? this.ev.str(n.arguments[0], env) : undefined, n.arguments.length);
      }
      default:
        return undefined;
    }
  }

  /** Framework objects commonly used under their usual name without being a parameter. */
  private globalRole(name: string): Role | undefined {
    switch (name) {
      case 'knex':
        return { kind: 'knex' };
      case 'queryRunner':
        return { kind: 'queryRunner' };
      case 'queryInterface':
        return { kind: 'queryInterface' };
      case 'pgm':
        return { kind: 'pgm' };
      case 'sequelize':
        return this.ctx.format === 'sequelize' ? { kind: 'sequelize' } : undefined;
      default:
        return this.ctx.sqlTags.has(name) ? { kind: 'sqlTag' } : undefined;
    }
  }

  // ---------------------------------------------------------------- walking

  /** Binds a function's parameters and walks its body. */
  walkFunction(fn: FunctionNode, frame: Frame, params: (Role | { node: t.Node; env: Env } | undefined)[] = []): void {
    const env = frame.env.child();
    fn.params.forEach((p, i) => this.bindPattern(p, params[i], env));
    const inner: Frame = { ...frame, env };
    if (fn.body.type === 'BlockStatement') this.block(fn.body.body, inner);
    else this.expr(fn.body, inner, true);
  }

  private bindPattern(p: t.Node, value: Role | { node: t.Node; env: Env } | undefined, env: Env): void {
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
          if (prop.type === 'RestElement') {
            this.bindPattern(prop.argument, undefined, env);
            continue;
          }
          const key = keyName(prop.key, prop.computed);
          let inner: Role | { node: t.Node; env: Env } | undefined;
          if (value && 'kind' in value && key) {
            const r = memberRole(value, key);
            inner = r;
          } else if (value && !('kind' in value) && key) {
            const v = this.ev.val(value.node, value.env);
            if (v.t === 'obj') inner = v.props.get(key);
            else if (v.t === 'role') inner = memberRole(v.role, key);
          }
          this.bindPattern(prop.value, inner, env);
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

  /** Records a branch that cannot run on PostgreSQL in the coverage instead of reading it. */
  private skipBranch(node: t.Node, test: DialectTest, branchValue: boolean): void {
    // A branch with no call at all (`return;`, a literal) runs nothing worth a note.
    if (!containsCall(node)) return;
    this.unanalysed(node, skippedReason(test, branchValue));
  }

  /**
   * Walks a statement. Returns, for a dialect test whose PostgreSQL branch always
   * returns or throws, the coverage reason for the code after it (which PostgreSQL never reaches).
   */
  stmt(node: t.Statement, frame: Frame): string | undefined {
    const { env } = frame;
    switch (node.type) {
      case 'IfStatement': {
        const d = dialectTest(node.test, env);
        if (!d) break;
        const taken = d.onPostgres ? node.consequent : node.alternate;
        const skipped = d.onPostgres ? node.alternate : node.consequent;
        if (skipped) this.skipBranch(skipped, d, !d.onPostgres);
        if (taken) this.stmt(taken, { ...frame, env: env.child() });
        return taken && alwaysExits(taken) ? skippedReason(d, !d.onPostgres) : undefined;
      }
      case 'SwitchStatement': {
        const reachable = switchCasesOnPostgres(node);
        if (!reachable) break;
        // The discriminant only asks which database this is: it is not visited.
        node.cases.forEach((c, k) => {
          if (reachable[k] === true) this.block(c.consequent, { ...frame, env: env.child() });
          else if (c.consequent.some(containsCall)) {
            const first = c.consequent[0];
            const last = c.consequent[c.consequent.length - 1];
            this.unanalysed({ start: first.start!, end: last.end! } as t.Node, reachable[k] as string);
          }
        });
        return undefined;
      }
      default:
        break;
    }
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
        this.stmt(node.consequent, { ...frame, env: env.child() });
        if (node.alternate) this.stmt(node.alternate, { ...frame, env: env.child() });
        return;
      case 'BlockStatement':
        this.block(node.body, { ...frame, env: env.child() });
        return;
      case 'TryStatement':
        this.block(node.block.body, { ...frame, env: env.child() });
        if (node.handler) {
          const inner = env.child();
          if (node.handler.param) this.bindPattern(node.handler.param, undefined, inner);
          this.block(node.handler.body.body, { ...frame, env: inner });
        }
        if (node.finalizer) this.block(node.finalizer.body, { ...frame, env: env.child() });
        return;
      case 'ForStatement': {
        const inner = env.child();
        const f = { ...frame, env: inner };
        if (node.init) {
          if (node.init.type === 'VariableDeclaration') {
            for (const d of node.init.declarations) this.bindPattern(d.id, undefined, inner);
          } else this.expr(node.init, f, true);
        }
        this.stmt(node.body, f);
        return;
      }
      case 'ForOfStatement':
      case 'ForInStatement': {
        this.expr(node.right, frame, true);
        const inner = env.child();
        if (node.left.type === 'VariableDeclaration') for (const d of node.left.declarations) this.bindPattern(d.id, undefined, inner);
        this.stmt(node.body, { ...frame, env: inner });
        return;
      }
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.expr(node.test, frame, true);
        this.stmt(node.body, { ...frame, env: env.child() });
        return;
      case 'SwitchStatement':
        this.expr(node.discriminant, frame, true);
        for (const c of node.cases) this.block(c.consequent, { ...frame, env: env.child() });
        return;
      case 'LabeledStatement':
        this.stmt(node.body, frame);
        return;
      default:
        return;
    }
  }

  private declare(id: t.Node, init: t.Node | undefined, env: Env): void {
    if (id.type === 'Identifier') {
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
      return;
    }
    this.bindPattern(id, init ? { node: init, env } : undefined, env);
  }

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
      case 'ConditionalExpression': {
        const d = dialectTest(n.test, frame.env);
        if (d) {
          this.skipBranch(d.onPostgres ? n.alternate : n.consequent, d, !d.onPostgres);
          this.expr(d.onPostgres ? n.consequent : n.alternate, frame, exec);
          return;
        }
        this.expr(n.test, frame, true);
        this.expr(n.consequent, frame, exec);
        this.expr(n.alternate, frame, exec);
        return;
      }
      case 'LogicalExpression': {
        // isMysql && knex.raw(...): the right side only runs when the left one allows it.
        const d = n.operator === '??' ? undefined : dialectTest(n.left, frame.env);
        if (d && d.onPostgres !== (n.operator === '&&')) {
          this.skipBranch(n.right, d, n.operator === '&&');
          return;
        }
        if (!d) this.expr(n.left, frame, exec);
        this.expr(n.right, frame, exec);
        return;
      }
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

  // ---------------------------------------------------------------- calls

  call(node: t.CallExpression | t.OptionalCallExpression | t.MemberExpression | t.OptionalMemberExpression, frame: Frame, exec: boolean): void {
    const chain = flattenChain(node);
    const { env } = frame;
    const base = chain.base;
    let from = 0;

    if (base.type === 'CallExpression' || base.type === 'OptionalCallExpression') {
      const role = this.baseCallRole(base, env);
      if (role) from = handleChain(this, role, chain, 0, frame, exec);
      else {
        this.plainCall(base, frame, exec);
        from = 0;
      }
    } else if (base.type === 'TaggedTemplateExpression') {
      if (this.ev.isSqlTag(base.tag, env)) {
        // Kysely: sql`...`.execute(db); Slonik/Drizzle pass it to a query method (seen as an argument).
        const execAt = chain.links.findIndex((l) => l.kind === 'call' && (l.name === 'execute' || l.name === 'compile'));
        if (exec || execAt >= 0) this.raw(base, base, frame, { tagged: true });
        from = execAt + 1;
      }
    } else {
      const role = this.roleOf(base, env);
      if (role) from = handleChain(this, role, chain, 0, frame, exec);
      else if (base.type === 'ThisExpression' && chain.links[0]?.kind === 'call' && chain.links[0].name && env.classInfo?.methods.has(chain.links[0].name)) {
        // this.helper(queryRunner): a method of the same class.
        const link = chain.links[0];
        this.inline(env.classInfo.methods.get(link.name!)!, link.node as t.CallExpression, frame);
        from = 1;
      } else if (base.type === 'Identifier' && this.ev.isSqlTagName(base.name, env) && chain.links.length) {
        from = handleChain(this, { kind: 'sqlTag' }, chain, 0, frame, exec);
      }
    }
    this.restOfChain(chain, from, frame);
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
          this.walkFunction(b.node, { env: b.env, active: new Set([...frame.active, b.node]), depth: frame.depth + 1 });
        }
      } else if (n.type !== 'SpreadElement') this.expr(n, frame, exec);
    }
  }

  /** `helper(knex, ...)` and the like: inline a local function, else count it as not analysed. */
  private plainCall(node: t.CallExpression | t.OptionalCallExpression, frame: Frame, exec: boolean): void {
    const callee = unwrapTs(node.callee);
    if (callee.type === 'Identifier') {
      const b = frame.env.lookup(callee.name);
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
      if (handsRole || this.reachesRole(fn, defEnv)) this.unanalysed(call, `recursive or deeply nested helper ${this.callName(call)} is not followed`);
      return;
    }
    const params = call.arguments.map((a) => {
      if (a.type === 'SpreadElement') return undefined;
      const role = this.roleOf(a, frame.env);
      return role ?? { node: a, env: frame.env };
    });
    this.walkFunction(fn, { env: defEnv, active: new Set([...frame.active, fn]), depth: frame.depth + 1 }, params);
  }

  /** Whether a function's body names a framework object of its defining scope, or `this` of a class with one. */
  private reachesRole(fn: FunctionNode, env: Env): boolean {
    let found = false;
    const visit = (n: unknown): void => {
      if (found || !n || typeof n !== 'object') return;
      if (Array.isArray(n)) {
        for (const x of n) visit(x);
        return;
      }
      const o = n as t.Node;
      if (o.type === 'Identifier') {
        const b = env.lookup(o.name);
        if (b?.kind === 'role' || (!b && this.roleOf(o, env))) found = true;
        return;
      }
      if (o.type === 'ThisExpression' && env.classInfo?.thisRole) found = true;
      for (const [k, v] of Object.entries(o)) {
        if (k === 'loc' || k === 'extra' || k === 'leadingComments' || k === 'trailingComments') continue;
        if (v && typeof v === 'object') visit(v);
      }
    };
    visit(fn.body);
    return found;
  }

  private baseCallRole(base: t.CallExpression | t.OptionalCallExpression, env: Env): Role | undefined {
    const callee = unwrapTs(base.callee);
    // knex('users'), trx('users'): a query builder, handled by the knex chain.
    if (callee.type === 'Identifier') {
      const role = this.roleOf(callee, env);
      if (role?.kind === 'knex') return role;
      // runQuery(sql): a helper destructured from a migration context.
      if (role?.kind === 'migrationContext' && role.member) return role;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- emitting statements

  /**
   * Parses SQL handed to a sink. `node` is the SQL argument (string, template, variable,
   * tagged template); `call` the sink call, for coverage.
   */
  raw(
    node: t.Node,
    call: t.Node,
    frame: Frame,
    opts: { tagged?: boolean; rewrite?: (s: StaticString) => StaticString; inTx?: boolean } = {},
  ): void {
    const n = unwrapTs(node);
    let s: StaticString | undefined;
    let tagged = opts.tagged ?? false;
    if (n.type === 'TaggedTemplateExpression' && this.ev.isSqlTag(n.tag, frame.env)) {
      s = this.ev.tagged(n, frame.env);
      tagged = true;
    } else if (n.type === 'Identifier' && !this.ev.string(n, frame.env)) {
      // A variable holding a tagged template: const q = sql`...`; await db.execute(q)
      const b = frame.env.lookup(n.name);
      const target = b?.kind === 'expr' ? unwrapTs(b.node) : undefined;
      if (target?.type === 'TaggedTemplateExpression' && b?.kind === 'expr' && this.ev.isSqlTag(target.tag, b.env)) {
        s = this.ev.tagged(target, b.env);
        tagged = true;
      }
    }
    if (!s && (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') && n.arguments[0]) {
      // sql.raw('...') / sql.unsafe('...') handed to a query method: the string is the SQL.
      const callee = unwrapTs(n.callee);
      if (callee.type === 'MemberExpression' && /^(raw|unsafe)$/.test(propertyName(callee) ?? '') && this.ev.isSqlTag(callee.object, frame.env)) {
        s = this.ev.string(n.arguments[0], frame.env);
      }
    }
    s ??= this.ev.string(n, frame.env);
    if (!s || !hasLiteralText(s)) {
      this.unanalysed(call, readReason(n, this));
      return;
    }
    if (opts.rewrite) s = opts.rewrite(s);
    this.parseInto(s, call, tagged ? 'param' : 'ident', 'raw-string', opts.inTx ?? false);
  }

  /** Parses printed builder SQL, one statement per SqlOut. */
  builder(outs: SqlOut[], call: t.Node, inTx = false): void {
    for (const o of outs) this.parseInto(o.toStatic(), call, 'ident', 'builder', inTx, o.at.end, false);
    this.out.analysed++;
  }

  private parseInto(
    s: StaticString,
    call: t.Node,
    mode: HoleMode,
    origin: 'raw-string' | 'builder',
    inTx: boolean,
    endOverride?: number,
    count = true,
  ): void {
    const last = s.pieces[s.pieces.length - 1];
    const end = endOverride ?? (last ? (last.kind === 'text' ? last.map(last.text.length) : last.end) : call.end!);
    let built = buildChunk(s, this.ctx.file, this.ctx.lines, origin, end, mode);
    let statements = parseChunk(built.chunk);
    const broken = (list: Statement[], holes: { start: number; end: number }[]) =>
      list.filter((st) => st.kind === 'Invalid' && holes.some((h) => h.start < st.end && h.end > st.start));
    if (hasHoles(s) && broken(statements, built.holes).length) {
      // Try the other placeholder: a bind parameter where a name failed, or the reverse.
      const other = buildChunk(s, this.ctx.file, this.ctx.lines, origin, end, mode === 'ident' ? 'param' : 'ident');
      const otherStatements = parseChunk(other.chunk);
      if (broken(otherStatements, other.holes).length < broken(statements, built.holes).length) {
        built = other;
        statements = otherStatements;
      }
    }
    const bad = new Set(hasHoles(s) ? broken(statements, built.holes) : []);
    // A call whose only statements failed because of placeholders is not analysed: it is counted below.
    if (bad.size && bad.size === statements.length) count = false;
    for (const st of statements) {
      if (bad.has(st)) {
        this.out.unanalysed.push({
          file: this.ctx.file,
          range: st.range,
          reason: 'SQL built at run time does not parse with placeholders for its interpolated values',
        });
        continue;
      }
      if (origin === 'builder' && st.kind === 'Invalid') {
        // SQL printed for a builder call that does not parse is a type string of another
        // database (`specificType('c', 'int unsigned')`) or a lowering gap, not the user's
        // syntax error: it is not analysed rather than reported.
        this.out.unanalysed.push({
          file: this.ctx.file,
          range: st.range,
          reason: `lowered SQL does not parse: ${st.error?.message ?? 'syntax error'}`,
        });
        continue;
      }
      this.out.statements.push(st);
      this.out.inExplicitTx.push(inTx);
    }
    if (count) this.out.analysed++;
    if (origin === 'raw-string' && built.chunk.sql.includes('migratelint-')) this.sqlComments(built.chunk);
  }

  /** Ignore directives written as SQL comments inside a string. */
  private sqlComments(chunk: { sql: string; position(offset: number): { line: number; column: number } }): void {
    for (const span of splitSql(chunk.sql).comments) {
      const text = chunk.sql.slice(span.start, span.end);
      if (!text.includes('migratelint-')) continue;
      const range = { start: chunk.position(span.start), end: chunk.position(span.end) };
      this.out.comments.push({ file: this.ctx.file, text, range, endOffset: this.ctx.lines.offset(range.end) });
    }
  }

  /** Counts a builder call that was read but runs no SQL worth linting (reads, no-ops). */
  analysedOnly(): void {
    this.out.analysed++;
  }

  val(node: t.Node | undefined, env: Env): Val | undefined {
    return node ? this.ev.val(node, env) : undefined;
  }
}

/** Why a sink's SQL could not be read, in words. */
function readReason(n: t.Node, w: Walker): string {
  const src = w.src(n).replace(/\s+/g, ' ');
  const short = src.length > 50 ? `${src.slice(0, 47)}...` : src;
  if (n.type === 'CallExpression' && /readFileSync|readFile/.test(short)) return `SQL read from a file at run time (${short})`;
  if (n.type === 'CallExpression') return `SQL built at run time by ${short}`;
  return `SQL built at run time: ${short} is not a string known here`;
}

/** Whether code calls anything (a call, `new`, a tagged template): a skipped branch without one needs no note. */
function containsCall(node: t.Node): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const o = n as { type?: string };
    if (o.type === 'CallExpression' || o.type === 'OptionalCallExpression' || o.type === 'NewExpression' || o.type === 'TaggedTemplateExpression') {
      found = true;
      return;
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'loc' || k === 'extra' || k === 'leadingComments' || k === 'trailingComments') continue;
      if (v && typeof v === 'object') visit(v);
    }
  };
  visit(node);
  return found;
}

/** Whether an expression uses a name (any identifier of that name, shadowing aside). */
function mentions(node: t.Node, name: string): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const o = n as { type?: string; name?: string };
    if (o.type === 'Identifier' && o.name === name) {
      found = true;
      return;
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'loc' || k === 'start' || k === 'end' || k === 'extra' || k === 'leadingComments' || k === 'trailingComments') continue;
      if (v && typeof v === 'object') visit(v);
    }
  };
  visit(node);
  return found;
}

/** A node standing for an already-evaluated string (for `sql += ...`), read by the evaluator. */
function syntheticString(pieces: Piece[], at: t.Node): t.Node {
  return { type: SYNTHETIC_STRING, pieces, start: at.start, end: at.end } as unknown as t.Node;
}

export function flattenChain(outer: t.CallExpression | t.OptionalCallExpression | t.MemberExpression | t.OptionalMemberExpression): Chain {
  const links: Link[] = [];
  let cur: t.Node = outer;
  for (;;) {
    if (cur.type === 'CallExpression' || cur.type === 'OptionalCallExpression') {
      const callee = unwrapTs(cur.callee);
      if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
        links.push({ kind: 'call', name: propertyName(callee), args: cur.arguments, node: cur, at: { start: callee.property.start!, end: cur.end! } });
        cur = unwrapTs(callee.object);
        continue;
      }
      break;
    }
    if (cur.type === 'MemberExpression' || cur.type === 'OptionalMemberExpression') {
      links.push({ kind: 'member', name: propertyName(cur), args: [], node: cur, at: { start: cur.property.start!, end: cur.end! } });
      cur = unwrapTs(cur.object);
      continue;
    }
    if (cur.type === 'AwaitExpression') {
      cur = unwrapTs(cur.argument);
      continue;
    }
    break;
  }
  links.reverse();
  // db.createTable.bind(db, 'users', {...}): the bound call.
  for (let i = 1; i < links.length; i++) {
    const l = links[i];
    const prev = links[i - 1];
    if (l.kind === 'call' && (l.name === 'bind' || l.name === 'call') && prev.kind === 'member') {
      links.splice(i - 1, 2, { kind: 'call', name: prev.name, args: l.args.slice(1), node: l.node, at: { start: prev.at.start, end: l.at.end } });
      i--;
    }
  }
  return { base: cur, links, node: outer };
}

