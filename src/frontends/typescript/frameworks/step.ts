/**
 * What a framework step is: it reads one call link of a chain rooted at a framework
 * object and says where the chain goes next. Most steps look the method up in a
 * table of small handlers, one per method name.
 */
import type * as t from '@babel/types';
import { isFunctionNode, unwrapTs, type Role } from '../scope.js';
import type { Chain, Link } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';

/** What a step did: the next link to read and the object the chain now holds (none: stop). */
export interface StepResult {
  next: number;
  role?: Role;
}

export type Step = (w: Walker, role: Role, chain: Chain, i: number, frame: Frame, exec: boolean) => StepResult | undefined;

/** The call a step is reading, for its handlers. */
export interface StepCall {
  readonly w: Walker;
  readonly role: Role;
  readonly chain: Chain;
  /** The index of `link` in the chain. */
  readonly i: number;
  readonly link: Link;
  readonly frame: Frame;
}

/** A handler for one method; undefined when it cannot read this call (the step reports it as not analysed). */
export type Handler<C extends StepCall> = (call: C) => StepResult | undefined;

/**
 * The handler for a method name. Only the table's own keys count: a method named
 * like an Object.prototype member (`toString`, `constructor`) has no handler.
 */
export function handlerFor<H>(table: Readonly<Record<string, H>>, name: string | undefined): H | undefined {
  return name !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** The call returns the same framework object: the chain goes on with it (`.createTable(...).createTable(...)`). */
export function keepRole(call: StepCall): StepResult {
  return { next: call.i + 1, role: call.role };
}

/** The call returns nothing the framework step follows: what is chained after it is ordinary code. */
export function dropRole(call: StepCall): StepResult {
  return { next: call.i + 1 };
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
