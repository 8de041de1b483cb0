/**
 * Operations on one field of a model: add, remove, alter, rename. The state says what
 * the field was before; AlterField's SQL is the difference, step by step as Django's
 * schema editor takes it.
 */
import { q } from '../lower.js';
import {
  addForeignKey,
  columnDefinition,
  djangoIndexName,
  fieldIndexes,
  fkNameOf,
  nameForeignKey,
  inlineForeignKey,
  type DjField,
  type ModelLookup,
} from '../django-fields.js';
import { mutableModel, type DjModel } from '../django-state.js';
import { strConst } from '../values.js';
import type { OpContext, Operation, OperationHandler } from './context.js';
import type { ReverseHandler } from './reverse.js';
import { createThroughTableSql, nameThroughForeignKey, retargetThroughTableSql, throughTableName } from './many-to-many.js';
import { cascadeIsFrameworks, dependentsOfColumn } from './cascade.js';

export const fieldOperations: Record<string, OperationHandler> = {
  AddField: addField,
  RemoveField: removeField,
  AlterField: alterField,
  RenameField: renameField,
};

function addField(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '?';
  const model = mutableModel(ctx.state, key, ctx.owned);
  const field = ctx.fieldOf(arg(2, 'field'), name, key.slice(key.indexOf('.') + 1));
  if (!field) return ctx.unanalysed(call.node, 'AddField: field definition not understood');
  nameForeignKey(ctx.tableOf(key), field, ctx.lookup);
  if (model) nameThroughForeignKey(model, field, ctx.lookup);
  model?.fields.set(name, field);
  if (!ctx.isManaged(key)) return;
  const sql = addFieldSql(ctx.tableOf(key), model, field, ctx.lookup);
  if (sql.length) ctx.emitSql(call.node, sql);
}

/** Django's add_field: the column (through a temporary default), its foreign key and indexes; or a many-to-many table. */
function addFieldSql(table: string, model: DjModel | undefined, field: DjField, lookup: ModelLookup): string[] {
  const t = q(table);
  if (field.m2m) return !field.m2m.through && model ? createThroughTableSql(model, field, lookup) : [];
  const fk = field.fk?.dbConstraint ? inlineForeignKey(table, field, lookup) : '';
  const sql = [`ALTER TABLE ${t} ADD COLUMN ${columnDefinition(field, { includeDefault: true })}${fk}`];
  // Django fills existing rows through a temporary default, unless the default lives in the database (db_default).
  if (field.effectiveDefault !== undefined && field.dbDefault === undefined) {
    sql.push(`ALTER TABLE ${t} ALTER COLUMN ${q(field.column)} DROP DEFAULT`);
  }
  sql.push(...fieldIndexes(table, field));
  return sql;
}

function removeField(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '?';
  const model = mutableModel(ctx.state, key, ctx.owned);
  const field = model?.fields.get(name);
  // Asked before the field leaves the state: a primary key's dependents are found through it.
  const dependents = field?.m2m ? [] : dependentsOfColumn(ctx.state, ctx.lookup, key, field?.column ?? name, name);
  model?.fields.delete(name);
  if (!ctx.isManaged(key)) return;
  // Nothing references an auto-created m2m table: Django's CASCADE on it drops nothing more.
  const sql = removeFieldSql(ctx.tableOf(key), name, field, ctx.lookup);
  if (sql.length) ctx.emitDrops(call.node, [{ sql, frameworkCascade: cascadeIsFrameworks(dependents) }]);
}

/**
 * Django's sql_delete_fk: checks still pending on the constraint (rows written earlier in
 * the migration's transaction, its foreign keys being DEFERRABLE INITIALLY DEFERRED) run
 * first, or PostgreSQL refuses to alter a table with pending trigger events.
 */
function dropForeignKeySql(table: string, name: string): string[] {
  return [`SET CONSTRAINTS ${q(name)} IMMEDIATE`, `ALTER TABLE ${table} DROP CONSTRAINT ${q(name)}`];
}

/** Django's sql_update_with_default: the backfill, then the deferred checks it queued, for the same reason. */
function backfillSql(table: string, col: string, fill: string): string[] {
  return [`UPDATE ${table} SET ${col} = ${fill} WHERE ${col} IS NULL`, 'SET CONSTRAINTS ALL IMMEDIATE'];
}

/**
 * Django's remove_field: a many-to-many table, or the column after its foreign key. Django
 * ends both DROPs with CASCADE (see cascade.ts).
 */
