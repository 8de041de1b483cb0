/**
 * Writing the tool's own history row for the SQL formats migratelint applies itself,
 * inside the same transaction as the migration (or its last step), so the team's tool
 * (golang-migrate, Flyway, dbmate, ...) agrees afterwards with what ran.
 */
import type { Driver } from './drivers/types.js';
import type { ExecMigration, ExecPlan } from './migrations.js';
import { nativeHistories } from './native-view.js';
import { nativeHistoryFor } from './native/index.js';

export interface NativeRecorder {
  /** Creates the tables the run will write to, as their tools would. */
  ensure(driver: Driver): Promise<void>;
  /** The table `m`'s row goes to, when one is written (for --dry-run and messages). */
  tableFor(m: ExecMigration): string | undefined;
  /** Records `m` as applied or rolled back; called inside the migration's last transaction. */
  record(driver: Driver, m: ExecMigration, direction: 'up' | 'down'): Promise<void>;
}

const NONE: NativeRecorder = { ensure: async () => {}, tableFor: () => undefined, record: async () => {} };

/** What a run writes to the tools' own tables; nothing when `nativeHistory` is off. */
export function nativeRecorder(plan: ExecPlan): NativeRecorder {
  if (!plan.nativeHistory) return NONE;
  const planned = plan.migrations.map((m) => m.planned);
  const writable = (m: ExecMigration) => {
    const h = nativeHistoryFor(m.planned.format);
    return h?.recordApplied && h.recordRolledBack ? h : undefined;
  };
  return {
    async ensure(driver) {
      for (const { history } of nativeHistories(plan.migrations)) if (history.recordApplied) await history.ensure?.(driver);
    },
    tableFor: (m) => writable(m)?.table,
    async record(driver, m, direction) {
      const h = writable(m);
      if (!h) return;
      // The tool's table is where the tool's session finds it; a migration that SET its own
      // search_path (it lasts until the session is reset) must not send the row elsewhere.
      await driver.execute('SET LOCAL search_path TO DEFAULT');
      if (direction === 'up') await h.recordApplied!(driver, m.planned, planned);
      else await h.recordRolledBack!(driver, m.planned, planned);
    },
  };
}
