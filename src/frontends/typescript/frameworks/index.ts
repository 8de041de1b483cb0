/**
 * Dispatches a call chain rooted at a framework object to the framework that
 * knows it. Each step reads one call link and says where the chain goes next
 * (another framework object, or nowhere: the rest is ordinary code).
 */
import type * as t from '@babel/types';
import type { Role } from '../scope.js';
import type { Chain, Frame, Walker } from '../walker.js';
import { knexStep, knexQueryFromBase } from './knex.js';
import { contextCall, contextStep, typeormStep } from './typeorm.js';
import { sequelizeStep } from './sequelize.js';
import { pgmStep } from './pgm.js';
import { kyselyStep } from './kysely.js';
import { dbMigrateStep } from './db-migrate.js';
import { isFunctionNode, unwrapTs, memberRole } from '../scope.js';

/** What a step did: the next link to read and the object the chain now holds (none: stop). */
export interface StepResult {
  next: number;
  role?: Role;
}

export type Step = (w: Walker, role: Role, chain: Chain, i: number, frame: Frame, exec: boolean) => StepResult | undefined;

const PROMISE_METHODS = new Set(['then', 'catch', 'finally', 'asCallback', 'nodeify']);

const STEPS: Partial<Record<Role['kind'], Step>> = {
  knex: knexStep,
  knexSchema: knexStep,
  knexTable: knexStep,
  queryRunner: typeormStep,
  typeormManager: typeormStep,
  queryInterface: sequelizeStep,
  sequelize: sequelizeStep,
  sequelizeTx: sequelizeStep,
  pgm: pgmStep,
  pgmDb: pgmStep,
  kysely: kyselyStep,
  kyselySchema: kyselyStep,
  mikro: mikroStep,
  dbMigrate: dbMigrateStep,
  sqlTag: sqlTagStep,
  migrationContext: contextStep,
};

/** Reads a chain from link `from` on, starting with `role`; returns the first link left unread. */
export function handleChain(w: Walker, role: Role, chain: Chain, from: number, frame: Frame, exec: boolean): number {
  let r: Role | undefined = role;
  let i = from;
  // knex('users').where(...).del(): the base call is the query builder.
  if (from === 0 && role.kind === 'knex' && (chain.base.type === 'CallExpression' || chain.base.type === 'OptionalCallExpression')) {
    return knexQueryFromBase(w, chain, frame);
  }
  // runQuery(sql), createTable('t').withColumns(...): a helper destructured from a migration context.
  if (from === 0 && role.kind === 'migrationContext' && role.member && (chain.base.type === 'CallExpression' || chain.base.type === 'OptionalCallExpression')) {
    const base = chain.base;
    const used = contextCall(w, role.member, base.arguments, chain.links, base, frame);
    if (used !== undefined) return used;
    w.unanalysed(base, `context.${role.member}() is not analysed by migratelint`);
    w.visitArgs(base.arguments, frame, false);
    return 0;
  }
  while (r && i < chain.links.length) {
    const link = chain.links[i];
    if (link.kind === 'member') {
      const next: Role | undefined = link.name ? memberRole(r, link.name) : undefined;
      if (!next) return i;
      r = next;
      i++;
      continue;
    }
    if (link.name && PROMISE_METHODS.has(link.name)) return i;
    const step: Step | undefined = STEPS[r.kind];
    const result: StepResult | undefined = step ? step(w, r, chain, i, frame, exec) : undefined;
    if (!result) {
      w.unanalysed(link.node, `${describeRole(r)}.${link.name ?? '[computed]'}() is not analysed by migratelint`);
      // Its callbacks may still hold calls worth reading.
      w.visitArgs(link.args, frame, false);
      return i + 1;
    }
    i = result.next;
    r = result.role;
  }
  return i;
}

export function describeRole(r: Role): string {
  switch (r.kind) {
    case 'knex':
      return 'knex';
    case 'knexSchema':
      return 'knex.schema';
    case 'knexTable':
      return 'table';
    case 'queryRunner':
      return 'queryRunner';
    case 'typeormManager':
      return 'queryRunner.manager';
    case 'queryInterface':
      return 'queryInterface';
    case 'sequelize':
      return 'sequelize';
    case 'sequelizeTx':
      return 'transaction';
    case 'pgm':
      return 'pgm';
    case 'pgmDb':
      return 'pgm.db';
    case 'kysely':
      return 'db';
    case 'kyselySchema':
      return 'db.schema';
    case 'mikro':
      return 'this';
    case 'dbMigrate':
      return 'db';
    case 'sqlTag':
      return 'sql';
    case 'migrationContext':
      return r.member ? `context.${r.member}` : 'context';
  }
}

/**
 * Where a builder call's statement is located: the whole call, or for a call
 * chained after another (`knex.schema.createTable(...).createTable(...)`), from its
 * method name on.
 */
export function opSpan(chain: Chain, i: number): { start: number; end: number } {
  const chained = chain.links.slice(0, i).some((l) => l.kind === 'call');
  const link = chain.links[i];
  return chained ? link.at : { start: link.node.start!, end: link.node.end! };
}

/** Walks a callback argument with its parameters bound to the given framework objects. */
export function walkCallback(w: Walker, node: t.Node | undefined, frame: Frame, params: (Role | undefined)[]): boolean {
  if (!node) return false;
  const fn = unwrapTs(node);
  if (!isFunctionNode(fn)) return false;
  w.walkFunction(fn, frame, params);
  return true;
}

/** MikroORM: `this.addSql(sql)` queues SQL, `this.execute(sql)` runs it at once. */
function mikroStep(w: Walker, _role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  switch (link.name) {
    case 'addSql':
    case 'execute':
      if (link.args[0]) w.raw(link.args[0], link.node, frame);
      return { next: i + 1 };
    case 'getKnex':
    case 'getEntityManager':
      return { next: i + 1 };
    default: {
      // this.helper(): a method of the migration class.
      const method = link.name ? frame.env.classInfo?.methods.get(link.name) : undefined;
      if (!method) return undefined;
      w.inline(method, link.node as t.CallExpression, frame);
      return { next: i + 1 };
    }
  }
}

/**
 * The `sql` tag object: Kysely `sql.raw('...').execute(db)`, postgres.js
 * `sql.unsafe('...')` and `sql.begin(async sql => ...)`.
 */
function sqlTagStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame, exec: boolean): StepResult | undefined {
  const link = chain.links[i];
  switch (link.name) {
    case 'raw':
    case 'unsafe': {
      const executed = exec || chain.links.slice(i + 1).some((l) => l.name === 'execute');
      if (executed && link.args[0]) w.raw(link.args[0], link.node, frame);
      return { next: executed ? Math.max(i + 1, chain.links.findIndex((l, k) => k > i && l.name === 'execute') + 1) : i + 1 };
    }
    case 'begin':
    case 'transaction': {
      const cb = link.args[link.args.length - 1];
      walkCallback(w, cb, frame, [role]);
      return { next: i + 1 };
    }
    case 'file':
      w.unanalysed(link.node, `SQL read from a file at run time (${w.callName(link.node)})`);
      return { next: i + 1 };
    default:
      // sql.join, sql.ref, sql.lit...: fragments, not statements.
      return { next: chain.links.length };
  }
}