function removeFieldSql(table: string, name: string, field: DjField | undefined, lookup: ModelLookup): string[] {
  const t = q(table);
  if (field?.m2m) return field.m2m.through ? [] : [`DROP TABLE ${q(throughTableName(table, field))} CASCADE`];
  const sql: string[] = [];
  if (field?.fk?.dbConstraint) sql.push(...dropForeignKeySql(t, fkNameOf(table, field, lookup)));
  sql.push(`ALTER TABLE ${t} DROP COLUMN ${q(field?.column ?? name)} CASCADE`);
  return sql;
}

function alterField(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const name = strConst(ctx.scope, arg(1, 'name')) ?? '?';
  const model = mutableModel(ctx.state, key, ctx.owned);
  const before = model?.fields.get(name);
  const after = ctx.fieldOf(arg(2, 'field'), name, key.slice(key.indexOf('.') + 1));
  if (!after) return ctx.unanalysed(call.node, 'AlterField: field definition not understood');
  // The unique constraint keeps the name it got: inline (`_key`, PostgreSQL's) or AlterField's (`_uniq`).
  if (after.unique && !after.primaryKey) {
    const uniqueName = before?.unique ? before.uniqueName : djangoIndexName(ctx.tableOf(key), [after.column], '_uniq');
    if (uniqueName) after.uniqueName = uniqueName;
  }
  // A foreign key kept as it was keeps its name; one made again gets the name of now.
  if (before?.fk?.dbConstraint && after.fk?.dbConstraint && !foreignKeyChanged(before, after)) after.fkName = before.fkName;
  nameForeignKey(ctx.tableOf(key), after, ctx.lookup);
  if (before?.m2m && after.m2m && before.m2m.to === after.m2m.to && !after.m2m.through) after.m2m.targetFk = before.m2m.targetFk;
  if (model) nameThroughForeignKey(model, after, ctx.lookup);
  model?.fields.set(name, after);
  if (model && before && before.column !== after.column) forgetDefinitions(model, before.column);
  if (!ctx.emit || !ctx.isManaged(key)) return;
  if (!before) {
    ctx.unanalysed(call.node, `AlterField ${key}.${name}: the field's previous definition was not found in earlier migrations, so what changes is unknown`);
    return;
  }
  // A many-to-many field has no column to alter; its table's may point at another model now.
  if (before.m2m || after.m2m) {
    const sql = before.m2m && after.m2m && model ? retargetThroughTableSql(model, before, after, ctx.lookup) : [];
    if (sql.length) ctx.emitSql(call.node, sql);
    else ctx.analysed();
    return;
  }
  const sql = alterColumnSql(ctx.tableOf(key), before, after, ctx.lookup);
  if (sql.length) ctx.emitSql(call.node, sql);
  else ctx.analysed();
}

/** Whether AlterField drops the field's foreign key constraint (and makes it again, when there is one after). */
function foreignKeyChanged(before: DjField, after: DjField): boolean {
  return !!before.fk?.dbConstraint !== !!after.fk?.dbConstraint || before.fk?.to !== after.fk?.to || before.type !== after.type || before.column !== after.column;
}

/** What Django runs to take a column from `before` to `after`, in its order. */
function alterColumnSql(table: string, before: DjField, after: DjField, lookup: ModelLookup): string[] {
  const t = q(table);
  const col = q(after.column);
  const sql: string[] = [];
  const fkChanged = foreignKeyChanged(before, after);
  if (before.fk?.dbConstraint && fkChanged) sql.push(...dropForeignKeySql(t, fkNameOf(table, before, lookup)));
  if (before.unique && !before.primaryKey && !after.unique) {
    sql.push(`ALTER TABLE ${t} DROP CONSTRAINT ${q(before.uniqueName ?? `${table}_${before.column}_key`.slice(0, 63))}`);
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
        ...backfillSql(t, col, fill),
        `ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL`,
        `ALTER TABLE ${t} ALTER COLUMN ${col} DROP DEFAULT`,
      );
    } else {
      if (fill !== undefined) sql.push(...backfillSql(t, col, fill));
      sql.push(`ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL`);
    }
  } else if (!before.null && after.null) {
    sql.push(`ALTER TABLE ${t} ALTER COLUMN ${col} DROP NOT NULL`);
  }
  if (after.unique && !after.primaryKey && !before.unique) {
    sql.push(`ALTER TABLE ${t} ADD CONSTRAINT ${q(after.uniqueName ?? djangoIndexName(table, [after.column], '_uniq'))} UNIQUE (${col})`);
  }
  if (indexedAfter && !indexedBefore) sql.push(`CREATE INDEX ${q(djangoIndexName(table, [after.column]))} ON ${t} (${col})`);
  if (after.fk?.dbConstraint && (fkChanged || !before.fk?.dbConstraint)) sql.push(addForeignKey(table, after, lookup));
  return sql;
}

