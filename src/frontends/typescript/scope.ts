/**
 * Bindings seen while walking a migration function: which names hold a framework
 * object (a role: the knex instance, a TypeORM QueryRunner, ...) and which hold an
 * expression whose value may be known statically.
 */
import type * as t from '@babel/types';

export type FunctionNode =
  | t.FunctionDeclaration
  | t.FunctionExpression
  | t.ArrowFunctionExpression
  | t.ObjectMethod
  | t.ClassMethod
  | t.ClassPrivateMethod;

/** A knex table builder being filled in by a createTable/alterTable callback. */
export interface KnexTableBuild {
  /** The table as SQL (`"public"."users"`). */
  ref: string;
  /** The bare table name, for the index and constraint names knex derives. */
  bare: string;
  mode: 'create' | 'alter';
  /** What the callback asked for, in order (see frameworks/knex-table-sql.ts). */
  ops: unknown[];
}

export type Role =
  | { kind: 'knex' }
  | { kind: 'knexSchema'; schema?: string }
  | { kind: 'knexTable'; build: KnexTableBuild }
  | { kind: 'queryRunner' }
  | { kind: 'typeormManager' }
  | { kind: 'queryInterface' }
  | { kind: 'sequelize' }
  | { kind: 'sequelizeTx' }
  | { kind: 'pgm' }
  | { kind: 'pgmDb' }
  | { kind: 'kysely' }
  | { kind: 'kyselySchema'; schema?: string }
  | { kind: 'mikro' }
  | { kind: 'dbMigrate' }
  /** The `sql` tag of Kysely, Drizzle, Slonik or postgres.js. */
  | { kind: 'sqlTag' }
  /**
   * A migration-context object handed to a TypeORM migration class instead of the
   * QueryRunner (n8n: `up({ queryRunner, runQuery, escape, schemaBuilder, tablePrefix })`);
   * `member` is the helper taken from it (`runQuery`, `escape`, `schemaBuilder.createTable`).
   */
  | { kind: 'migrationContext'; member?: string };

export type Binding =
  | { kind: 'expr'; node: t.Node; env: Env }
  | { kind: 'role'; role: Role }
  | { kind: 'fn'; node: FunctionNode; env: Env }
  /** A name whose value is not known here: a parameter, a loop variable. */
  | { kind: 'unknown' }
  /** A name imported from another module. */
  | { kind: 'import'; source: string; imported: string };

/** What `this` is inside a class body: the class's own methods, for inlining helpers. */
export interface ClassInfo {
  methods: Map<string, FunctionNode>;
  thisRole?: Role;
}

export class Env {
  private readonly vars = new Map<string, Binding>();

  constructor(
    readonly parent?: Env,
    readonly classInfo?: ClassInfo,
  ) {}

  child(classInfo?: ClassInfo): Env {
    return new Env(this, classInfo ?? this.classInfo);
  }

  set(name: string, binding: Binding): void {
    this.vars.set(name, binding);
  }

  /** Rebinds an existing name where it was declared (assignment), or here if undeclared. */
  assign(name: string, binding: Binding): void {
    for (let e: Env | undefined = this; e; e = e.parent) {
      if (e.vars.has(name)) {
        e.vars.set(name, binding);
        return;
      }
    }
    this.vars.set(name, binding);
  }

  lookup(name: string): Binding | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const b = e.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

/** Strips TypeScript-only wrappers and parentheses: `(x as any)!` is `x`. */
export function unwrapTs(node: t.Node): t.Node {
  let n = node;
  for (;;) {
    switch (n.type) {
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSInstantiationExpression':
      case 'ParenthesizedExpression':
      case 'TypeCastExpression':
        n = n.expression;
        continue;
      default:
        return n;
    }
  }
}

/** The static name of a member's property (`a.b`, `a['b']`), if it has one. */
export function propertyName(node: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  const p = node.property;
  if (!node.computed && p.type === 'Identifier') return p.name;
  if (p.type === 'StringLiteral') return p.value;
  if (!node.computed && p.type === 'PrivateName') return undefined;
  return undefined;
}

/** The name of an object/class member key, if static. */
export function keyName(key: t.Node, computed = false): string | undefined {
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'StringLiteral') return key.value;
  if (key.type === 'NumericLiteral') return String(key.value);
  return undefined;
}

