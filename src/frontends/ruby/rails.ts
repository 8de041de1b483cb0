/**
 * One Rails migration: `class X < ActiveRecord::Migration[7.1]` with `change`, or `up`
 * and `down`, lowered to the SQL Rails runs on PostgreSQL. A `change` is reverted as
 * Rails' CommandRecorder reverts it: each operation's inverse, last first, or
 * irreversible with Rails' own reason when one cannot be inverted.
 */
import type { Comment, Coverage, Migration, Range, Section } from '../../ir/types.js';
import { kind, type RbFile, type RNode } from './source.js';
import { bodyOf, constantName, nameOf, valueOf } from './values.js';
import { sqlString } from './strings.js';
import { OpLowerer } from './ops.js';
import { RbBuilder } from './builder.js';
import { dataChangeSql } from './data.js';

/** Migration methods this lowering knows: a call to one it could not read is listed as such. */
const OPERATIONS = new Set([
  'create_table', 'create_join_table', 'drop_table', 'drop_join_table', 'rename_table', 'add_column', 'remove_column', 'remove_columns',
  'change_column', 'change_column_null', 'change_column_default', 'rename_column', 'rename_index', 'add_index', 'remove_index',
  'add_reference', 'add_belongs_to', 'remove_reference', 'remove_belongs_to', 'add_timestamps', 'remove_timestamps', 'add_foreign_key',
  'remove_foreign_key', 'validate_foreign_key', 'add_check_constraint', 'remove_check_constraint', 'validate_check_constraint',
  'enable_extension', 'disable_extension', 'create_enum', 'drop_enum', 'add_enum_value', 'change_column_comment', 'change_table_comment',
  'change_table',
]);

/** Connection methods that send a SQL string as written. */
const EXECUTE = new Set(['execute', 'exec_query', 'exec_update', 'exec_delete', 'exec_insert', 'select_all', 'select_one', 'select_value', 'select_values', 'select_rows', 'update', 'delete', 'insert']);

/** Calls that run no SQL: messages, model cache resets. */
const NO_SQL = new Set(['say', 'puts', 'print', 'p', 'pp', 'require', 'require_relative', 'reset_column_information', 'raise', 'fail', 'return']);

/** The Rails version a class declares: `ActiveRecord::Migration[7.1]`; a bare `ActiveRecord::Migration` is Rails 4.2 or older. */
export function migrationVersion(file: RbFile, cls: RNode): number | undefined {
  const sup = cls.superclass;
  if (!sup) return undefined;
  if (kind(sup) === 'CallNode' && sup.name === '[]' && constantName(file, sup.receiver)?.endsWith('Migration')) {
    const v = valueOf(sup.arguments_?.arguments_?.[0]);
    return typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : undefined;
  }
  const name = constantName(file, sup);
  if (name === 'ActiveRecord::Migration') return 4.2;
  return undefined;
}

