/**
 * Migration graphs (Alembic's revisions, Django's dependencies): cycles, ancestry, and
 * the order a framework walks them in.
 */

export interface GraphNode {
  readonly parents: readonly string[];
}

/** A cycle in a graph, as the ids along it (first id repeated at the end), or undefined. */
export function findCycle(nodes: ReadonlyMap<string, GraphNode>): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  for (const start of nodes.keys()) {
    if (state.has(start)) continue;
    // Iterative DFS: histories are long chains.
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const parents = nodes.get(top.id)?.parents ?? [];
      if (top.next >= parents.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const p = parents[top.next++];
      if (!nodes.has(p)) continue;
      const s = state.get(p);
      if (s === 1) {
        const from = stack.findIndex((e) => e.id === p);
        return [...stack.slice(from).map((e) => e.id), p].reverse();
      }
      if (s === undefined) {
        state.set(p, 1);
        stack.push({ id: p, next: 0 });
      }
    }
  }
  return undefined;
}

/** Every node reachable through parents from `id` (its ancestors), not including itself. */
export function ancestors(nodes: ReadonlyMap<string, GraphNode>, id: string): Set<string> {
  const out = new Set<string>();
  const todo = [...(nodes.get(id)?.parents ?? [])];
  while (todo.length) {
    const p = todo.pop()!;
    if (out.has(p) || !nodes.has(p)) continue;
    out.add(p);
    todo.push(...nodes.get(p)!.parents);
  }
  return out;
}

/** The nodes no other node names as a parent. */
export function heads(nodes: ReadonlyMap<string, GraphNode>): string[] {
  const isParent = new Set([...nodes.values()].flatMap((n) => n.parents));
  return [...nodes.keys()].filter((id) => !isParent.has(id));
}

/**
 * Every node, parents before children: a depth-first walk from each target in turn,
 * parents visited in the order `parentOrder` gives, each node listed once, after all
 * of its parents. This is how Django builds its forwards plan (targets: the leaf of
 * each app, sorted; parents sorted) and how a graph with one head is upgraded. A graph
 * with a cycle must be rejected first (`findCycle`).
 */
export function parentsFirst(
  nodes: ReadonlyMap<string, GraphNode>,
  targets: readonly string[],
  parentOrder: (parents: readonly string[]) => readonly string[] = (p) => p,
): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  for (const target of targets) {
    if (done.has(target) || !nodes.has(target)) continue;
    const stack: { id: string; parents: readonly string[]; next: number }[] = [{ id: target, parents: parentOrder(nodes.get(target)!.parents), next: 0 }];
    const onStack = new Set([target]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.parents.length) {
        const p = top.parents[top.next++];
        if (done.has(p) || onStack.has(p) || !nodes.has(p)) continue;
        onStack.add(p);
        stack.push({ id: p, parents: parentOrder(nodes.get(p)!.parents), next: 0 });
        continue;
      }
      stack.pop();
      onStack.delete(top.id);
      done.add(top.id);
      out.push(top.id);
    }
  }
  return out;
}
