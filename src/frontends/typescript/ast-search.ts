/** Questions asked of a whole subtree of the Babel AST. */
import type * as t from '@babel/types';

/** Keys that hold positions or parser extras, never code. */
const NOT_CODE = new Set(['loc', 'extra', 'leadingComments', 'trailingComments']);

/**
 * Whether any node under `root` (itself included) passes `test`. `'prune'` says the
 * node does not pass and its children need no look.
 */
export function anyNode(root: unknown, test: (node: t.Node) => boolean | 'prune'): boolean {
  const visit = (n: unknown): boolean => {
    if (!n || typeof n !== 'object') return false;
    if (Array.isArray(n)) return n.some(visit);
    const verdict = test(n as t.Node);
    if (verdict === true) return true;
    if (verdict === 'prune') return false;
    for (const [k, v] of Object.entries(n)) {
      if (!NOT_CODE.has(k) && v && typeof v === 'object' && visit(v)) return true;
    }
    return false;
  };
  return visit(root);
}

/**
 * Whether code calls anything (a call, `new`, a tagged template): a skipped branch
 * without one needs no note. What a `throw` builds (`throw Error('Unsupported
 * database')`) runs no SQL, so it does not count.
 */
export function containsCall(node: t.Node): boolean {
  return anyNode(node, (n) =>
    n.type === 'ThrowStatement' ? 'prune' : n.type === 'CallExpression' || n.type === 'OptionalCallExpression' || n.type === 'NewExpression' || n.type === 'TaggedTemplateExpression',
  );
}

/** Whether an expression uses a name (any identifier of that name, shadowing aside). */
export function mentions(node: t.Node, name: string): boolean {
  return anyNode(node, (n) => n.type === 'Identifier' && n.name === name);
}