/** The migration class of a file: the first class whose superclass is `ActiveRecord::Migration[...]`. */
export function findMigrationClass(file: RbFile): RNode | undefined {
  const visit = (nodes: RNode[]): RNode | undefined => {
    for (const n of nodes) {
      const k = kind(n);
      if (k === 'ClassNode') {
        const sup = n.superclass;
        const name = sup && (kind(sup) === 'CallNode' ? constantName(file, sup.receiver) : constantName(file, sup));
        if (name && /(^|::)Migration$/.test(name)) return n;
      }
      if (k === 'ModuleNode' || k === 'ClassNode') {
        const inner = visit(bodyOf(n));
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return visit(bodyOf(file.root));
}

type DownStep = (down: RbBuilder) => void;

interface Ctx {
  /** Local variables assigned so far in the method, for `execute sql`. */
  locals: Map<string, RNode>;
}

export class RailsReader {
  private readonly ops: OpLowerer;
  /** Model classes the migration defines itself, with the table they set. */
  readonly models = new Map<string, string>();
  /** The last operation `change` cannot revert, with Rails' reason (Rails reverts last first and stops there). */
  private irreversible: { reason: string; range: Range } | undefined;

  constructor(
    private readonly file: RbFile,
    readonly version: number,
    private readonly coverage: Coverage,
    private readonly comments: Comment[],
  ) {
    this.ops = new OpLowerer(file, version, (node, reason) => this.unanalysed(node, reason));
  }

  private unanalysed(node: RNode, reason: string): void {
    this.coverage.unanalysed.push({ file: this.file.file, range: this.file.range(node.location), reason });
  }

  builder(): RbBuilder {
    return new RbBuilder(this.file, this.coverage, this.comments);
  }

  /** Reads the class body: methods, `disable_ddl_transaction!`, model classes. */
  read(cls: RNode, migration: Migration): void {
    const methods = new Map<string, RNode>();
    let transaction = true;
    for (const s of bodyOf(cls)) {
      const k = kind(s);
      if (k === 'DefNode' && !s.receiver) methods.set(s.name, s);
      else if (k === 'CallNode' && !s.receiver && s.name === 'disable_ddl_transaction!') transaction = false;
      else if (k === 'ClassNode') this.model(s);
    }
    const file = this.file.file;
    const nameRange = (def: RNode): Range => this.file.range(def.nameLoc);
    const change = methods.get('change');
    const up = methods.get('up');
    const down = methods.get('down');
    if (change) {
      const upB = this.builder();
      const steps: DownStep[] = [];
      this.walk(bodyOf(change), { locals: new Map() }, { up: upB, steps });
      migration.up = { state: bodyOf(change).length ? 'present' : 'empty', statements: upB.statements, file, range: nameRange(change), transaction };
      if (this.irreversible) {
        migration.down = { state: 'irreversible', statements: [], file, range: nameRange(change), transaction, reason: `${this.irreversible.reason} (line ${this.irreversible.range.start.line}; ActiveRecord::IrreversibleMigration on rollback)` };
      } else {
        const downB = this.builder();
        for (const step of steps.reverse()) step(downB);
        migration.down = { state: 'present', statements: downB.statements, file, range: nameRange(change), transaction, reason: 'the reverse of change' };
      }
      return;
    }
    migration.up = up ? this.method(up, 'up', transaction) : { state: 'missing', statements: [], file, reason: 'no change or up method' };
    if (down) migration.down = this.method(down, 'down', transaction);
    else if (up) migration.down = { state: 'missing', statements: [], file, range: nameRange(up), reason: 'up without down: rolling back runs nothing' };
    else migration.down = { state: 'missing', statements: [], file, reason: 'no change or down method' };
  }

  private method(def: RNode, dir: 'up' | 'down', transaction: boolean): Section {
    const body = bodyOf(def);
    const range = this.file.range(def.nameLoc);
    const raise = body.find((s: RNode) => kind(s) === 'CallNode' && !s.receiver && (s.name === 'raise' || s.name === 'fail'));
    if (raise && /IrreversibleMigration/.test(this.file.src(raise))) {
      return { state: 'irreversible', statements: [], file: this.file.file, range: this.file.range(raise.location), reason: `${dir} raises ActiveRecord::IrreversibleMigration`, transaction };
    }
    const b = this.builder();
    this.walk(body, { locals: new Map() }, { out: b, dir });
    return { state: body.length ? 'present' : 'empty', statements: b.statements, file: this.file.file, range, transaction };
  }

  /** `class User < ApplicationRecord; self.table_name = "people"; end` inside the migration. */
  private model(cls: RNode): void {
    const name = constantName(this.file, cls.constantPath);
    if (!name) return;
    for (const s of bodyOf(cls)) {
      if (kind(s) === 'CallNode' && s.name === 'table_name=' && kind(s.receiver) === 'SelfNode') {
        const t = nameOf(s.arguments_?.arguments_?.[0]);
        if (t) this.models.set(name, t);
      }
    }
    if (!this.models.has(name)) this.models.set(name, '');
  }

  /**
   * Walks statements. `change` mode records each operation's inverse as a down step;
   * plain mode (`up`, `down`, a `dir.up` block) only runs them.
   */
  private walk(stmts: RNode[], ctx: Ctx, mode: { up: RbBuilder; steps: DownStep[] } | { out: RbBuilder; dir: 'up' | 'down' }): void {
    const out = 'out' in mode ? mode.out : mode.up;
    for (const s of stmts) {
      const k = kind(s);
      if (k === 'LocalVariableWriteNode') {
        ctx.locals.set(s.name, s.value);
        continue;
      }
      if (k === 'IfNode' || k === 'UnlessNode') {
        // A guard (`unless column_exists?(...)`): what its branches run is what may run. A
        // condition on the database (`if connection.adapter_name == "PostgreSQL"`, `using_mysql?`)
        // keeps the branch that runs on PostgreSQL and lists the other.
        const other = s.subsequent ?? s.elseClause ?? s.consequent;
        const otherBody = other ? (kind(other) === 'ElseNode' ? bodyOf(other.statements) : [other]) : [];
        const db = databaseTest(this.file.src(s.predicate));
        const thenRuns = db === undefined ? true : (db === 'postgresql') === (k === 'IfNode');
        const elseRuns = db === undefined ? true : !thenRuns;
        if (thenRuns) this.walk(bodyOf(s.statements), ctx, mode);
        else if (s.statements) this.unanalysed(s.statements, `runs only on ${db === 'postgresql' ? 'other databases' : db}`);
        if (elseRuns) this.walk(otherBody, ctx, mode);
        else if (other) this.unanalysed(other, `runs only on ${db === 'postgresql' ? 'other databases' : db}`);
        continue;
      }
      if (k === 'ReturnNode' || k === 'MultiWriteNode' || k === 'InstanceVariableWriteNode' || k === 'ConstantWriteNode') continue;
      if (k === 'BeginNode') {
        this.walk(bodyOf(s.statements), ctx, mode);
        continue;
      }
      if (k === 'ClassNode') {
        this.model(s);
        continue;
      }
      if (k === 'StringNode' || k === 'SymbolNode' || k === 'NilNode') continue;
      if (k !== 'CallNode') {
        this.unanalysed(s, `${k.replace(/Node$/, '')} is not analysed`);
        continue;
      }
      this.call(s, ctx, mode, out);
    }
  }

  private call(s: RNode, ctx: Ctx, mode: { up: RbBuilder; steps: DownStep[] } | { out: RbBuilder; dir: 'up' | 'down' }, out: RbBuilder): void {
    const m: string = s.name;
    const recv = s.receiver;
    const change = 'steps' in mode;
    // Blocks whose body runs as part of the migration.
    if (!recv && (m === 'say_with_time' || m === 'transaction' || m === 'suppress_messages') && s.block) {
      out.analysed();
      this.walk(bodyOf(s.block), ctx, mode);
      return;
    }
    if (!recv && m === 'safety_assured' && s.block) {
      out.analysed();
      // strong_migrations' "I checked this": findings inside are suppressed, as an ignore comment would.
      this.comments.push({
        file: this.file.file,
        text: 'migratelint-disable -- safety_assured',
        range: this.file.range(s.location),
        endOffset: this.file.offset(s.location.startOffset + s.location.length),
        implied: true,
      });
      this.walk(bodyOf(s.block), ctx, mode);
      return;
    }
    if (!recv && m === 'reversible' && s.block) {
      out.analysed();
      const dirName = s.block.parameters?.parameters?.requireds?.[0]?.name;
      for (const d of bodyOf(s.block)) {
        if (kind(d) === 'CallNode' && kind(d.receiver) === 'LocalVariableReadNode' && d.receiver.name === dirName && (d.name === 'up' || d.name === 'down') && d.block) {
          const body = bodyOf(d.block);
          if (change) {
            if (d.name === 'up') this.walk(body, ctx, { out: mode.up, dir: 'up' });
            else mode.steps.push((down) => this.walk(body, { locals: new Map(ctx.locals) }, { out: down, dir: 'down' }));
          } else if (d.name === mode.dir) this.walk(body, ctx, mode);
        } else this.unanalysed(d, 'code inside reversible is not analysed');
      }
      return;
    }
    if (!recv && m === 'up_only' && s.block) {
      out.analysed();
      if (change || mode.dir === 'up') this.walk(bodyOf(s.block), ctx, change ? { out: mode.up, dir: 'up' } : mode);
      return;
    }
    if (EXECUTE.has(m) && (!recv ? m.startsWith('exec') || m.startsWith('select') : isConnection(this.file, recv))) {
      const str = sqlString(this.file, s.arguments_?.arguments_?.[0], ctx.locals);
      if (!str) {
        this.unanalysed(s, `${m}: SQL that is not a string literal is not analysed`);
        return;
      }
      out.analysed();
      out.raw(str, s);
      if (change) this.irreversible = { reason: `This migration uses ${m}, which is not automatically reversible.`, range: this.file.range(s.location) };
      return;
    }
    if (!recv && OPERATIONS.has(m)) {
      let op;
      try {
        op = this.ops.lower(s);
      } catch {
        op = undefined;
      }
      if (!op) {
        this.unanalysed(s, `${m}: arguments computed at run time are not analysed`);
        return;
      }
      out.analysed();
      out.builder(op.sql, s);
      if (change) {
        if (op.irreversible) this.irreversible = { reason: op.irreversible, range: this.file.range(s.location) };
        else if (op.inverse?.length) {
          const inverse = op.inverse;
          mode.steps.push((down) => down.builder(inverse, s, { derived: true }));
        }
      }
      return;
    }
    if (!recv && NO_SQL.has(m)) return;
    if (recv) {
      const data = dataChangeSql(this.file, s, this.models);
      if (data) {
        out.analysed();
        out.builder([data], s);
        // Not a migration method: the CommandRecorder does not see it, and a rollback of `change` runs it again.
        if (change) mode.steps.push((down) => down.builder([data], s, { derived: true }));
        return;
      }
      if (NO_SQL.has(m)) return;
    }
    this.unanalysed(s, `${recv ? `${this.file.src(recv).slice(0, 40)}.` : ''}${m} is not analysed`);
  }
}

/** `connection`, `ActiveRecord::Base.connection`, `Model.connection`, `ApplicationRecord.connection`. */
function isConnection(file: RbFile, recv: RNode): boolean {
  if (kind(recv) === 'CallNode' && recv.name === 'connection') return true;
  if (kind(recv) === 'LocalVariableReadNode' && /^(conn|connection)$/.test(recv.name)) return true;
  return /(^|\.)connection$/.test(file.src(recv));
}


/** The database a condition tests for, when it names one: `postgresql`, `mysql`, `sqlite`, ... */
function databaseTest(predicate: string): string | undefined {
  if (!/adapter|mysql|sqlite|postg|sqlserver|oracle/i.test(predicate)) return undefined;
  if (/postg/i.test(predicate)) return 'postgresql';
  const m = /(mysql|sqlite|sqlserver|oracle)/i.exec(predicate);
  return m ? m[1].toLowerCase() : undefined;
}
