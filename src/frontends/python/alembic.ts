/**
 * Alembic revisions: `revision` / `down_revision` / `branch_labels` / `depends_on`,
 * and `upgrade()` / `downgrade()` lowered to the SQL Alembic would run on PostgreSQL.
 */
import type { SyntaxNode } from '@lezer/common';
import path from 'node:path';
import type { Migration, Section } from '../../ir/types.js';
import { bodyStatements, children, unparen, type PyFile } from './syntax.js';
import { lit, q, qname, SectionBuilder, type Coverage } from './lower.js';
import {
  asCall,
  boolConst,
  constOf,
  dictOf,
  dotted,
  itemsOf,
  lastName,
  resolve,
  strConst,
  strOf,
  type Call,
  type PyConst,
  Scope,
} from './values.js';
import {
  columnList,
  columnSql,
  foreignKeySql,
  isSerial,
  saColumn,
  saType,
  serverDefault,
  sqlExpression,
  tableConstraint,
  type SaColumn,
} from './sqlalchemy.js';
import { chainSql, sqlalchemyTable } from './core.js';
import { textClause } from './strings.js';
import { BodyWalker, rootCtx, type WalkCtx } from './walker.js';

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
  // Multi-database templates dispatch to upgrade_<engine>() through globals().
  if (/\bglobals\(\)/.test(file.src(def))) {
    for (const [fname, other] of scope.functions) {
      if (fname.startsWith(`${name}_`)) lowerer.callFunction(other, undefined, scope, rootCtx());
    }
  }
  return { state: 'present', statements: builder.statements, file: file.file, range, transaction: builder.transaction(true) };
}

type TableArg = { name: string; schema?: string };

/** Where the table argument sits in each `op.*` call (batch calls leave it out). */
const TABLE_POSITION: Record<string, number> = {
  add_column: 0,
  alter_column: 0,
  drop_column: 0,
  create_index: 1,
  drop_index: 1,
  create_foreign_key: 1,
  create_unique_constraint: 1,
  create_check_constraint: 1,
  create_primary_key: 1,
  create_exclude_constraint: 1,
  drop_constraint: 1,
};

const NOT_SQL = new Set(['f', 'get_bind', 'get_context', 'inline_literal', 'implementation_for', 'register_operation', 'batch_alter_table']);

class BatchTable {
  constructor(readonly table: TableArg) {}
}