function renameField(ctx: OpContext, { call, arg }: Operation): void {
  const key = ctx.modelKey(arg(0, 'model_name'));
  const from = strConst(ctx.scope, arg(1, 'old_name')) ?? '?';
  const to = strConst(ctx.scope, arg(2, 'new_name')) ?? '?';
  const model = mutableModel(ctx.state, key, ctx.owned);
  const field = model?.fields.get(from);
  let fromColumn = field?.column ?? from;
  let toColumn = to;
  if (field) {
    // A column named after the field (or `<field>_id` for a foreign key) follows the rename; an explicit db_column stays.
    const derived = field.column === from || field.column === `${from}_id`;
    toColumn = derived ? (field.fk ? `${to}_id` : to) : field.column;
    fromColumn = field.column;
    model!.fields.delete(from);
    model!.fields.set(to, { ...field, name: to, column: toColumn });
    model!.uniqueTogether = model!.uniqueTogether.map((g) => g.map((n) => (n === from ? to : n)));
    model!.indexTogether = model!.indexTogether.map((g) => g.map((n) => (n === from ? to : n)));
    if (fromColumn !== toColumn) forgetDefinitions(model!, fromColumn);
  }
  if (fromColumn === toColumn || field?.m2m || !ctx.isManaged(key)) {
    ctx.analysed();
    return;
  }
  ctx.emitSql(call.node, [`ALTER TABLE ${q(ctx.tableOf(key))} RENAME COLUMN ${q(fromColumn)} TO ${q(toColumn)}`]);
}

/**
 * A column was renamed: the index and constraint prints that name it (quoted, as every
 * print here quotes columns) would create them on the old column, so they are kept by name only.
 */
function forgetDefinitions(model: DjModel, column: string): void {
  for (const [name, c] of model.constraints) {
    if (c.create?.sql.includes(q(column))) model.constraints.set(name, { kind: c.kind });
  }
}

// ---------------------------------------------------------------------------
// Reverses (Django's database_backwards; see reverse.ts)

export const fieldReverses: Record<string, ReverseHandler> = {
  // remove_field of the field as it is after the AddField.
  AddField(r, { arg }) {
    const key = r.modelKey(arg(0, 'model_name'));
    const name = strConst(r.scope, arg(1, 'name')) ?? '?';
    const field = r.after.get(key)?.fields.get(name);
    if (!r.managed(key) || !field) return;
    r.emit(removeFieldSql(r.lookup(r.after).tableOf(key), name, field, r.lookup(r.after)));
  },
  // add_field of the field as it was before the RemoveField.
  RemoveField(r, { arg }) {
    const key = r.modelKey(arg(0, 'model_name'));
    const name = strConst(r.scope, arg(1, 'name')) ?? '?';
    if (!r.managed(key)) return;
    const model = r.known(r.before, key);
    const field = model?.fields.get(name);
    if (!model || !field) return r.notLowered(`RemoveField ${key}.${name}: the field's definition was not found in earlier migrations, so Django's reverse (adding it back) is not known`);
    r.emit(addFieldSql(model.table, model, field, r.lookup(r.before)));
  },
  // alter_field from the field after the AlterField back to the one before.
  AlterField(r, { arg }) {
    const key = r.modelKey(arg(0, 'model_name'));
    const name = strConst(r.scope, arg(1, 'name')) ?? '?';
    const before = r.before.get(key)?.fields.get(name);
    const after = r.after.get(key)?.fields.get(name);
    if (!r.managed(key) || !before || !after) return;
    if (before.m2m || after.m2m) {
      const model = r.after.get(key);
      if (before.m2m && after.m2m && model) r.emit(retargetThroughTableSql(model, after, before, r.lookup(r.after)));
      return;
    }
    r.emit(alterColumnSql(r.lookup(r.after).tableOf(key), after, before, r.lookup(r.after)));
  },
  // Renames the column back; a field earlier migrations do not define is its own column, as in the up.
  RenameField(r, { arg }) {
    const key = r.modelKey(arg(0, 'model_name'));
    const oldName = strConst(r.scope, arg(1, 'old_name')) ?? '?';
    const newName = strConst(r.scope, arg(2, 'new_name')) ?? '?';
    const from = r.before.get(key)?.fields.get(oldName);
    const to = r.after.get(key)?.fields.get(newName);
    const fromColumn = from?.column ?? oldName;
    const toColumn = to?.column ?? newName;
    if (!r.managed(key) || from?.m2m || fromColumn === toColumn) return;
    r.emit([`ALTER TABLE ${q(r.lookup(r.after).tableOf(key))} RENAME COLUMN ${q(toColumn)} TO ${q(fromColumn)}`]);
  },
};
