/**
 * Which framework object (role) an expression holds: a parameter bound to one, a
 * member or call of one (`knex.schema`, `queryRunner.manager`), or a global under
 * its usual name.
 */
import type * as t from '@babel/types';
import { anyNode } from './ast-search.js';
import { callRole, memberRole, propertyName, unwrapTs, type Env, type FunctionNode, type Role } from './scope.js';
import type { Evaluator } from './values.js';
import type { FileContext } from './walk-state.js';

/** What resolving a role needs: the file (its format, its sql tags) and the evaluator (a call's first argument). */
export interface RoleSource {
  readonly ctx: FileContext;
  readonly ev: Evaluator;
}

/** How many bindings and member links a role is followed through. */
const MAX_ROLE_DEPTH = 40;

export function roleOf(src: RoleSource, node: t.Node, env: Env, depth = 0): Role | undefined {
  // A name bound to an expression that uses the name again (`x = x.map(...)`) must not loop.
  if (depth > MAX_ROLE_DEPTH) return undefined;
  const n = unwrapTs(node);
  switch (n.type) {
    case 'Identifier': {
      const b = env.lookup(n.name);
      if (b?.kind === 'role') return b.role;
      if (b?.kind === 'expr') return roleOf(src, b.node, b.env, depth + 1);
      if (!b) return globalRole(src.ctx, n.name);
      return undefined;
    }
    case 'ThisExpression':
      return env.classInfo?.thisRole;
    case 'AwaitExpression':
      return roleOf(src, n.argument, env, depth + 1);
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const base = roleOf(src, n.object, env, depth + 1);
      const name = propertyName(n);
      return base && name ? memberRole(base, name) : undefined;
    }
    case 'CallExpression':
    case 'OptionalCallExpression': {
      const callee = unwrapTs(n.callee);
      if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
      const base = roleOf(src, callee.object, env, depth + 1);
      const name = propertyName(callee);
      if (!base || !name) return undefined;
      return callRole(base, name, n.arguments.length ? src.ev.str(n.arguments[0], env) : undefined, n.arguments.length);
    }
    default:
      return undefined;
  }
}

/** Framework objects commonly used under their usual name without being a parameter. */
function globalRole(ctx: FileContext, name: string): Role | undefined {
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
      return ctx.format === 'sequelize' ? { kind: 'sequelize' } : undefined;
    default:
      return ctx.sqlTags.has(name) ? { kind: 'sqlTag' } : undefined;
  }
}

/** The role of a chain whose base is a call: `knex('users')`, `trx('users')`, `runQuery(sql)`. */
export function baseCallRole(src: RoleSource, base: t.CallExpression | t.OptionalCallExpression, env: Env): Role | undefined {
  const callee = unwrapTs(base.callee);
  if (callee.type !== 'Identifier') return undefined;
  const role = roleOf(src, callee, env);
  // knex('users'), trx('users'): a query builder, handled by the knex chain.
  if (role?.kind === 'knex') return role;
  // runQuery(sql): a helper destructured from a migration context.
  if (role?.kind === 'migrationContext' && role.member) return role;
  return undefined;
}

/** Whether a function's body names a framework object of its defining scope, or `this` of a class with one. */
export function reachesRole(src: RoleSource, fn: FunctionNode, env: Env): boolean {
  return anyNode(fn.body, (o) => {
    if (o.type === 'Identifier') {
      const b = env.lookup(o.name);
      return b?.kind === 'role' || (!b && !!roleOf(src, o, env)) ? true : 'prune';
    }
    return o.type === 'ThisExpression' && !!env.classInfo?.thisRole;
  });
}