class AlembicLowerer extends BodyWalker {
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
      const table = this.tableName(scope, call.args[0] ?? call.kwargs.get('table_name'));
      const schema = strConst(scope, call.kwargs.get('schema'));
      if (!alias) return ctx;
      const names = new Map(ctx.names);
      names.set(this.file.src(alias), new BatchTable({ name: table, schema }));
      return { ...ctx, names };
    }
    return undefined;
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
      this.execute(call, scope, ctx, false);
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

  private tableName(scope: Scope, node: SyntaxNode | undefined, what = 'table'): string {
    const v = strConst(scope, node);
    if (v !== undefined) return v;
    return node && node.name !== 'None' ? `{${this.file.src(node).replace(/\s+/g, ' ').slice(0, 40)}}` : `{${what}}`;
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
    const tablePos = TABLE_POSITION[method];
    const a = (i: number, kw?: string): SyntaxNode | undefined => {
      if (kw && call.kwargs.has(kw)) return call.kwargs.get(kw);
      if (batch && tablePos !== undefined) {
        if (i === tablePos) return undefined;
        return call.args[i > tablePos ? i - 1 : i];
      }
      return call.args[i];
    };
    const tableKw = method === 'create_foreign_key' ? 'source_table' : 'table_name';
    const schemaKw = method === 'create_foreign_key' ? 'source_schema' : 'schema';
    const table: TableArg | undefined = batch ?? (tablePos !== undefined || method === 'create_table' || method === 'drop_table' || method === 'rename_table' || method === 'bulk_insert' || method.endsWith('_table_comment')
      ? { name: this.tableName(scope, a(tablePos ?? 0, tableKw)), schema: strConst(scope, call.kwargs.get(schemaKw)) }
      : undefined);
    const t = table ? qname(table.name, table.schema) : '';
    const sql = this.opSql(method, call, scope, a, table!, t);
    if (sql === undefined) {
      this.out.unanalysed(call.node, `op.${method}() is not analysed`);
      return true;
    }
    this.out.analysed();
    this.out.builder(sql, call.node, { outside: ctx.outside });
    return true;
  }

  private opSql(
    method: string,
    call: Call,
    scope: Scope,
    a: (i: number, kw?: string) => SyntaxNode | undefined,
    table: TableArg,
    t: string,
  ): string[] | undefined {
    const str = (node: SyntaxNode | undefined) => strConst(scope, node);
    // A name only known at run time prints as its expression: `{constraint}`.
    const named = (node: SyntaxNode | undefined, what: string) => str(node) ?? this.tableName(scope, node, what);
    const flag = (kw: string) => boolConst(scope, call.kwargs.get(kw)) === true;
    const ifExists = flag('if_exists') ? 'IF EXISTS ' : '';
    const ifNotExists = flag('if_not_exists') ? 'IF NOT EXISTS ' : '';
    switch (method) {
      case 'add_column': {
        const col = saColumn(scope, a(1, 'column')!);
        if (!col) return undefined;
        return [`ALTER TABLE ${t} ADD COLUMN ${ifNotExists}${columnSql(col)}`, ...columnExtras(table, t, col)];
      }
      case 'drop_column': {
        return [`ALTER TABLE ${t} DROP COLUMN ${ifExists}${q(named(a(1, 'column_name'), 'column'))}`];
      }
      case 'alter_column':
        return alterColumn(scope, call, t, named(a(1, 'column_name'), 'column'));
      case 'create_table':
        return createTable(scope, call, table, t, ifNotExists);
      case 'drop_table':
        return [`DROP TABLE ${ifExists}${t}`];
      case 'rename_table': {
        return [`ALTER TABLE ${t} RENAME TO ${q(named(a(1, 'new_table_name'), 'new_table_name'))}`];
      }
      case 'create_index': {
        const name = named(a(0, 'index_name'), 'index_name');
        const cols = columnList(scope, a(2, 'columns'));
        if (!cols) return undefined;
        const ops = dictOf(scope, call.kwargs.get('postgresql_ops')) ?? [];
        const withOps = cols.map((c) => {
          const op = ops.find(([k]) => q(k) === c);
          const opclass = op ? str(op[1]) : undefined;
          return opclass ? `${c} ${opclass}` : c;
        });
        const unique = flag('unique') ? 'UNIQUE ' : '';
        const concurrently = flag('postgresql_concurrently') ? 'CONCURRENTLY ' : '';
        const using = str(call.kwargs.get('postgresql_using'));
        const include = columnList(scope, call.kwargs.get('postgresql_include'));
        const where = call.kwargs.has('postgresql_where') ? sqlExpression(scope, call.kwargs.get('postgresql_where')) ?? 'true' : undefined;
        const schema = str(call.kwargs.get('schema'));
        return [
          `CREATE ${unique}INDEX ${concurrently}${ifNotExists}${q(name)} ON ${qname(table.name, schema ?? table.schema)}${using ? ` USING ${using}` : ''} (${withOps.join(', ')})` +
            `${include?.length ? ` INCLUDE (${include.join(', ')})` : ''}${where ? ` WHERE ${where}` : ''}`,
        ];
      }
      case 'drop_index': {
        const name = named(a(0, 'index_name'), 'index_name');
        const concurrently = flag('postgresql_concurrently') ? 'CONCURRENTLY ' : '';
        return [`DROP INDEX ${concurrently}${ifExists}${qname(name, str(call.kwargs.get('schema')) ?? table.schema)}`];
      }
      case 'create_foreign_key': {
        const name = str(a(0, 'constraint_name'));
        const ref = this.tableName(scope, a(2, 'referent_table'));
        const names = (node: SyntaxNode | undefined) =>
          (itemsOf(scope, node) ?? (node ? [node] : [])).map((x) => str(x) ?? '{column}');
        const fk = foreignKeySql({
          columns: names(a(3, 'local_cols')),
          refTable: ref,
          refSchema: str(call.kwargs.get('referent_schema')),
          refColumns: names(a(4, 'remote_cols')),
          ondelete: str(call.kwargs.get('ondelete')),
          onupdate: str(call.kwargs.get('onupdate')),
          deferrable: boolConst(scope, call.kwargs.get('deferrable')),
          initially: str(call.kwargs.get('initially')),
          notValid: flag('postgresql_not_valid'),
        });
        return [`ALTER TABLE ${t} ADD ${name ? `CONSTRAINT ${q(name)} ` : ''}${fk}`];
      }
      case 'create_unique_constraint': {
        const name = str(a(0, 'constraint_name'));
        const cols = columnList(scope, a(2, 'columns')) ?? [];
        const nulls = flag('postgresql_nulls_not_distinct') ? ' NULLS NOT DISTINCT' : '';
        const deferrable = call.kwargs.has('deferrable') ? (flag('deferrable') ? ' DEFERRABLE' : ' NOT DEFERRABLE') : '';
        return [`ALTER TABLE ${t} ADD ${name ? `CONSTRAINT ${q(name)} ` : ''}UNIQUE${nulls} (${cols.join(', ')})${deferrable}`];
      }
      case 'create_primary_key': {
        const name = str(a(0, 'constraint_name'));
        const cols = columnList(scope, a(2, 'columns')) ?? [];
        return [`ALTER TABLE ${t} ADD ${name ? `CONSTRAINT ${q(name)} ` : ''}PRIMARY KEY (${cols.join(', ')})`];
      }
      case 'create_check_constraint': {
        const name = str(a(0, 'constraint_name'));
        const cond = a(2, 'condition');
        const expr = sqlExpression(scope, cond);
        if (expr === undefined) this.out.unanalysed(cond ?? call.node, 'check condition is a SQLAlchemy expression; printed as TRUE');
        const notValid = flag('postgresql_not_valid') ? ' NOT VALID' : '';
        return [`ALTER TABLE ${t} ADD ${name ? `CONSTRAINT ${q(name)} ` : ''}CHECK (${expr ?? 'true'})${notValid}`];
      }
      case 'create_exclude_constraint': {
        const name = str(a(0, 'constraint_name'));
        const elements = call.args.slice(batchOffset(call, a)).map((el) => {
          const items = itemsOf(scope, el) ?? [];
          const col = columnList(scope, items[0])?.[0] ?? q('{column}');
          return `${col} WITH ${str(items[1]) ?? '='}`;
        });
        const using = str(call.kwargs.get('using')) ?? 'gist';
        const where = call.kwargs.has('where') ? sqlExpression(scope, call.kwargs.get('where')) ?? 'true' : undefined;
        return [`ALTER TABLE ${t} ADD ${name ? `CONSTRAINT ${q(name)} ` : ''}EXCLUDE USING ${using} (${elements.join(', ')})${where ? ` WHERE (${where})` : ''}`];
      }
      case 'drop_constraint': {
        const name = named(a(0, 'constraint_name'), 'constraint_name');
        return [`ALTER TABLE ${t} DROP CONSTRAINT ${ifExists}${q(name)}`];
      }
      case 'create_table_comment': {
        const comment = str(a(1, 'comment'));
        return [`COMMENT ON TABLE ${t} IS ${comment === undefined ? 'NULL' : lit(comment)}`];
      }
      case 'drop_table_comment':
        return [`COMMENT ON TABLE ${t} IS NULL`];
      case 'bulk_insert': {
        const target = sqlalchemyTable(scope, call.args[0]);
        if (!target) return undefined;
        const rows = itemsOf(scope, call.args[1]) ?? [];
        const cols = rows.length ? (dictOf(scope, rows[0]) ?? []).map(([k]) => k) : [];
        const tableSql = qname(target.name, target.schema);
        if (!cols.length) return [`INSERT INTO ${tableSql} DEFAULT VALUES`];
        const values = rows.map(() => `(${cols.map((_, i) => `$${i + 1}`).join(', ')})`);
        return [`INSERT INTO ${tableSql} (${cols.map(q).join(', ')}) VALUES ${values.join(', ')}`];
      }
      default:
        return undefined;
    }
  }
}

