import { loadedSqlParser } from '../pg/parse.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The output columns of a view's definition (pg_get_viewdef's `SELECT a, b AS c FROM t`),
 * read with PostgreSQL's parser, so that a view a down re-creates differently can be said
 * in its columns ("with 2 more columns: inbox_url, shared_inbox_url") rather than as two
 * long definitions. Undefined when the parser is not loaded or a column has no plain name.
 */
export function viewColumns(definition: string): string[] | undefined {
  const pg = loadedSqlParser();
  if (!pg) return undefined;
  let select: any;
  try {
    select = (pg.parseSync(definition).stmts as any[])[0]?.stmt?.SelectStmt;
  } catch {
    return undefined;
  }
  // UNION / INTERSECT / EXCEPT: the left-most branch names the columns.
  while (select?.larg) select = select.larg;
  const targets: any[] = select?.targetList ?? [];
  if (!targets.length) return undefined;
  const out: string[] = [];
  for (const t of targets) {
    const res = t.ResTarget;
    if (res?.name) {
      out.push(res.name);
      continue;
    }
    const fields: any[] = res?.val?.ColumnRef?.fields ?? [];
    const last = fields[fields.length - 1]?.String?.sval;
    if (typeof last !== 'string') return undefined; // `*` or an expression without a name
    out.push(last);
  }
  return out;
}

/** "2 more columns: a, b", "column c gone", ... for a view whose output columns changed; undefined when they did not. */
export function viewColumnChange(before: string, after: string): string | undefined {
  const a = viewColumns(before);
  const b = viewColumns(after);
  if (!a || !b) return undefined;
  const added = b.filter((c) => !a.includes(c));
  const gone = a.filter((c) => !b.includes(c));
  const parts: string[] = [];
  if (added.length) parts.push(`${added.length === 1 ? 'a column more' : `${added.length} more columns`}: ${added.join(', ')}`);
  if (gone.length) parts.push(`${gone.length === 1 ? 'column' : 'columns'} ${gone.join(', ')} gone`);
  if (!parts.length && a.join(',') !== b.join(',')) parts.push('its columns in another order');
  return parts.length ? parts.join('; ') : undefined;
}
