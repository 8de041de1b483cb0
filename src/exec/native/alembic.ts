/**
 * Alembic's `alembic_version`, checked against sqlalchemy/alembic alembic/ddl/impl.py
 * (version_table_impl) and alembic/runtime/migration.py (HeadMaintainer: the table holds
 * the current head revision of each branch; upgrading updates, inserts or deletes those
 * rows):
 *
 *   CREATE TABLE alembic_version (
 *     version_num VARCHAR(32) NOT NULL,
 *     CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
 *   )
 *
 * Applied = the revisions in the table and everything they descend from (down_revision,
 * and depends_on, which Alembic also runs first): the plan's `after`. Read only: Alembic's
 * own runner writes the table.
 */
import type { NativeHistory, NativeState } from './types.js';
import { emptyState, findTable, ofFormat } from './common.js';

const TABLE = 'alembic_version';

export const alembic: NativeHistory = {
  format: 'alembic',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await findTable(driver, TABLE);
    if (!t || !t.columns.has('version_num')) return undefined;
    const state = emptyState(t.display);
    const heads = (await driver.query<{ v: string }>(`SELECT version_num AS v FROM ${t.sql}`)).map((r) => r.v);
    const byId = new Map(ofFormat(plan, 'alembic').map((p) => [p.id, p]));
    const stack: string[] = [];
    for (const h of heads) {
      if (byId.has(h)) stack.push(h);
      else state.unknown.push(h);
    }
    while (stack.length) {
      const id = stack.pop()!;
      if (state.applied.has(id)) continue;
      state.applied.add(id);
      for (const parent of byId.get(id)?.after ?? []) if (byId.has(parent)) stack.push(parent);
    }
    return state;
  },
};
