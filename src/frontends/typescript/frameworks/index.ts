/**
 * Dispatches a call chain rooted at a framework object to the framework that
 * knows it. Each step reads one call link and says where the chain goes next
 * (another framework object, or nowhere: the rest is ordinary code).
 */
import type * as t from '@babel/types';
import { memberRole, type Role } from '../scope.js';
import type { Chain } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { knexStep } from './knex.js';
import { knexQueryFromBase } from './knex-query.js';
import { contextCall, contextStep, typeormStep } from './typeorm.js';
import { sequelizeStep } from './sequelize.js';
import { pgmStep } from './pgm.js';
import { kyselyStep } from './kysely.js';
import { dbMigrateStep } from './db-migrate.js';
import { walkCallback, type Step, type StepResult } from './step.js';

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
  const base = chain.base;
  if (from === 0 && (base.type === 'CallExpression' || base.type === 'OptionalCallExpression')) {
    const read = chainFromBaseCall(w, role, chain, base, frame);
    if (read !== undefined) return read;
  }
  let r: Role | undefined = role;
  let i = from;
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

/** A chain whose base call is itself the framework's entry point; undefined when it is not one. */
function chainFromBaseCall(w: Walker, role: Role, chain: Chain, base: t.CallExpression | t.OptionalCallExpression, frame: Frame): number | undefined {
  // knex('users').where(...).del(): the base call is the query builder.
  if (role.kind === 'knex') return knexQueryFromBase(w, chain, frame);
  // runQuery(sql), createTable('t').withColumns(...): a helper destructured from a migration context.
  if (role.kind !== 'migrationContext' || !role.member) return undefined;
  const used = contextCall(w, role.member, base.arguments, chain.links, base, frame);
  if (used !== undefined) return used;
  w.unanalysed(base, `context.${role.member}() is not analysed by migratelint`);
  w.visitArgs(base.arguments, frame, false);
  return 0;
}

/** How messages name each framework object. */
const ROLE_NAMES: Record<Role['kind'], string> = {
  knex: 'knex',
  knexSchema: 'knex.schema',
  knexTable: 'table',
  queryRunner: 'queryRunner',
  typeormManager: 'queryRunner.manager',
  queryInterface: 'queryInterface',
  sequelize: 'sequelize',
  sequelizeTx: 'transaction',
  pgm: 'pgm',
  pgmDb: 'pgm.db',
  kysely: 'db',
  kyselySchema: 'db.schema',
  mikro: 'this',
  dbMigrate: 'db',
  sqlTag: 'sql',
  migrationContext: 'context',
};

export function describeRole(r: Role): string {
  if (r.kind === 'migrationContext' && r.member) return `context.${r.member}`;
  return ROLE_NAMES[r.kind];
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
