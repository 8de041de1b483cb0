/**
 * `migratelint repair`: after a human finished or undid a partly applied or failed
 * migration by hand, record the outcome, as Flyway's `repair` and golang-migrate's
 * `force` do. Nothing of the migration runs: a history row says it is applied (or rolled
 * back) with the file's current checksum, who recorded it and why, and the format's own
 * history table is brought in line, its dirty or failed mark cleared.
 */
import type { Driver } from './drivers/types.js';
import { openDb, takeLock, type ExecContext } from './context.js';
import { ExecError } from './errors.js';
import { ensureHistory, insertRow, migrationStates, readHistory, stateKind } from './history.js';
import { loadExecPlan } from './migrations.js';
import { confirmServer, label, withReport } from './apply.js';
import { planSection } from './plan.js';
import { nativeHistoryFor } from './native/index.js';

export interface RepairOptions {
  dir: string;
  id: string;
  outcome: 'applied' | 'rolled back';
  reason: string;
  yes: boolean;
  /** Also record it in the format's own history table (config `nativeHistory`). */
  nativeHistory: boolean;
}

export async function repair(ctx: ExecContext, options: RepairOptions): Promise<number> {
  return withReport(ctx, async (report) => {
    const { migrations } = await loadExecPlan(options.dir, ctx.cwd);
    const m = migrations.find((x) => x.id === options.id);
    let driver: Driver | undefined;
    try {
      driver = await openDb(ctx, { mustExist: true });
      await takeLock(ctx, driver);
      const states = migrationStates(await readHistory(driver, ctx.schema));
      const state = states.get(options.id);
      if (!m && !state) throw new ExecError(`repair: no migration on disk or in the history has the id ${options.id}`);
      if (!m && options.outcome === 'applied') {
        throw new ExecError(`repair: ${options.id} is not on disk in ${options.dir}: it can only be recorded as rolled back`);
      }
      const before = stateKind(state);
      const shown = m ? label(m) : options.id;
      await confirmServer(ctx, options.yes, `Record ${shown} (now ${before}) as ${options.outcome} on ${ctx.target.display}, without running anything?`);

      const native = options.nativeHistory && m ? nativeHistoryFor(m.planned.format) : undefined;
      const db = driver;
      await ensureHistory(db, ctx.schema);
      await db.execute('BEGIN');
      try {
        const direction = options.outcome === 'applied' ? 'up' : 'down';
        const count = m ? planSection(m, direction, 0).statements.length : 0;
        await insertRow(db, ctx.schema, {
          version: options.id,
          name: m?.name ?? state?.current?.name ?? undefined,
          direction,
          result: options.outcome,
          checksum: m?.checksum ?? state?.current?.checksum ?? '',
          file: m?.file ?? state?.current?.file ?? undefined,
          progress: count,
          note: `repair: ${options.reason}`,
        });
        if (native?.repair && m) await native.repair(db, m.planned, options.outcome, migrations.map((x) => x.planned));
        await db.execute('COMMIT');
      } catch (e) {
        await db.execute('ROLLBACK').catch(() => {});
        throw e;
      }
      report.data.migrations.push({
        id: options.id,
        name: m?.name,
        file: m?.file,
        direction: options.outcome === 'applied' ? 'up' : 'down',
        checksum: m?.checksum,
        result: `${options.outcome} (repair: ${options.reason})`,
      });
      ctx.out(`recorded ${shown} as ${options.outcome} (was ${before})${native?.repair ? `, in ${native.table} too` : ''}: ${options.reason}`);
      return 0;
    } finally {
      if (driver) await driver.close();
    }
  });
}