export function isFunctionNode(node: t.Node | null | undefined): node is FunctionNode {
  return (
    !!node &&
    (node.type === 'FunctionDeclaration' ||
      node.type === 'FunctionExpression' ||
      node.type === 'ArrowFunctionExpression' ||
      node.type === 'ObjectMethod' ||
      node.type === 'ClassMethod' ||
      node.type === 'ClassPrivateMethod')
  );
}

/** The framework object reached through a property: `knex.schema`, `queryInterface.sequelize`. */
export function memberRole(base: Role, name: string): Role | undefined {
  switch (base.kind) {
    case 'knex':
      return name === 'schema' ? { kind: 'knexSchema' } : undefined;
    case 'queryInterface':
      // umzug passes { context: queryInterface } (or { context: { queryInterface } }): read the object as its own context.
      if (name === 'context' || name === 'queryInterface') return base;
      return name === 'sequelize' ? { kind: 'sequelize' } : undefined;
    case 'queryRunner':
      if (name === 'manager' || name === 'connection') return { kind: 'typeormManager' };
      // A QueryRunner has no such members: the object is a migration context under another name.
      if (name === 'queryRunner') return base;
      return CONTEXT_HELPERS.has(name) ? { kind: 'migrationContext', member: name } : undefined;
    case 'typeormManager':
      // queryRunner.manager.connection, queryRunner.connection.manager: the same door to the database.
      return name === 'connection' || name === 'manager' ? base : undefined;
    case 'pgm':
      return name === 'db' ? { kind: 'pgmDb' } : undefined;
    case 'kysely':
      return name === 'schema' ? { kind: 'kyselySchema' } : undefined;
    case 'sequelize':
      return name === 'queryInterface' ? { kind: 'queryInterface' } : undefined;
    case 'migrationContext':
      return contextMember(base.member, name);
    default:
      return undefined;
  }
}

/** Helpers of a migration context whose calls migratelint reads (see frameworks/typeorm.ts). */
export const CONTEXT_HELPERS = new Set(['runQuery', 'runInBatches', 'copyTable', 'escape', 'schemaBuilder']);

/** Names a migration-context object is recognised by, when a TypeORM class destructures its parameter. */
export const CONTEXT_KEYS = new Set([...CONTEXT_HELPERS, 'queryRunner', 'tablePrefix', 'dbType', 'isSqlite', 'isPostgres', 'isMysql', 'dbName', 'migrationName', 'logger', 'parseJson', 'loadSurveyFromDisk']);

function contextMember(member: string | undefined, name: string): Role | undefined {
  if (member === undefined) {
    if (name === 'queryRunner') return { kind: 'queryRunner' };
    if (name === 'manager' || name === 'connection') return { kind: 'typeormManager' };
    return CONTEXT_HELPERS.has(name) ? { kind: 'migrationContext', member: name } : undefined;
  }
  if (member === 'schemaBuilder' || member === 'escape') return { kind: 'migrationContext', member: `${member}.${name}` };
  return undefined;
}

/** The framework object a method call returns: `sequelize.getQueryInterface()`, `schema.withSchema('s')`. */
export function callRole(base: Role, name: string, firstArg: string | undefined, argc: number): Role | undefined {
  switch (base.kind) {
    case 'sequelize':
      if (name === 'getQueryInterface') return { kind: 'queryInterface' };
      if (name === 'transaction' && argc === 0) return { kind: 'sequelizeTx' };
      return undefined;
    case 'knex':
      return name === 'transaction' && argc === 0 ? { kind: 'knex' } : undefined;
    case 'knexSchema':
      return name === 'withSchema' ? { kind: 'knexSchema', schema: firstArg } : undefined;
    case 'kyselySchema':
      return name === 'withSchema' ? { kind: 'kyselySchema', schema: firstArg } : undefined;
    case 'kysely':
      return name === 'withSchema' ? { kind: 'kysely' } : undefined;
    default:
      return undefined;
  }
}

