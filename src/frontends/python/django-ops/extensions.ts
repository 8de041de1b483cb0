/** `CreateExtension('name')` and the django.contrib.postgres classes that name one (`HStoreExtension()`). */
import { q } from '../lower.js';
import { strConst } from '../values.js';
import type { OpContext, Operation, OperationHandler } from './context.js';

const CONTRIB_EXTENSIONS: Record<string, string> = {
  BloomExtension: 'bloom',
  BtreeGinExtension: 'btree_gin',
  BtreeGistExtension: 'btree_gist',
  CITextExtension: 'citext',
  CryptoExtension: 'pgcrypto',
  HStoreExtension: 'hstore',
  TrigramExtension: 'pg_trgm',
  UnaccentExtension: 'unaccent',
};

export const extensionOperations: Record<string, OperationHandler> = {
  CreateExtension: (ctx, op) => createExtension(ctx, op, strConst(ctx.scope, op.arg(0, 'name')) ?? '{name}'),
  ...Object.fromEntries(Object.entries(CONTRIB_EXTENSIONS).map(([kind, name]) => [kind, (ctx: OpContext, op: Operation) => createExtension(ctx, op, name)])),
};

/** Django drops the extension on the way back down: the down section gets that. */
function createExtension(ctx: OpContext, { call }: Operation, name: string): void {
  ctx.emitSql(call.node, [`CREATE EXTENSION IF NOT EXISTS ${q(name)}`]);
  const emit = ctx.emit;
  if (emit) emit.reverse.push(() => emit.down.builder(`DROP EXTENSION IF EXISTS ${q(name)}`, call.node));
}
