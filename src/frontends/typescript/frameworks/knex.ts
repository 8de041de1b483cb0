/**
 * knex: `knex.raw`, `knex.schema.*` (createTable/alterTable with their column
 * builders, dropTable, renameTable, ...), and query builders (`knex('t').where(...).del()`),
 * lowered to the SQL knex's PostgreSQL dialect prints. The table builder is in
 * knex-table.ts, query builders in knex-query.ts.
 */
import type { KnexTableBuild, Role } from '../scope.js';
import type { Chain } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, quoteIdent, nameOf, type Span } from '../print.js';
import type { Val } from '../values.js';
import { bareTable, isTrue, knexBindings, tableRef } from './common.js';
import { dropRole, handlerFor, keepRole, opSpan, walkCallback, type Handler, type StepCall, type StepResult } from './step.js';
import { knexQuery } from './knex-query.js';
import { tableStep } from './knex-table.js';
import { printTable } from './knex-table-sql.js';

/** A call on the knex instance or on `knex.schema`. */
interface KnexCall extends StepCall {
  /** Whether the chain's value is run (awaited, returned): knex.raw() is lazy. */
  exec: boolean;
  /** An argument, evaluated. */
  arg(k: number): Val | undefined;
}

export function knexStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame, exec: boolean): StepResult | undefined {
  const link = chain.links[i];
  const arg = (k: number) => w.val(link.args[k], frame.env);
  const call: KnexCall = { w, role, chain, i, link, frame, exec, arg };
  if (role.kind === 'knex') return handlerFor(KNEX_METHODS, link.name)?.(call);
  if (role.kind === 'knexSchema') return handlerFor(SCHEMA_METHODS, link.name)?.(schemaCall(call, role.schema));
  if (role.kind === 'knexTable') return tableStep(w, role, chain, i, frame);
  return undefined;
}

// ---------------------------------------------------------------- knex

function raw(c: KnexCall): StepResult {
  const { w, link, chain, i } = c;
  // knex.raw() is lazy: unless awaited, returned or chained with .then() it is a fragment
  // (`const now = knex.raw('now()')`), not a statement.
  if (link.args[0] && (c.exec || chain.links.slice(i + 1).some((l) => l.name === 'then' || l.name === 'catch'))) {
    w.raw(link.args[0], link.node, c.frame, { rewrite: knexBindings(w, link.args[1], c.frame.env) });
  }
  return dropRole(c);
}

/** knex.transaction(async (trx) => ...): the callback's trx is knex too; without one, the transaction object is. */
function transaction(c: KnexCall): StepResult {
  if (walkCallback(c.w, c.link.args[0], c.frame, [{ kind: 'knex' }])) return dropRole(c);
  return { next: c.i + 1, role: { kind: 'knex' } };
}

function queryBuilder(c: KnexCall): StepResult {
  return { next: knexQuery(c.w, c.chain, c.i, c.frame, undefined) };
}

const KNEX_METHODS: Record<string, Handler<KnexCall>> = {
  raw,
  transaction,
  table: queryBuilder,
  from: queryBuilder,
  into: queryBuilder,
  queryBuilder,
  select: queryBuilder,
  insert: queryBuilder,
  update: queryBuilder,
  del: queryBuilder,
  delete: queryBuilder,
  truncate: queryBuilder,
  withSchema: queryBuilder,
  // Connection management and fragments: no statement.
  destroy: dropRole,
  initialize: dropRole,
  ref: dropRole,
  fn: dropRole,
};

// ---------------------------------------------------------------- knex.schema

interface SchemaCall extends KnexCall {
  /** From withSchema(). */
  schema: string | undefined;
  /** Where the statement is located (see opSpan). */
  at: Span;
  /** The first argument as a name: the schema or extension created or dropped. */
  name: string | undefined;
  /** The table named by an argument, in the schema of withSchema(). */
  table(k: number): string;
  /** Emits one statement for the call. */
  emit(sql: string): void;
}

function schemaCall(c: KnexCall, schema: string | undefined): SchemaCall {
  const at = opSpan(c.chain, c.i);
  return {
    ...c,
    schema,
    at,
    name: nameOf(c.arg(0)),
    table: (k) => tableRef(c.w, c.arg(k), schema),
    emit: (sql) => c.w.builder([new SqlOut(at).add(sql)], c.link.node),
  };
}

const ifExists = (c: SchemaCall) => (c.link.name!.endsWith('IfExists') ? 'IF EXISTS ' : '');
const ifNotExists = (c: SchemaCall) => (c.link.name!.endsWith('IfNotExists') ? 'IF NOT EXISTS ' : '');

function withSchema(c: SchemaCall): StepResult {
  return { next: c.i + 1, role: { kind: 'knexSchema', schema: c.w.ev.str(c.link.args[0], c.frame.env) } };
}