/** For `create_exclude_constraint`: where the element arguments start. */
function batchOffset(call: Call, a: (i: number) => SyntaxNode | undefined): number {
  // op.create_exclude_constraint(name, table, *elements); batch: (name, *elements)
  return a(1) === call.args[1] ? 2 : 1;
}

/** Constraints and indexes Alembic adds after `ADD COLUMN` for a column's ForeignKey, unique and index flags. */
function columnExtras(table: TableArg, t: string, col: SaColumn): string[] {
  const out: string[] = [];
  for (const fk of col.foreignKeys) out.push(`ALTER TABLE ${t} ADD ${foreignKeySql(fk)}`);
  if (col.index) {
    out.push(`CREATE ${col.unique ? 'UNIQUE ' : ''}INDEX ${q(`ix_${table.name}_${col.name}`)} ON ${t} (${q(col.name)})`);
  } else if (col.unique) {
    out.push(`ALTER TABLE ${t} ADD UNIQUE (${q(col.name)})`);
  }
  return out;
}

function alterColumn(scope: Scope, call: Call, t: string, column: string): string[] {
  const out: string[] = [];
  const c = q(column);
  const nullable = call.kwargs.has('nullable') ? boolConst(scope, call.kwargs.get('nullable')) : undefined;
  if (nullable === false) out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`);
  if (nullable === true) out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL`);
  if (call.kwargs.has('server_default')) {
    const node = resolve(scope, call.kwargs.get('server_default'));
    if (node && node.name !== 'Boolean') {
      const def = serverDefault(scope, node);
      out.push(def === undefined ? `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT` : `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${def}`);
    } else if (node && boolConst(scope, node) !== false) {
      out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT true`);
    }
  }
  if (call.kwargs.has('type_')) {
    const type = saType(scope, call.kwargs.get('type_'));
    if (type) {
      const using = call.kwargs.has('postgresql_using') ? strOf(scope, call.kwargs.get('postgresql_using')) : undefined;
      out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type.sql}${using ? ` USING ${using.text}` : ''}`);
    }
  }
  if (call.kwargs.has('comment')) {
    const comment = strConst(scope, call.kwargs.get('comment'));
    out.push(`COMMENT ON COLUMN ${t}.${c} IS ${comment === undefined ? 'NULL' : lit(comment)}`);
  }
  const rename = strConst(scope, call.kwargs.get('new_column_name'));
  if (rename) out.push(`ALTER TABLE ${t} RENAME COLUMN ${c} TO ${q(rename)}`);
  return out;
}

