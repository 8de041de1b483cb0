/**
 * Data changes written with Active Record rather than SQL: `User.update_all(...)`,
 * `User.where(...).delete_all`, `Post.in_batches.update_all(...)`. Only what the rules
 * need is kept: the table (a model's, by Rails' naming), whether rows are narrowed
 * (a `where` anywhere in the chain, or batches), and the columns set.
 */
import { kind, type RbFile, type RNode } from './source.js';
import { callArgs, constantName, valueOf } from './values.js';
import { tableize } from './inflect.js';
import { q, qt } from './sql.js';

const VERBS = new Set(['update_all', 'delete_all', 'destroy_all']);
/** Chain links that narrow the rows: a condition, a limit, or batches by primary key range. */
const NARROWING = new Set(['where', 'rewhere', 'not', 'find_by', 'limit', 'in_batches', 'find_in_batches', 'find_each', 'merge', 'joins', 'first', 'last', 'take', 'excluding', 'without', 'or', 'and']);
/** Links that keep every row. */
const ALL_ROWS = new Set(['all', 'unscoped', 'unscope', 'order', 'reorder', 'includes', 'preload', 'eager_load', 'readonly', 'select', 'distinct', 'lock']);

/** The SQL for a data-changing Active Record chain, or undefined when `call` is not one. */
export function dataChangeSql(file: RbFile, call: RNode, models: ReadonlyMap<string, string>): string | undefined {
  if (!VERBS.has(call.name)) return undefined;
  const links: RNode[] = [];
  let n: RNode = call.receiver;
  while (n && kind(n) === 'CallNode') {
    links.unshift(n);
    n = n.receiver;
  }
  const model = constantName(file, n);
  if (!model) return undefined;
  if (links.some((l) => !NARROWING.has(l.name) && !ALL_ROWS.has(l.name))) return undefined;
  const table = qt(models.get(model) || modelTable(model));
  const narrowing = links.filter((l) => NARROWING.has(l.name));
  const where = narrowing.length ? ` WHERE ${q(`{${narrowing.map((l) => file.src(l.messageLoc) + (l.arguments_ ? `(${file.src(l.arguments_).replace(/\s+/g, ' ').slice(0, 40)})` : '')).join('.')}}`)}` : '';
  if (call.name !== 'update_all') return `DELETE FROM ${table}${where}`;
  const { args, kwargs } = callArgs(call);
  const columns: string[] = [...kwargs.keys()];
  const first = args[0];
  const hash = first && kind(first) === 'HashNode' ? valueOf(first) : undefined;
  if (hash instanceof Map) columns.push(...hash.keys());
  const sets = columns.length ? columns.map((c, i) => `${q(c)} = $${i + 1}`) : [`${q('{updates}')} = $1`];
  return `UPDATE ${table} SET ${sets.join(', ')}${where}`;
}

/** Rails' own engines isolate their models' tables under a prefix (`ActiveStorage::Blob` → `active_storage_blobs`). */
const ENGINE_PREFIX: Record<string, string> = { ActiveStorage: 'active_storage_', ActionText: 'action_text_', ActionMailbox: 'action_mailbox_' };

/** The table a model class gets by default: its last name tableized, after its engine's prefix. */
function modelTable(model: string): string {
  const parts = model.split('::');
  const prefix = parts.length > 1 ? ENGINE_PREFIX[parts[parts.length - 2]] ?? '' : '';
  return prefix + tableize(model);
}
