/**
 * A call chain read left to right: `knex.schema.createTable(...).createTable(...)`
 * becomes its base (`knex`) and the member and call links after it, which the
 * framework steps consume one at a time.
 */
import type * as t from '@babel/types';
import { propertyName, unwrapTs } from './scope.js';

export interface Link {
  kind: 'member' | 'call';
  name: string | undefined;
  args: t.Node[];
  /** The member expression or call expression of this link (it spans the chain from its start). */
  node: t.Node;
  /** From the property name to the end of this link: `.addColumn(...)`. */
  at: { start: number; end: number };
}

export interface Chain {
  base: t.Node;
  links: Link[];
  /** The outermost expression. */
  node: t.Node;
}

export function flattenChain(outer: t.CallExpression | t.OptionalCallExpression | t.MemberExpression | t.OptionalMemberExpression): Chain {
  const links = linksOutsideIn(outer);
  const base = links.base;
  const ordered = links.list.reverse();
  foldBoundCalls(ordered);
  return { base, links: ordered, node: outer };
}

/** The links from the outermost expression inwards, and the base they hang from. */
function linksOutsideIn(outer: t.Node): { list: Link[]; base: t.Node } {
  const list: Link[] = [];
  let cur: t.Node = outer;
  for (;;) {
    if (cur.type === 'CallExpression' || cur.type === 'OptionalCallExpression') {
      const callee = unwrapTs(cur.callee);
      if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
        list.push({ kind: 'call', name: propertyName(callee), args: cur.arguments, node: cur, at: { start: callee.property.start!, end: cur.end! } });
        cur = unwrapTs(callee.object);
        continue;
      }
      break;
    }
    if (cur.type === 'MemberExpression' || cur.type === 'OptionalMemberExpression') {
      list.push({ kind: 'member', name: propertyName(cur), args: [], node: cur, at: { start: cur.property.start!, end: cur.end! } });
      cur = unwrapTs(cur.object);
      continue;
    }
    if (cur.type === 'AwaitExpression') {
      cur = unwrapTs(cur.argument);
      continue;
    }
    break;
  }
  return { list, base: cur };
}

/** db.createTable.bind(db, 'users', {...}): the bound call, read as the call it makes. */
function foldBoundCalls(links: Link[]): void {
  for (let i = 1; i < links.length; i++) {
    const l = links[i];
    const prev = links[i - 1];
    if (l.kind === 'call' && (l.name === 'bind' || l.name === 'call') && prev.kind === 'member') {
      links.splice(i - 1, 2, { kind: 'call', name: prev.name, args: l.args.slice(1), node: l.node, at: { start: prev.at.start, end: l.at.end } });
      i--;
    }
  }
}
