import type { Migration } from '../ir/types.js';
import { compareVersions } from '../plan/versions.js';
import { folderOf } from '../plan/plan.js';

/** Flyway repeatable migrations (`R__name.sql`): no version, re-run whenever they change. */
export function isRepeatable(m: Migration): boolean {
  return m.format === 'flyway' && m.version === undefined;
}

/** The order a tool applies migrations in: by version (numeric-aware), then by path. */
export function compareApplyOrder(a: Migration, b: Migration): number {
  if (a.version !== undefined && b.version !== undefined) {
    const c = compareVersions(a.version, b.version);
    if (c !== 0) return c;
  } else if (a.version !== undefined || b.version !== undefined) {
    return a.version !== undefined ? -1 : 1;
  }
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Migrations grouped by folder (each folder is one database's history), each group in apply order. */
export function groupByFolder(migrations: readonly Migration[]): Map<string, Migration[]> {
  const groups = new Map<string, Migration[]>();
  for (const m of migrations) {
    const key = folderOf(m);
    const list = groups.get(key);
    if (list) list.push(m);
    else groups.set(key, [m]);
  }
  for (const list of groups.values()) list.sort(compareApplyOrder);
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
