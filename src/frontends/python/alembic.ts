/**
 * Alembic revisions: `revision` / `down_revision` / `branch_labels` / `depends_on`,
 * and `upgrade()` / `downgrade()` lowered to the SQL Alembic would run on PostgreSQL.
 * The `op.<method>(...)` calls themselves are lowered in alembic-ops.ts.
 */
import type { SyntaxNode } from '@lezer/common';
import path from 'node:path';
import type { Migration, Section } from '../../ir/types.js';
import { bodyStatements, type PyFile } from './syntax.js';
import { lit, q, SectionBuilder, type Coverage } from './lower.js';
import { asCall, boolConst, constOf, dotted, lastName, resolve, strConst, strOf, type Call, type PyConst, Scope } from './values.js';
import { saType } from './sqlalchemy.js';
import { chainSql, sqlalchemyTable } from './core.js';
import { textClause } from './strings.js';
import { opSql, tableName, type TableArg } from './alembic-ops.js';
import { BodyWalker, rootCtx, type WalkCtx } from './walker.js';
import { otherDatabaseInName } from '../dialect-test.js';

/** Whether a module is an Alembic revision: `revision = ...` and `def upgrade`. */
export function isAlembic(scope: Scope): boolean {
  return scope.functions.has('upgrade') && scope.lookup('revision', Number.MAX_SAFE_INTEGER) !== undefined;
}