function createTable(scope: Scope, call: Call, table: TableArg, t: string, ifNotExists: string): string[] {
  const columns: SaColumn[] = [];
  const constraints: string[] = [];
  let explicitPk = false;
  const indexes: string[] = [];
  for (const item of call.args.slice(1)) {
    const col = saColumn(scope, item);
    if (col) {
      columns.push(col);
      continue;
    }
    const constraint = tableConstraint(scope, item);
    if (constraint) {
      if (constraint.kind === 'PrimaryKeyConstraint') {
        explicitPk = true;
        for (const c of constraint.columns ?? []) {
          const col = columns.find((x) => x.name === c);
          if (col) {
            col.primaryKey = true;
            col.nullable = false;
          }
        }
        constraints.unshift(constraint.sql);
      } else constraints.push(constraint.sql);
      continue;
    }
    const index = asCall(scope.file, resolve(scope, item));
    if (index && lastName(index.callee) === 'Index') {
      const name = strConst(scope, index.args[0]) ?? 'ix';
      const cols = index.args.slice(1).map((x) => columnList(scope, x)?.[0] ?? q('{column}'));
      const unique = boolConst(scope, index.kwargs.get('unique')) ? 'UNIQUE ' : '';
      indexes.push(`CREATE ${unique}INDEX ${q(name)} ON ${t} (${cols.join(', ')})`);
    }
  }
  const pkCount = columns.filter((c) => c.primaryKey).length;
  const lines = columns.map((c) => columnSql(c, { serial: isSerial(c, pkCount) }));
  if (pkCount && !explicitPk) lines.push(`PRIMARY KEY (${columns.filter((c) => c.primaryKey).map((c) => q(c.name)).join(', ')})`);
  lines.push(...constraints);
  for (const c of columns) {
    for (const fk of c.foreignKeys) lines.push(foreignKeySql(fk));
    if (c.unique && !c.index) lines.push(`UNIQUE (${q(c.name)})`);
    if (c.index) indexes.push(`CREATE ${c.unique ? 'UNIQUE ' : ''}INDEX ${q(`ix_${table.name}_${c.name}`)} ON ${t} (${q(c.name)})`);
  }
  const enums = new Map<string, string>();
  for (const c of columns) {
    const e = c.type?.enum;
    if (e?.create && !enums.has(e.name)) enums.set(e.name, `CREATE TYPE ${q(e.name)} AS ENUM (${e.values.map(lit).join(', ')})`);
  }
  const partition = strConst(scope, call.kwargs.get('postgresql_partition_by'));
  return [
    ...enums.values(),
    `CREATE TABLE ${ifNotExists}${t} (\n  ${lines.join(',\n  ')}\n)${partition ? ` PARTITION BY ${partition}` : ''}`,
    ...indexes,
  ];
}

function isTextCall(file: PyFile, scope: Scope, node: SyntaxNode): boolean {
  const call = asCall(file, resolve(scope, node));
  return !!call && /^(text|bindparams|execution_options|columns)$/.test(lastName(call.callee));
}