function schemaRaw(c: SchemaCall): StepResult {
  const { w, link, frame } = c;
  if (link.args[0]) w.raw(link.args[0], link.node, frame, { rewrite: knexBindings(w, link.args[1], frame.env) });
  return keepRole(c);
}

/** hasTable(), hasColumn(), hasView(): reads. */
function existenceCheck(c: SchemaCall): StepResult {
  c.w.analysedOnly();
  return dropRole(c);
}

/**
 * A createTable/alterTable callback fills a build; its statements are printed once
 * the callback has run, after `first` (createTableLike's copy of the other table).
 */
function buildTable(c: SchemaCall, mode: KnexTableBuild['mode'], callbackArg: number, opts: { ifNotExists?: boolean; first?: SqlOut } = {}): StepResult {
  const { w } = c;
  const build: KnexTableBuild = { ref: c.table(0), bare: bareTable(w, c.arg(0)), mode, ops: [] };
  walkCallback(w, c.link.args[callbackArg], c.frame, [{ kind: 'knexTable', build }]);
  const printed = printTable(build, c.at, opts.ifNotExists ?? false);
  w.builder(opts.first ? [opts.first, ...printed] : printed, c.link.node);
  return keepRole(c);
}

function createOrAlterTable(c: SchemaCall): StepResult {
  const name = c.link.name!;
  return buildTable(c, name.startsWith('create') ? 'create' : 'alter', 1, { ifNotExists: name === 'createTableIfNotExists' });
}

/** createTableLike(name, like, callback): a copy of the other table, then what the callback adds. */
function createTableLike(c: SchemaCall): StepResult {
  return buildTable(c, 'alter', 2, { first: new SqlOut(c.at).add(`CREATE TABLE ${c.table(0)} (LIKE ${c.table(1)} INCLUDING ALL)`) });
}

function dropTable(c: SchemaCall): StepResult {
  c.emit(`DROP TABLE ${ifExists(c)}${c.table(0)}`);
  return keepRole(c);
}

function renameTable(c: SchemaCall): StepResult {
  c.emit(`ALTER TABLE ${c.table(0)} RENAME TO ${quoteIdent(nameOf(c.arg(1)) ?? '${name}')}`);
  return keepRole(c);
}

function createSchema(c: SchemaCall): StepResult {
  c.emit(`CREATE SCHEMA ${ifNotExists(c)}${quoteIdent(c.name ?? '${schema}')}`);
  return keepRole(c);
}

function dropSchema(c: SchemaCall): StepResult {
  c.emit(`DROP SCHEMA ${ifExists(c)}${quoteIdent(c.name ?? '${schema}')}${isTrue(c.arg(1)) ? ' CASCADE' : ''}`);
  return keepRole(c);
}

function createExtension(c: SchemaCall): StepResult {
  c.emit(`CREATE EXTENSION ${ifNotExists(c)}${quoteIdent(c.name ?? '${extension}')}`);
  return keepRole(c);
}

function dropExtension(c: SchemaCall): StepResult {
  c.emit(`DROP EXTENSION ${ifExists(c)}${quoteIdent(c.name ?? '${extension}')}`);
  return keepRole(c);
}

function dropView(c: SchemaCall): StepResult {
  const what = c.link.name!.includes('Materialized') ? 'MATERIALIZED VIEW' : 'VIEW';
  c.emit(`DROP ${what} ${ifExists(c)}${c.table(0)}`);
  return keepRole(c);
}

function refreshMaterializedView(c: SchemaCall): StepResult {
  c.emit(`REFRESH MATERIALIZED VIEW ${isTrue(c.arg(1)) ? 'CONCURRENTLY ' : ''}${c.table(0)}`);
  return keepRole(c);
}

function renameView(c: SchemaCall): StepResult {
  c.emit(`ALTER VIEW ${c.table(0)} RENAME TO ${quoteIdent(nameOf(c.arg(1)) ?? '${name}')}`);
  return keepRole(c);
}

const SCHEMA_METHODS: Record<string, Handler<SchemaCall>> = {
  withSchema,
  raw: schemaRaw,
  hasTable: existenceCheck,
  hasColumn: existenceCheck,
  hasView: existenceCheck,
  createTable: createOrAlterTable,
  createTableIfNotExists: createOrAlterTable,
  alterTable: createOrAlterTable,
  table: createOrAlterTable,
  createTableLike,
  dropTable,
  dropTableIfExists: dropTable,
  renameTable,
  createSchema,
  createSchemaIfNotExists: createSchema,
  dropSchema,
  dropSchemaIfExists: dropSchema,
  createExtension,
  createExtensionIfNotExists: createExtension,
  dropExtension,
  dropExtensionIfExists: dropExtension,
  dropView,
  dropViewIfExists: dropView,
  dropMaterializedView: dropView,
  dropMaterializedViewIfExists: dropView,
  refreshMaterializedView,
  renameView,
};