function stringList(v: PyConst | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

const TOP = Number.MAX_SAFE_INTEGER;

export function readAlembic(file: PyFile, scope: Scope, migration: Migration, coverage: Coverage): void {
  migration.format = 'alembic';
  const revision = constOf(scope, scope.lookup('revision', TOP));
  const id = typeof revision === 'string' ? revision : undefined;
  const parents = stringList(constOf(scope, scope.lookup('down_revision', TOP)));
  const labels = stringList(constOf(scope, scope.lookup('branch_labels', TOP)));
  const dependsOn = stringList(constOf(scope, scope.lookup('depends_on', TOP)));
  if (id) {
    migration.version = id;
    migration.graph = { id, parents, ...(labels.length ? { labels } : {}), ...(dependsOn.length ? { dependsOn } : {}) };
    const base = path.basename(file.file).replace(/\.py$/i, '');
    const at = base.indexOf(id);
    if (at >= 0) migration.name = base.slice(at + id.length).replace(/^[_-]+/, '') || migration.name;
  }
  migration.up = readFunction(file, scope, 'upgrade', migration, coverage);
  migration.down = readFunction(file, scope, 'downgrade', migration, coverage);
  // An upgrade that does nothing (a merge revision, say) is undone by a downgrade that does nothing.
  if (migration.up.state === 'empty' && migration.down.state === 'empty') {
    migration.down = { ...migration.down, state: 'present', reason: 'upgrade() is empty too' };
  }
}

/** What an empty, docstring-only or `pass` body looks like. */
function isTrivial(file: PyFile, s: SyntaxNode): boolean {
  if (s.name === 'PassStatement') return true;
  if (s.name === 'ExpressionStatement') {
    const e = s.firstChild;
    return !!e && (e.name === 'String' || e.name === 'ContinuedString' || e.name === 'Ellipsis' || file.src(e) === '...');
  }
  return false;
}

function raisedNotImplemented(file: PyFile, statements: SyntaxNode[]): SyntaxNode | undefined {
  return statements.find((s) => s.name === 'RaiseStatement' && /\bNotImplemented(Error)?\b/.test(file.src(s)));
}

function readFunction(file: PyFile, scope: Scope, name: 'upgrade' | 'downgrade', migration: Migration, coverage: Coverage): Section {
  const def = scope.functions.get(name);
  if (!def) {
    return { state: 'missing', statements: [], file: file.file, reason: `no ${name}() function` };
  }
  const nameNode = def.getChild('VariableName') ?? def;
  const range = file.range(nameNode.from, nameNode.to);
  const statements = bodyStatements(def.getChild('Body'));
  const real = statements.filter((s) => !isTrivial(file, s));
  const raise = raisedNotImplemented(file, statements);
  const builder = new SectionBuilder(file, coverage, migration.comments);
  if (raise) {
    return {
      state: 'irreversible',
      statements: [],
      file: file.file,
      range: file.range(raise.from, raise.to),
      reason: `${name}() raises ${file.src(raise).replace(/^raise\s+/, '').replace(/\s+/g, ' ').slice(0, 80)}`,
      transaction: true,
    };
  }
  if (real.length === 0) {
    return { state: 'empty', statements: [], file: file.file, range, transaction: true };
  }
  const lowerer = new AlembicLowerer(file, builder);
  lowerer.body(statements, Scope.function(def, scope), rootCtx());
  // Multi-database templates dispatch to upgrade_<engine>() through globals(); one named for another database runs only there.
  if (/\bglobals\(\)/.test(file.src(def))) {
    for (const [fname, other] of scope.functions) {
      if (!fname.startsWith(`${name}_`)) continue;
      const db = otherDatabaseInName(fname.slice(name.length + 1));
      if (db) builder.unanalysedSpan(other.from, other.to, `runs only on ${db}: ${fname}() is named for it`);
      else lowerer.callFunction(other, undefined, scope, rootCtx());
    }
  }
  return { state: 'present', statements: builder.statements, file: file.file, range, transaction: builder.transaction(true) };
}

/** `op.*` names that are no schema change: helpers, and the batch context (handled as a `with`). */
const NOT_SQL = new Set(['f', 'get_bind', 'get_context', 'inline_literal', 'implementation_for', 'register_operation', 'batch_alter_table']);

class BatchTable {
  constructor(readonly table: TableArg) {}
}

class AlembicLowerer extends BodyWalker {
  /** Enum types this section's create_table calls created (see OpCall.enums). */
  private readonly enums = new Set<string>();

  constructor(
    file: PyFile,
    private readonly out: SectionBuilder,
  ) {
    super(file);
  }

  protected override withItem(call: Call, alias: SyntaxNode | undefined, scope: Scope, ctx: WalkCtx): WalkCtx | undefined {
    const name = lastName(call.callee);
    if (name === 'autocommit_block') {
      this.out.analysed();
      return { ...ctx, outside: true };
    }
    if (name === 'batch_alter_table') {
      this.out.analysed();
      const table = tableName(scope, call.args[0] ?? call.kwargs.get('table_name'));
      const schema = strConst(scope, call.kwargs.get('schema'));
      if (!alias) return ctx;
      const names = new Map(ctx.names);
      names.set(this.file.src(alias), new BatchTable({ name: table, schema }));
      return { ...ctx, names };
    }
    return undefined;
  }

  protected notOnPostgres(from: number, to: number, reason: string): void {
    this.out.unanalysedSpan(from, to, reason);
  }

  protected call(call: Call, scope: Scope, ctx: WalkCtx): boolean {
    const callee = call.callee;
    const method = lastName(callee);
    const receiver = callee.includes('.') ? callee.slice(0, callee.lastIndexOf('.')) : '';
    const batch = ctx.names.get(receiver);
    if (batch instanceof BatchTable) return this.op(method, call, scope, ctx, batch.table);
    if (receiver && this.isOp(receiver, scope)) return this.op(method, call, scope, ctx, undefined);
    // sa.Enum(..., name='x').create(op.get_bind()) / .drop(...): Alembic does not create enum types for add_column.
    if ((method === 'create' || method === 'drop') && call.calleeNode.name === 'MemberExpression') {
      const type = saType(scope, call.calleeNode.firstChild ?? undefined);
      if (type?.enum) {
        const e = type.enum;
        const checkfirst = boolConst(scope, call.kwargs.get('checkfirst')) === true;
        this.out.analysed();
        this.out.builder(
          method === 'create'
            ? `CREATE TYPE ${q(e.name)} AS ENUM (${e.values.map(lit).join(', ')})`
            : `DROP TYPE ${checkfirst ? 'IF EXISTS ' : ''}${q(e.name)}`,
          call.node,
          { outside: ctx.outside },
        );
        return true;
      }
    }
    if (method === 'execute' && (receiver === 'context' || scope.qualify(receiver) === 'alembic.context')) {
      this.execute(call, scope, ctx, true);
      return true;
    }
    if (method === 'execute' && receiver && this.isConnection(call, scope)) {
      // Session.execute() passes a plain string through text() (SQLAlchemy 1.x); Connection.execute() sends it as is.
      this.execute(call, scope, ctx, this.isSession(call, scope));
      return true;
    }
    return false;
  }

  private isOp(receiver: string, scope: Scope): boolean {
    if (receiver === 'op') return true;
    const full = scope.qualify(receiver);
    return full === 'alembic.op' || full.endsWith('.op') && full.startsWith('alembic');
  }

  private isConnection(call: Call, scope: Scope): boolean {
    const target = call.calleeNode.firstChild;
    if (!target) return false;
    const value = resolve(scope, target);
    const text = value ? dotted(this.file, value) ?? this.file.src(value) : '';
    return /get_bind\(\)|\bbind\b|connection|Session\(|session/i.test(text) || /^(conn|connection|bind|session|db)$/.test(this.file.src(target));
  }

  /** `db.session`, `session`, `Session(bind=...)`, `orm.Session(...)`: an ORM session rather than a connection. */
  private isSession(call: Call, scope: Scope): boolean {
    const target = call.calleeNode.firstChild;
    if (!target) return false;
    const value = resolve(scope, target);
    const text = value ? dotted(this.file, value) ?? this.file.src(value) : '';
    return /(^|\.)session$|\bSession\(|sessionmaker\(/i.test(text) || /^(db\.)?session$/i.test(this.file.src(target));
  }

  private execute(call: Call, scope: Scope, ctx: WalkCtx, textByDefault: boolean): void {
    const sqlNode = call.args[0] ?? call.kwargs.get('sqltext') ?? call.kwargs.get('statement');
    if (!sqlNode) return;
    this.out.analysed();
    const str = strOf(scope, sqlNode);
    if (str) {
      // op.execute() passes plain strings through text(): `:name` is a bind parameter.
      const value = textByDefault && !isTextCall(this.file, scope, sqlNode) ? textClause(str) : str;
      this.out.raw(value, call.node, { outside: ctx.outside });
      return;
    }
    const core = chainSql(scope, sqlNode, (base, links) => {
      const table = sqlalchemyTable(scope, base);
      if (table) return { table, skip: 0 };
      // sa.update(t), sa.delete(t), sa.insert(t)
      const first = links[0];
      if (first?.call && /^(update|delete|insert)$/.test(first.method)) {
        const t = sqlalchemyTable(scope, first.call.args[0]);
        if (t) return { table: t, skip: 0 };
      }
      // session.query(Model)...
      const query = links.findIndex((l) => l.method === 'query' && l.call);
      if (query >= 0) {
        const t = sqlalchemyTable(scope, links[query].call!.args[0]);
        if (t) return { table: t, skip: query + 1 };
      }
      return undefined;
    });
    if (core) {
      this.out.builder(core, call.node, { outside: ctx.outside });
      return;
    }
    this.out.unanalysed(sqlNode, 'statement passed to execute() is not a string or a recognised SQLAlchemy construct');
  }

  /** One `op.<method>(...)` (or `batch_op.<method>(...)`) call. */
  private op(method: string, call: Call, scope: Scope, ctx: WalkCtx, batch: TableArg | undefined): boolean {
    if (NOT_SQL.has(method)) return false;
    if (method === 'execute') {
      this.execute(call, scope, ctx, true);
      return true;
    }
    const sql = opSql(method, call, scope, batch, (node, reason) => this.out.unanalysed(node, reason), this.enums);
    if (sql === undefined) {
      this.out.unanalysed(call.node, `op.${method}() is not analysed`);
      return true;
    }
    this.out.analysed();
    this.out.builder(sql, call.node, { outside: ctx.outside });
    return true;
  }
}

function isTextCall(file: PyFile, scope: Scope, node: SyntaxNode): boolean {
  const call = asCall(file, resolve(scope, node));
  return !!call && /^(text|bindparams|execution_options|columns)$/.test(lastName(call.callee));
}
