/**
 * Django migrations: `class Migration(migrations.Migration)` with its dependencies,
 * replaces, atomic and operations, each operation lowered to the SQL Django's
 * PostgreSQL schema editor would run (what `manage.py sqlmigrate` prints), with the
 * project state (earlier migrations) supplying what an operation does not say itself.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Migration } from '../../ir/types.js';
import type { MigrationUnit } from '../../ir/unit.js';
import type { ReadFile } from '../registry.js';
import type { PyFile } from './syntax.js';
import { q, sqlValue, SectionBuilder, type Coverage } from './lower.js';
import {
  addForeignKey,
  columnDefinition,
  djangoField,
  djangoIndexName,
  fieldIndexes,
  fkConstraintName,
  fkTarget,
  inlineForeignKey,
  modelKey,
  type DjField,
} from './django-fields.js';
import {
  defaultTable,
  lookupFor,
  migrationInfo,
  mutableModel,
  operationNodes,
  projectFor,
  type DjMigrationInfo,
  type DjModel,
  type DjState,
} from './django-state.js';
import { asCall, boolConst, constOf, dictOf, dotted, itemsOf, lastName, resolve, strConst, strOf, type Call, type Scope } from './values.js';
import { percentFormat, placeholder } from './strings.js';
import { BodyWalker, rootCtx, type WalkCtx } from './walker.js';
import { chainSql } from './core.js';
import { unparen } from './syntax.js';

interface Emit {
  up: SectionBuilder;
  down: SectionBuilder;
  /** Lowering of reverse SQL / code, run in reverse operation order after the up pass. */
  reverse: (() => void)[];
  irreversible: { node: SyntaxNode; reason: string }[];
}

const EXTENSIONS: Record<string, string> = {
  BloomExtension: 'bloom',
  BtreeGinExtension: 'btree_gin',
  BtreeGistExtension: 'btree_gist',
  CITextExtension: 'citext',
  CryptoExtension: 'pgcrypto',
  HStoreExtension: 'hstore',
  TrigramExtension: 'pg_trgm',
  UnaccentExtension: 'unaccent',
};

const INDEX_METHODS: Record<string, string> = {
  GinIndex: 'gin',
  GistIndex: 'gist',
  BrinIndex: 'brin',
  HashIndex: 'hash',
  SpGistIndex: 'spgist',
  BloomIndex: 'bloom',
  BTreeIndex: 'btree',
};

const LOOKUPS: Record<string, string> = { exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

const RANGE_OPERATORS: Record<string, string> = {
  EQUAL: '=',
  NOT_EQUAL: '<>',
  CONTAINS: '@>',
  CONTAINED_BY: '<@',
  OVERLAPS: '&&',
  FULLY_LT: '<<',
  FULLY_GT: '>>',
  NOT_LT: '&>',
  NOT_GT: '&<',
  ADJACENT_TO: '-|-',
};

/** No-SQL operations Django has (state only). */
const STATE_ONLY = new Set(['AlterModelOptions', 'AlterModelManagers', 'AlterModelTableComment', 'CreateCollation', 'RemoveCollation']);

const CURSOR = Symbol('cursor');

export class DjangoOps {
  private readonly owned = new Set<DjModel>();
  private readonly scope: Scope;
  private readonly app: string;

  get appLabel(): string {
    return this.app;
  }

  constructor(
    private readonly info: DjMigrationInfo,
    private readonly state: DjState,
    private readonly emit: Emit | undefined,
  ) {
    this.scope = info.classScope;
    this.app = info.app;
  }

  run(ops: SyntaxNode[]): void {
    for (const op of ops) this.operation(op);
  }

  private get lookup() {
    return lookupFor(this.state);
  }

  private key(node: SyntaxNode | undefined): string {
    const name = strConst(this.scope, node);
    return `${this.app}.${(name ?? '?').toLowerCase()}`;
  }

  tableOf(key: string): string {
    return this.state.get(key)?.table ?? this.lookup.tableOf(key);
  }

  private managed(key: string): boolean {
    return this.state.get(key)?.managed ?? true;
  }

  private sql(node: SyntaxNode, sql: string[]): void {
    if (!this.emit) return;
    this.emit.up.analysed();
    this.emit.up.builder(sql, node);
  }

  private unanalysed(node: SyntaxNode, reason: string): void {
    this.emit?.up.unanalysed(node, reason);
  }

  private column(model: DjModel | undefined, fieldName: string): string {
    if (fieldName === 'pk' && model) {
      for (const f of model.fields.values()) if (f.primaryKey) return f.column;
    }
    return model?.fields.get(fieldName)?.column ?? fieldName;
  }

  private field(node: SyntaxNode | undefined, name: string, modelName: string): DjField | undefined {
    return node ? djangoField(this.scope, node, name, this.app, modelName, this.lookup) : undefined;
  }

  operation(node: SyntaxNode): void {
    const call = asCall(this.scope.file, resolve(this.scope, node));
    if (!call) {
      this.unanalysed(node, 'operation is not a call');
      return;
    }
    const kind = lastName(call.callee);
    const a = (i: number, kw: string) => call.kwargs.get(kw) ?? call.args[i];
    switch (kind) {
      case 'CreateModel':
        return this.createModel(call, a);
      case 'DeleteModel': {
        const key = this.key(a(0, 'name'));
        const model = this.state.get(key);
        const sql: string[] = [];
        for (const f of model?.fields.values() ?? []) {
          if (f.m2m && !f.m2m.through) sql.push(`DROP TABLE ${q(this.throughTable(model!.table, f))} CASCADE`);
        }
        sql.push(`DROP TABLE ${q(this.tableOf(key))} CASCADE`);
        if (this.managed(key)) this.sql(call.node, sql);
        this.state.delete(key);
        return;
      }
      case 'AddField':
        return this.addField(call, a);
      case 'RemoveField':
        return this.removeField(call, a);
      case 'AlterField':
        return this.alterField(call, a);
      case 'RenameField':
        return this.renameField(call, a);
      case 'RenameModel':
        return this.renameModel(call, a);
      case 'AlterModelTable': {
        const key = this.key(a(0, 'name'));
        const model = mutableModel(this.state, key, this.owned);
        const from = this.tableOf(key);
        const to = strConst(this.scope, a(1, 'table')) ?? defaultTable(key);
        if (model) model.table = to;
        if (from !== to && this.managed(key)) this.sql(call.node, [`ALTER TABLE ${q(from)} RENAME TO ${q(to)}`]);
        return;
      }
      case 'AlterUniqueTogether':
      case 'AlterIndexTogether':
        return this.alterTogether(call, a, kind === 'AlterUniqueTogether');
      case 'AlterOrderWithRespectTo': {
        const key = this.key(a(0, 'name'));
        const model = mutableModel(this.state, key, this.owned);
        const t = q(this.tableOf(key));
        const to = constOf(this.scope, a(1, 'order_with_respect_to'));
        if (to === null || to === undefined) {
          if (model?.fields.has('_order')) this.sql(call.node, [`ALTER TABLE ${t} DROP COLUMN "_order" CASCADE`]);
          model?.fields.delete('_order');
        } else {
          this.sql(call.node, [`ALTER TABLE ${t} ADD COLUMN "_order" integer DEFAULT 0 NOT NULL`, `ALTER TABLE ${t} ALTER COLUMN "_order" DROP DEFAULT`]);
          model?.fields.set('_order', { name: '_order', kind: 'OrderWrt', column: '_order', type: 'integer', null: false, primaryKey: false, unique: false, dbIndex: false });
        }
        return;
      }
      case 'AddIndex':
      case 'AddIndexConcurrently': {
        const key = this.key(a(0, 'model_name'));
        const model = mutableModel(this.state, key, this.owned);
        const index = this.indexSql(model, key, a(1, 'index'), kind === 'AddIndexConcurrently');
        if (!index) return this.unanalysed(call.node, `${kind}: index definition not understood`);
        model?.constraints.set(index.name, 'index');
        if (this.managed(key)) this.sql(call.node, [index.sql]);
        return;
      }
      case 'RemoveIndex':
      case 'RemoveIndexConcurrently': {
        const key = this.key(a(0, 'model_name'));
        const name = strConst(this.scope, a(1, 'name')) ?? '{name}';
        mutableModel(this.state, key, this.owned)?.constraints.delete(name);
        const concurrently = kind === 'RemoveIndexConcurrently' ? 'CONCURRENTLY ' : '';
        if (this.managed(key)) this.sql(call.node, [`DROP INDEX ${concurrently}IF EXISTS ${q(name)}`]);
        return;
      }
      case 'RenameIndex': {
        const key = this.key(a(0, 'model_name'));
        const to = strConst(this.scope, a(1, 'new_name')) ?? '{new_name}';
        const from = strConst(this.scope, call.kwargs.get('old_name')) ?? `{${this.scope.file.src(call.kwargs.get('old_fields') ?? call.node).slice(0, 30)}}`;
        const model = mutableModel(this.state, key, this.owned);
        model?.constraints.delete(from);
        model?.constraints.set(to, 'index');
        if (this.managed(key)) this.sql(call.node, [`ALTER INDEX ${q(from)} RENAME TO ${q(to)}`]);
        return;
      }
      case 'AddConstraint':
      case 'AddConstraintNotValid': {
        const key = this.key(a(0, 'model_name'));
        const model = mutableModel(this.state, key, this.owned);
        const c = this.constraintSql(model, key, a(1, 'constraint'), kind === 'AddConstraintNotValid');
        if (!c) return this.unanalysed(call.node, `${kind}: constraint definition not understood`);
        model?.constraints.set(c.name, c.index ? 'index' : 'constraint');
        if (this.managed(key)) this.sql(call.node, [c.sql]);
        return;
      }
      case 'RemoveConstraint': {
        const key = this.key(a(0, 'model_name'));
        const name = strConst(this.scope, a(1, 'name')) ?? '{name}';
        const model = mutableModel(this.state, key, this.owned);
        const isIndex = model?.constraints.get(name) === 'index';
        model?.constraints.delete(name);
        const t = q(this.tableOf(key));
        if (this.managed(key)) this.sql(call.node, [isIndex ? `DROP INDEX IF EXISTS ${q(name)}` : `ALTER TABLE ${t} DROP CONSTRAINT ${q(name)}`]);
        return;
      }
      case 'ValidateConstraint': {
        const key = this.key(a(0, 'model_name'));
        const name = strConst(this.scope, a(1, 'name')) ?? '{name}';
        this.sql(call.node, [`ALTER TABLE ${q(this.tableOf(key))} VALIDATE CONSTRAINT ${q(name)}`]);
        return;
      }
      case 'CreateExtension':
      case 'BloomExtension':
      case 'BtreeGinExtension':
      case 'BtreeGistExtension':
      case 'CITextExtension':
      case 'CryptoExtension':
      case 'HStoreExtension':
      case 'TrigramExtension':
      case 'UnaccentExtension': {
        const name = EXTENSIONS[kind] ?? strConst(this.scope, a(0, 'name')) ?? '{name}';
        this.sql(call.node, [`CREATE EXTENSION IF NOT EXISTS ${q(name)}`]);
        if (this.emit) this.emit.reverse.push(() => this.emit!.down.builder(`DROP EXTENSION IF EXISTS ${q(name)}`, call.node));
        return;
      }
      case 'RunSQL':
        return this.runSql(call, a);
      case 'RunPython':
        return this.runPython(call, a);
      case 'SeparateDatabaseAndState': {
        const database = operationNodes(this.scope, a(0, 'database_operations')) ?? [];
        const stateOps = operationNodes(this.scope, a(1, 'state_operations')) ?? [];
        // Database operations run against a copy of the state; the real state follows state_operations.
        new DjangoOps(this.info, new Map(this.state), this.emit).run(database);
        new DjangoOps(this.info, this.state, undefined).run(stateOps);
        this.emit?.up.analysed();
        return;
      }
      default:
        if (STATE_ONLY.has(kind)) {
          this.emit?.up.analysed();
          return;
        }
        this.unanalysed(call.node, `${kind || 'operation'} is not a Django operation migratelint knows; not analysed`);
    }
  }

  // -------------------------------------------------------------------------
  // Models and fields

  private createModel(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const name = strConst(this.scope, a(0, 'name')) ?? '?';
    const lower = name.toLowerCase();
    const key = `${this.app}.${lower}`;
    const options = new Map(dictOf(this.scope, a(2, 'options')) ?? []);
    const table = strConst(this.scope, options.get('db_table')) ?? defaultTable(key);
    const managed = boolConst(this.scope, options.get('managed')) !== false && boolConst(this.scope, options.get('proxy')) !== true;
    const model: DjModel = {
      key,
      app: this.app,
      name: lower,
      table,
      fields: new Map(),
      uniqueTogether: this.together(options.get('unique_together')),
      indexTogether: this.together(options.get('index_together')),
      constraints: new Map(),
      managed,
    };
    this.owned.add(model);
    this.state.set(key, model);
    for (const item of itemsOf(this.scope, a(1, 'fields')) ?? []) {
      const [nameNode, fieldNode] = itemsOf(this.scope, item) ?? [];
      const fieldName = strConst(this.scope, nameNode);
      if (!fieldName || !fieldNode) continue;
      const field = this.field(fieldNode, fieldName, lower);
      if (field) model.fields.set(fieldName, field);
    }
    if (!managed) {
      this.emit?.up.analysed();
      return;
    }
    const t = q(table);
    const columns: string[] = [];
    const after: string[] = [];
    for (const f of model.fields.values()) {
      if (f.m2m) {
        if (!f.m2m.through) after.push(...this.throughTableSql(model, f));
        continue;
      }
      columns.push(columnDefinition(f, { includeDefault: false }));
      if (f.fk?.dbConstraint) after.push(addForeignKey(table, f, this.lookup));
      after.push(...fieldIndexes(table, f));
    }
    for (const group of model.uniqueTogether) {
      const cols = group.map((g) => this.column(model, g));
      columns.push(`CONSTRAINT ${q(djangoIndexName(table, cols, '_uniq'))} UNIQUE (${cols.map(q).join(', ')})`);
    }
    for (const group of model.indexTogether) {
      const cols = group.map((g) => this.column(model, g));
      after.push(`CREATE INDEX ${q(djangoIndexName(table, cols, '_idx'))} ON ${t} (${cols.map(q).join(', ')})`);
    }
    for (const c of itemsOf(this.scope, options.get('constraints')) ?? []) {
      const spec = this.constraintSql(model, key, c, false);
      if (!spec) continue;
      model.constraints.set(spec.name, spec.index ? 'index' : 'constraint');
      if (spec.index || !spec.inline) after.push(spec.sql);
      else columns.push(spec.inline);
    }
    for (const i of itemsOf(this.scope, options.get('indexes')) ?? []) {
      const spec = this.indexSql(model, key, i, false);
      if (!spec) continue;
      model.constraints.set(spec.name, 'index');
      after.push(spec.sql);
    }
    this.sql(call.node, [`CREATE TABLE ${t} (${columns.join(', ')})`, ...after]);
  }

  private throughTable(table: string, field: DjField): string {
    return field.m2m?.dbTable ?? `${table}_${field.name}`.slice(0, 63);
  }

  private throughTableSql(model: DjModel, field: DjField): string[] {
    const table = this.throughTable(model.table, field);
    const to = field.m2m!.to;
    const toName = to.slice(to.indexOf('.') + 1);
    const self = to === model.key;
    const from = `${self ? 'from_' : ''}${model.name}_id`;
    const target = `${self ? 'to_' : ''}${toName}_id`;
    const lookup = this.lookup;
    const fromType = lookup.pkOf(model.key)?.type ?? 'bigint';
    const toType = lookup.pkOf(to)?.type ?? 'bigint';
    const t = q(table);
    return [
      `CREATE TABLE ${t} ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, ${q(from)} ${fromType} NOT NULL, ${q(target)} ${toType} NOT NULL)`,
      `ALTER TABLE ${t} ADD CONSTRAINT ${q(djangoIndexName(table, [from, target], '_uniq'))} UNIQUE (${q(from)}, ${q(target)})`,
      `ALTER TABLE ${t} ADD CONSTRAINT ${q(fkConstraintName(table, from, model.table, 'id'))} FOREIGN KEY (${q(from)}) REFERENCES ${q(model.table)} ("id") DEFERRABLE INITIALLY DEFERRED`,
      `ALTER TABLE ${t} ADD CONSTRAINT ${q(fkConstraintName(table, target, lookup.tableOf(to), 'id'))} FOREIGN KEY (${q(target)}) REFERENCES ${q(lookup.tableOf(to))} ("id") DEFERRABLE INITIALLY DEFERRED`,
      `CREATE INDEX ${q(djangoIndexName(table, [from]))} ON ${t} (${q(from)})`,
      `CREATE INDEX ${q(djangoIndexName(table, [target]))} ON ${t} (${q(target)})`,
    ];
  }

  private addField(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const key = this.key(a(0, 'model_name'));
    const name = strConst(this.scope, a(1, 'name')) ?? '?';
    const model = mutableModel(this.state, key, this.owned);
    const field = this.field(a(2, 'field'), name, key.slice(key.indexOf('.') + 1));
    if (!field) return this.unanalysed(call.node, 'AddField: field definition not understood');
    model?.fields.set(name, field);
    if (!this.managed(key)) return;
    const table = this.tableOf(key);
    const t = q(table);
    if (field.m2m) {
      if (!field.m2m.through && model) this.sql(call.node, this.throughTableSql(model, field));
      return;
    }
    const fk = field.fk?.dbConstraint ? inlineForeignKey(table, field, this.lookup) : '';
    const sql = [`ALTER TABLE ${t} ADD COLUMN ${columnDefinition(field, { includeDefault: true })}${fk}`];
    if (field.effectiveDefault !== undefined && field.dbDefault === undefined) {
      sql.push(`ALTER TABLE ${t} ALTER COLUMN ${q(field.column)} DROP DEFAULT`);
    }
    sql.push(...fieldIndexes(table, field));
    this.sql(call.node, sql);
  }

  private removeField(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const key = this.key(a(0, 'model_name'));
    const name = strConst(this.scope, a(1, 'name')) ?? '?';
    const model = mutableModel(this.state, key, this.owned);
    const field = model?.fields.get(name);
    model?.fields.delete(name);
    if (!this.managed(key)) return;
    const table = this.tableOf(key);
    const t = q(table);
    if (field?.m2m) {
      if (!field.m2m.through) this.sql(call.node, [`DROP TABLE ${q(this.throughTable(table, field))} CASCADE`]);
      return;
    }
    const sql: string[] = [];
    if (field?.fk?.dbConstraint) {
      const target = fkTarget(field, this.lookup);
      sql.push(`ALTER TABLE ${t} DROP CONSTRAINT ${q(fkConstraintName(table, field.column, target.table, target.column))}`);
    }
    sql.push(`ALTER TABLE ${t} DROP COLUMN ${q(field?.column ?? name)} CASCADE`);
    this.sql(call.node, sql);
  }

  private alterField(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const key = this.key(a(0, 'model_name'));
    const name = strConst(this.scope, a(1, 'name')) ?? '?';
    const model = mutableModel(this.state, key, this.owned);
    const before = model?.fields.get(name);
    const after = this.field(a(2, 'field'), name, key.slice(key.indexOf('.') + 1));
    if (!after) return this.unanalysed(call.node, 'AlterField: field definition not understood');
    model?.fields.set(name, after);
    if (!this.emit || !this.managed(key)) return;
    if (!before) {
      this.unanalysed(call.node, `AlterField ${key}.${name}: the field's previous definition was not found in earlier migrations, so what changes is unknown`);
      return;
    }
    if (before.m2m || after.m2m) {
      this.emit.up.analysed();
      return;
    }
    const table = this.tableOf(key);
    const t = q(table);
    const col = q(after.column);
    const sql: string[] = [];
    const fkChanged =
      !!before.fk?.dbConstraint !== !!after.fk?.dbConstraint ||
      before.fk?.to !== after.fk?.to ||
      before.type !== after.type ||
      before.column !== after.column;
    if (before.fk?.dbConstraint && fkChanged) {
      const target = fkTarget(before, this.lookup);
      sql.push(`ALTER TABLE ${t} DROP CONSTRAINT ${q(fkConstraintName(table, before.column, target.table, target.column))}`);
    }
    if (before.unique && !before.primaryKey && !after.unique) {
      sql.push(`ALTER TABLE ${t} DROP CONSTRAINT ${q(`${table}_${before.column}_key`.slice(0, 63))}`);
    }
    const indexedBefore = before.dbIndex && !before.unique;
    const indexedAfter = after.dbIndex && !after.unique;
    if (indexedBefore && !indexedAfter) sql.push(`DROP INDEX IF EXISTS ${q(djangoIndexName(table, [before.column]))}`);
    if (before.column !== after.column) sql.push(`ALTER TABLE ${t} RENAME COLUMN ${q(before.column)} TO ${col}`);
    if (before.type !== after.type && after.type) sql.push(`ALTER TABLE ${t} ALTER COLUMN ${col} TYPE ${after.type} USING ${col}::${after.type}`);
    if (before.dbDefault !== after.dbDefault) {
      sql.push(after.dbDefault === undefined ? `ALTER TABLE ${t} ALTER COLUMN ${col} DROP DEFAULT` : `ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT ${after.dbDefault}`);
    }
    if (before.null && !after.null) {
      const fill = after.dbDefault ?? after.effectiveDefault;
      if (fill !== undefined && after.dbDefault === undefined) {
        // Django's four steps: default for new rows, backfill NULLs, NOT NULL, drop the default.
        sql.push(
          `ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT ${fill}`,
          `UPDATE ${t} SET ${col} = ${fill} WHERE ${col} IS NULL`,
          `ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL`,
          `ALTER TABLE ${t} ALTER COLUMN ${col} DROP DEFAULT`,
        );
      } else {
        if (fill !== undefined) sql.push(`UPDATE ${t} SET ${col} = ${fill} WHERE ${col} IS NULL`);
        sql.push(`ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL`);
      }
    } else if (!before.null && after.null) {
      sql.push(`ALTER TABLE ${t} ALTER COLUMN ${col} DROP NOT NULL`);
    }
    if (after.unique && !after.primaryKey && !before.unique) {
      sql.push(`ALTER TABLE ${t} ADD CONSTRAINT ${q(djangoIndexName(table, [after.column], '_uniq'))} UNIQUE (${col})`);
    }
    if (indexedAfter && !indexedBefore) sql.push(`CREATE INDEX ${q(djangoIndexName(table, [after.column]))} ON ${t} (${col})`);
    if (after.fk?.dbConstraint && (fkChanged || !before.fk?.dbConstraint)) sql.push(addForeignKey(table, after, this.lookup));
    if (sql.length) this.sql(call.node, sql);
    else this.emit.up.analysed();
  }

  private renameField(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const key = this.key(a(0, 'model_name'));
    const from = strConst(this.scope, a(1, 'old_name')) ?? '?';
    const to = strConst(this.scope, a(2, 'new_name')) ?? '?';
    const model = mutableModel(this.state, key, this.owned);
    const field = model?.fields.get(from);
    let fromColumn = field?.column ?? from;
    let toColumn = to;
    if (field) {
      const derived = field.column === from || field.column === `${from}_id`;
      toColumn = derived ? (field.fk ? `${to}_id` : to) : field.column;
      fromColumn = field.column;
      model!.fields.delete(from);
      model!.fields.set(to, { ...field, name: to, column: toColumn });
      model!.uniqueTogether = model!.uniqueTogether.map((g) => g.map((n) => (n === from ? to : n)));
      model!.indexTogether = model!.indexTogether.map((g) => g.map((n) => (n === from ? to : n)));
    }
    if (fromColumn === toColumn || field?.m2m || !this.managed(key)) {
      this.emit?.up.analysed();
      return;
    }
    this.sql(call.node, [`ALTER TABLE ${q(this.tableOf(key))} RENAME COLUMN ${q(fromColumn)} TO ${q(toColumn)}`]);
  }

  private renameModel(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const fromKey = this.key(a(0, 'old_name'));
    const toName = strConst(this.scope, a(1, 'new_name')) ?? '?';
    const toKey = `${this.app}.${toName.toLowerCase()}`;
    const model = this.state.get(fromKey);
    const fromTable = this.tableOf(fromKey);
    const derived = !model || model.table === defaultTable(fromKey);
    const toTable = derived ? defaultTable(toKey) : model!.table;
    if (model) {
      this.state.delete(fromKey);
      const moved: DjModel = { ...model, key: toKey, name: toName.toLowerCase(), table: toTable, fields: new Map(model.fields) };
      this.owned.add(moved);
      this.state.set(toKey, moved);
      // Foreign keys elsewhere now point at the new name.
      for (const [k, other] of this.state) {
        if (![...other.fields.values()].some((f) => f.fk?.to === fromKey || f.m2m?.to === fromKey)) continue;
        const copy = mutableModel(this.state, k, this.owned)!;
        for (const [n, f] of copy.fields) {
          if (f.fk?.to === fromKey) copy.fields.set(n, { ...f, fk: { ...f.fk, to: toKey } });
          if (f.m2m?.to === fromKey) copy.fields.set(n, { ...f, m2m: { ...f.m2m, to: toKey } });
        }
      }
    }
    if (fromTable === toTable || (model && !model.managed)) {
      this.emit?.up.analysed();
      return;
    }
    this.sql(call.node, [`ALTER TABLE ${q(fromTable)} RENAME TO ${q(toTable)}`]);
  }

  private together(node: SyntaxNode | undefined): string[][] {
    const v = constOf(this.scope, node);
    if (!Array.isArray(v) || v.length === 0) return [];
    if (v.every((x) => typeof x === 'string')) return [v as string[]];
    return v.filter((g): g is string[] => Array.isArray(g) && g.every((x) => typeof x === 'string'));
  }

  private alterTogether(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined, unique: boolean): void {
    const key = this.key(a(0, 'name'));
    const model = mutableModel(this.state, key, this.owned);
    const next = this.together(a(1, unique ? 'unique_together' : 'index_together'));
    if (model.stub) {
      if (unique) model.uniqueTogether = next;
      else model.indexTogether = next;
      this.unanalysed(call.node, `${unique ? 'AlterUniqueTogether' : 'AlterIndexTogether'}: model ${key} not found in earlier migrations`);
      return;
    }
    const previous = unique ? model.uniqueTogether : model.indexTogether;
    const id = (g: string[]) => g.join('\u0000');
    const removed = previous.filter((g) => !next.some((n) => id(n) === id(g)));
    const added = next.filter((g) => !previous.some((p) => id(p) === id(g)));
    if (unique) model.uniqueTogether = next;
    else model.indexTogether = next;
    if (!model.managed) return;
    const table = model.table;
    const t = q(table);
    const sql: string[] = [];
    for (const g of removed) {
      const cols = g.map((n) => this.column(model, n));
      sql.push(
        unique
          ? `ALTER TABLE ${t} DROP CONSTRAINT ${q(djangoIndexName(table, cols, '_uniq'))}`
          : `DROP INDEX IF EXISTS ${q(djangoIndexName(table, cols, '_idx'))}`,
      );
    }
    for (const g of added) {
      const cols = g.map((n) => this.column(model, n));
      sql.push(
        unique
          ? `ALTER TABLE ${t} ADD CONSTRAINT ${q(djangoIndexName(table, cols, '_uniq'))} UNIQUE (${cols.map(q).join(', ')})`
          : `CREATE INDEX ${q(djangoIndexName(table, cols, '_idx'))} ON ${t} (${cols.map(q).join(', ')})`,
      );
    }
    if (sql.length) this.sql(call.node, sql);
    else this.emit?.up.analysed();
  }

  // -------------------------------------------------------------------------
  // Indexes and constraints

  /** SQL for an expression inside an index or constraint (`Lower('name')`, `F('x')`, `'-created'`). */
  private expression(model: DjModel | undefined, node: SyntaxNode): string {
    const s = strConst(this.scope, node);
    if (s !== undefined) {
      const desc = s.startsWith('-');
      return `${q(this.column(model, desc ? s.slice(1) : s))}${desc ? ' DESC' : ''}`;
    }
    const call = asCall(this.scope.file, resolve(this.scope, node));
    if (call) {
      const name = lastName(call.callee);
      if (name === 'F') return q(this.column(model, strConst(this.scope, call.args[0]) ?? '?'));
      if (name === 'OpClass') return `${this.expression(model, call.args[0])} ${strConst(this.scope, call.kwargs.get('name') ?? call.args[1]) ?? ''}`.trim();
      const target = call.calleeNode.name === 'MemberExpression' ? call.calleeNode.firstChild : null;
      if ((name === 'desc' || name === 'asc') && target) return `${this.expression(model, target)} ${name.toUpperCase()}`;
      if (/^[A-Z]\w*$/.test(name)) return `${name.toUpperCase()}(${call.args.map((x) => this.expression(model, x)).join(', ')})`;
    }
    return placeholder(this.scope.file.src(node), undefined, undefined);
  }

  /** A `Q(...)` condition as SQL. */
  private condition(model: DjModel | undefined, node: SyntaxNode | undefined): string {
    if (!node) return 'true';
    const n = unparen(node);
    if (n.name === 'BinaryExpression') {
      const [l, op, r] = [n.firstChild!, n.firstChild!.nextSibling!, n.lastChild!];
      const joiner = this.scope.file.src(op) === '|' ? 'OR' : 'AND';
      return `(${this.condition(model, l)} ${joiner} ${this.condition(model, r)})`;
    }
    if (n.name === 'UnaryExpression' && this.scope.file.src(n).trim().startsWith('~')) {
      return `NOT (${this.condition(model, n.lastChild!)})`;
    }
    const call = asCall(this.scope.file, resolve(this.scope, n));
    if (!call || lastName(call.callee) !== 'Q') return placeholder(this.scope.file.src(n), undefined, undefined);
    const parts: string[] = call.args.map((x) => {
      const pair = itemsOf(this.scope, x);
      return pair && pair.length === 2 ? this.lookupSql(model, strConst(this.scope, pair[0]) ?? '?', pair[1]) : this.condition(model, x);
    });
    for (const [k, v] of call.kwargs) if (k !== '_connector' && k !== '_negated') parts.push(this.lookupSql(model, k, v));
    const connector = /\bOR\b/.test(this.scope.file.src(call.kwargs.get('_connector') ?? call.node)) && call.kwargs.has('_connector') ? ' OR ' : ' AND ';
    const joined = parts.length ? parts.join(connector) : 'true';
    return boolConst(this.scope, call.kwargs.get('_negated')) ? `NOT (${joined})` : parts.length > 1 ? `(${joined})` : joined;
  }

  private lookupSql(model: DjModel | undefined, lookup: string, valueNode: SyntaxNode): string {
    const segments = lookup.split('__');
    let op = 'exact';
    if (segments.length > 1 && /^(exact|iexact|gt|gte|lt|lte|in|isnull|contains|icontains|startswith|istartswith|endswith|iendswith|range)$/.test(segments[segments.length - 1])) {
      op = segments.pop()!;
    }
    const col = q(this.column(model, segments[0]));
    const v = constOf(this.scope, valueNode);
    const value = (x: unknown) => (x !== undefined && (x === null || typeof x !== 'object') ? sqlValue(x) : undefined);
    let rhs = value(v);
    if (rhs === undefined) {
      const call = asCall(this.scope.file, resolve(this.scope, valueNode));
      rhs = call && lastName(call.callee) === 'F' ? q(this.column(model, strConst(this.scope, call.args[0]) ?? '?')) : placeholder(this.scope.file.src(valueNode), undefined, undefined);
    }
    switch (op) {
      case 'isnull':
        return `${col} IS ${v === false ? 'NOT ' : ''}NULL`;
      case 'in': {
        const items = Array.isArray(v) ? v.map(value).filter((x): x is string => !!x) : [rhs];
        return `${col} IN (${items.join(', ') || 'NULL'})`;
      }
      case 'range': {
        const items = Array.isArray(v) ? v.map(value) : [];
        return `${col} BETWEEN ${items[0] ?? 'NULL'} AND ${items[1] ?? 'NULL'}`;
      }
      case 'iexact':
        return `UPPER(${col}::text) = UPPER(${rhs})`;
      case 'contains':
      case 'icontains':
      case 'startswith':
      case 'istartswith':
      case 'endswith':
      case 'iendswith': {
        const like = op.startsWith('i') ? 'ILIKE' : 'LIKE';
        return `${col}::text ${like} ${rhs}`;
      }
      default:
        return `${col} ${LOOKUPS[op] ?? '='} ${rhs}`;
    }
  }

  private indexSql(model: DjModel | undefined, key: string, node: SyntaxNode | undefined, concurrently: boolean): { name: string; sql: string } | undefined {
    const call = node ? asCall(this.scope.file, resolve(this.scope, node)) : undefined;
    if (!call) return undefined;
    const kind = lastName(call.callee);
    const table = model?.table ?? this.tableOf(key);
    const fields = (itemsOf(this.scope, call.kwargs.get('fields')) ?? []).map((f) => this.expression(model, f));
    const expressions = call.args.map((x) => `(${this.expression(model, x)})`);
    const opclasses = (constOf(this.scope, call.kwargs.get('opclasses')) as string[] | undefined) ?? [];
    const columns = [...fields, ...expressions].map((c, i) => (opclasses[i] ? `${c} ${opclasses[i]}` : c));
    const name =
      strConst(this.scope, call.kwargs.get('name')) ??
      djangoIndexName(table, fields.map((f) => f.replace(/"/g, '').replace(/ DESC$/, '')), '_idx');
    const method = INDEX_METHODS[kind];
    const include = (constOf(this.scope, call.kwargs.get('include')) as string[] | undefined) ?? [];
    const where = call.kwargs.has('condition') ? ` WHERE ${this.condition(model, call.kwargs.get('condition'))}` : '';
    const sql =
      `CREATE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${q(name)} ON ${q(table)}${method ? ` USING ${method}` : ''} (${columns.join(', ')})` +
      `${include.length ? ` INCLUDE (${include.map((c) => q(this.column(model, c))).join(', ')})` : ''}${where}`;
    return { name, sql };
  }

  private constraintSql(
    model: DjModel | undefined,
    key: string,
    node: SyntaxNode | undefined,
    notValid: boolean,
  ): { name: string; sql: string; inline?: string; index?: boolean } | undefined {
    const call = node ? asCall(this.scope.file, resolve(this.scope, node)) : undefined;
    if (!call) return undefined;
    const kind = lastName(call.callee);
    const table = model?.table ?? this.tableOf(key);
    const t = q(table);
    const name = strConst(this.scope, call.kwargs.get('name')) ?? '{name}';
    const suffix = notValid ? ' NOT VALID' : '';
    if (kind === 'CheckConstraint') {
      const check = this.condition(model, call.kwargs.get('condition') ?? call.kwargs.get('check'));
      const body = `CONSTRAINT ${q(name)} CHECK (${check})`;
      return { name, sql: `ALTER TABLE ${t} ADD ${body}${suffix}`, inline: body };
    }
    if (kind === 'UniqueConstraint') {
      const fields = (itemsOf(this.scope, call.kwargs.get('fields')) ?? []).map((f) => this.expression(model, f));
      const expressions = call.args.map((x) => `(${this.expression(model, x)})`);
      const include = (constOf(this.scope, call.kwargs.get('include')) as string[] | undefined) ?? [];
      const nulls = boolConst(this.scope, call.kwargs.get('nulls_distinct')) === false ? ' NULLS NOT DISTINCT' : '';
      const deferrable = call.kwargs.has('deferrable')
        ? ` DEFERRABLE INITIALLY ${/IMMEDIATE/.test(this.scope.file.src(call.kwargs.get('deferrable')!)) ? 'IMMEDIATE' : 'DEFERRED'}`
        : '';
      if (call.kwargs.has('condition') || expressions.length || call.kwargs.has('opclasses')) {
        const where = call.kwargs.has('condition') ? ` WHERE ${this.condition(model, call.kwargs.get('condition'))}` : '';
        return {
          name,
          index: true,
          sql: `CREATE UNIQUE INDEX ${q(name)} ON ${t} (${[...fields, ...expressions].join(', ')})${include.length ? ` INCLUDE (${include.map((c) => q(this.column(model, c))).join(', ')})` : ''}${nulls}${where}`,
        };
      }
      const body = `CONSTRAINT ${q(name)} UNIQUE${nulls} (${fields.join(', ')})${include.length ? ` INCLUDE (${include.map((c) => q(this.column(model, c))).join(', ')})` : ''}${deferrable}`;
      return { name, sql: `ALTER TABLE ${t} ADD ${body}`, inline: body };
    }
    if (kind === 'ExclusionConstraint') {
      const using = strConst(this.scope, call.kwargs.get('index_type')) ?? 'gist';
      const elements = (itemsOf(this.scope, call.kwargs.get('expressions')) ?? []).map((pair) => {
        const [expr, op] = itemsOf(this.scope, pair) ?? [];
        const opText = strConst(this.scope, op) ?? RANGE_OPERATORS[lastName(dotted(this.scope.file, op ?? pair) ?? '')] ?? '=';
        return `${expr ? this.expression(model, expr) : '"?"'} WITH ${opText}`;
      });
      const where = call.kwargs.has('condition') ? ` WHERE (${this.condition(model, call.kwargs.get('condition'))})` : '';
      const body = `CONSTRAINT ${q(name)} EXCLUDE USING ${using} (${elements.join(', ')})${where}`;
      return { name, sql: `ALTER TABLE ${t} ADD ${body}${suffix}`, inline: body };
    }
    return undefined;
  }

  // -------------------------------------------------------------------------
  // RunSQL and RunPython

  private isNoop(node: SyntaxNode | undefined): boolean {
    if (!node) return false;
    const path = dotted(this.scope.file, node);
    return !!path && /(^|\.)(RunSQL|RunPython)\.noop$|^noop$/.test(path);
  }

  private isNone(node: SyntaxNode | undefined): boolean {
    return !node || constOf(this.scope, node) === null;
  }

  /** RunSQL's `sql` / `reverse_sql`: a string, a list of strings, or a list of (sql, params). */
  private lowerSql(node: SyntaxNode, out: SectionBuilder, at: SyntaxNode): void {
    if (this.isNoop(node)) return;
    const str = strOf(this.scope, node);
    if (str) {
      out.raw(str, at);
      return;
    }
    const items = itemsOf(this.scope, node);
    if (!items) {
      out.unanalysed(node, 'RunSQL: SQL is not a string or a list of strings');
      return;
    }
    for (const item of items) {
      const s = strOf(this.scope, item);
      if (s) {
        out.raw(s, at);
        continue;
      }
      const pair = itemsOf(this.scope, item);
      const sql = pair ? strOf(this.scope, pair[0]) : undefined;
      // (sql, params): the driver interpolates %s only when there are params.
      if (sql) out.raw(pair!.length > 1 && constOf(this.scope, pair![1]) !== null ? percentFormat(sql) : sql, at);
      else out.unanalysed(item, 'RunSQL: statement is not a string');
    }
  }

  private runSql(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const stateOps = operationNodes(this.scope, call.kwargs.get('state_operations'));
    if (stateOps) new DjangoOps(this.info, this.state, undefined).run(stateOps);
    const emit = this.emit;
    if (!emit) return;
    emit.up.analysed();
    const sql = a(0, 'sql');
    if (sql) this.lowerSql(sql, emit.up, call.node);
    const reverse = a(1, 'reverse_sql');
    if (this.isNone(reverse)) {
      emit.irreversible.push({ node: call.node, reason: 'RunSQL has no reverse_sql' });
    } else if (!this.isNoop(reverse)) {
      emit.reverse.push(() => this.lowerSql(reverse!, emit.down, call.node));
    }
  }

  private runPython(call: Call, a: (i: number, kw: string) => SyntaxNode | undefined): void {
    const emit = this.emit;
    if (!emit) return;
    emit.up.analysed();
    this.lowerCode(a(0, 'code'), emit.up);
    const reverse = a(1, 'reverse_code');
    if (this.isNone(reverse)) {
      const code = a(0, 'code');
      emit.irreversible.push({ node: call.node, reason: `RunPython(${code ? this.scope.file.src(code).slice(0, 40) : ''}) has no reverse_code` });
    } else if (!this.isNoop(reverse)) {
      emit.reverse.push(() => this.lowerCode(reverse, emit.down));
    }
  }

  /** The raw SQL and ORM updates / deletes inside a RunPython function. */
  private lowerCode(node: SyntaxNode | undefined, out: SectionBuilder): void {
    if (!node) return;
    const n = unparen(node);
    const root = this.info.scope;
    const def = n.name === 'VariableName' ? root.functions.get(this.scope.file.src(n)) : undefined;
    if (!def) return;
    new RunPythonWalker(this.scope.file, out, this).callFunction(def, undefined, root, rootCtx());
  }
}

/** Walks a RunPython function for `schema_editor.execute(...)`, cursors and ORM `update()` / `delete()`. */
class RunPythonWalker extends BodyWalker {
  constructor(
    file: PyFile,
    private readonly out: SectionBuilder,
    private readonly ops: DjangoOps,
  ) {
    super(file);
  }

  protected override withItem(call: Call, alias: SyntaxNode | undefined, _scope: Scope, ctx: WalkCtx): WalkCtx | undefined {
    if (lastName(call.callee) !== 'cursor' || !alias) return undefined;
    const names = new Map(ctx.names);
    names.set(this.file.src(alias), CURSOR);
    return { ...ctx, names };
  }

  protected call(call: Call, scope: Scope, ctx: WalkCtx): boolean {
    const method = lastName(call.callee);
    const receiver = call.callee.includes('.') ? call.callee.slice(0, call.callee.lastIndexOf('.')) : '';
    if ((method === 'execute' || method === 'executemany') && receiver) {
      const isSink =
        ctx.names.get(receiver) === CURSOR ||
        /(^|\.)(schema_editor|cursor|cur)$/.test(receiver) ||
        /\.cursor\(\)$/.test(receiver) ||
        (() => {
          const value = resolve(scope, call.calleeNode.firstChild ?? undefined);
          return !!value && /\.cursor\(\)$/.test(dotted(this.file, value) ?? '');
        })();
      if (!isSink) return false;
      const sqlNode = call.args[0] ?? call.kwargs.get('sql');
      const str = sqlNode ? strOf(scope, sqlNode) : undefined;
      this.out.analysed();
      if (!str) {
        if (sqlNode) this.out.unanalysed(sqlNode, 'SQL passed to execute() is not a string');
        return true;
      }
      const params = call.args[1] ?? call.kwargs.get('params');
      this.out.raw(params && constOf(scope, params) !== null ? percentFormat(str) : str, call.node);
      return true;
    }
    if ((method === 'update' || method === 'delete') && /(^|\.)(objects|_default_manager|_base_manager)\b/.test(call.callee)) {
      const sql = chainSql(scope, call.node, (base, links) => {
        const managerAt = links.findIndex((l) => /^(objects|_default_manager|_base_manager)$/.test(l.method));
        if (managerAt < 0) return undefined;
        // apps.get_model('shop', 'Book').objects...: the model is the link before the manager.
        const owner = managerAt > 0 ? links[managerAt - 1] : undefined;
        const key = owner?.call && owner.method === 'get_model' ? this.modelKeyOf(scope, owner.call) : managerAt === 0 ? this.modelOf(scope, base) : undefined;
        return key ? { table: { name: this.ops.tableOf(key) }, skip: managerAt + 1 } : undefined;
      });
      if (sql) {
        this.out.analysed();
        this.out.builder(sql, call.node);
        return true;
      }
    }
    return false;
  }

  private modelKeyOf(scope: Scope, call: Call): string | undefined {
    const first = strConst(scope, call.args[0] ?? call.kwargs.get('app_label'));
    const second = strConst(scope, call.args[1] ?? call.kwargs.get('model_name'));
    if (first && second) return `${first}.${second}`.toLowerCase();
    if (first?.includes('.')) return first.toLowerCase();
    return undefined;
  }

  /** `apps.get_model('app', 'Model')` (or an imported model class) as a model key. */
  private modelOf(scope: Scope, base: SyntaxNode): string | undefined {
    const value = resolve(scope, base);
    const call = value ? asCall(this.file, value) : undefined;
    if (call && lastName(call.callee) === 'get_model') return this.modelKeyOf(scope, call);
    if (value?.name === 'VariableName') return `${this.ops.appLabel}.${this.file.src(value).toLowerCase()}`;
    return undefined;
  }
}

/** Replays a dependency's operations on a state (no SQL). */
export function replayDjango(info: DjMigrationInfo, state: DjState): void {
  new DjangoOps(info, state, undefined).run(info.operations ?? []);
}

export function readDjango(
  unit: MigrationUnit,
  file: PyFile,
  scope: Scope,
  cls: SyntaxNode,
  migration: Migration,
  coverage: Coverage,
  readFile: ReadFile,
): void {
  const info = migrationInfo(unit.path, file, scope, cls);
  const project = projectFor(readFile, replayDjango);
  project.register(info, file.text);
  const state = new Map(project.stateBefore(info, file.text));
  migration.inputs = project.ancestorFiles(info);

  migration.format = 'django';
  const m = /^(\d+)_(.+)$/.exec(info.name);
  migration.version = m ? m[1] : unit.version;
  migration.name = m ? m[2] : info.name;
  const id = (pair: [string, string]) => `${pair[0]}.${pair[1]}`;
  const graph: NonNullable<Migration['graph']> & { replaces?: string[] } = {
    id: id([info.app, info.name]),
    parents: info.dependencies.map(id),
  };
  if (info.replaces.length) graph.replaces = info.replaces.map(id);
  migration.graph = graph;

  const up = new SectionBuilder(file, coverage, migration.comments);
  const down = new SectionBuilder(file, coverage, migration.comments);
  const emit: Emit = { up, down, reverse: [], irreversible: [] };
  if (info.operations === undefined) {
    up.unanalysed(info.operationsNode ?? cls, 'operations is not a list migratelint can read');
  }
  new DjangoOps(info, state, emit).run(info.operations ?? []);
  for (const thunk of emit.reverse.reverse()) thunk();

  const nameNode = cls.getChild('VariableName') ?? cls;
  const range = file.range(nameNode.from, nameNode.to);
  const ops = info.operations ?? [];
  migration.up = {
    state: ops.length || info.operations === undefined ? 'present' : 'empty',
    statements: up.statements,
    file: file.file,
    range,
    transaction: up.transaction(info.atomic),
  };
  const irreversible = emit.irreversible[0];
  migration.down = irreversible
    ? {
        state: 'irreversible',
        statements: [],
        file: file.file,
        range: file.range(irreversible.node.from, irreversible.node.from),
        reason: emit.irreversible.map((i) => `${i.reason} (line ${file.position(i.node.from).line})`).join('; '),
        transaction: info.atomic,
      }
    : {
        // Schema operations are reversed by Django itself; RunSQL / RunPython reverses are lowered.
        state: 'present',
        statements: down.statements,
        file: file.file,
        range,
        transaction: down.transaction(info.atomic),
      };
}
