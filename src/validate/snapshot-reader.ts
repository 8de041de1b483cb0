import type { Driver } from '../exec/drivers/types.js';
import { quoteLiteral } from '../exec/sql.js';
import { SNAPSHOT_LISTS, SNAPSHOT_SQL, toObject } from './snapshot-query.js';
import type { Snapshot } from './snapshot.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const STATEMENT = 'migratelint_snapshot';

/**
 * Reads snapshots through a prepared statement: planning the catalog query costs about as
 * much as running it, and a trial takes two snapshots per migration. A migration that
 * deallocates the statement (DISCARD ALL) gets it prepared again.
 */
export class SnapshotReader {
  private prepared = false;

  constructor(
    private readonly driver: Driver,
    private readonly ignoreSchemas: readonly string[] = [],
  ) {}

  /**
   * Prepares the statement now. Inside a transaction a failed PREPARE (the name taken by
   * an earlier reader on this session) would abort it, so the trial prepares before.
   */
  async prepare(): Promise<void> {
    const list = `ARRAY[${this.ignoreSchemas.map((s) => quoteLiteral(s)).join(', ')}]::text[]`;
    const sql = `PREPARE ${STATEMENT} AS ${SNAPSHOT_SQL.replace('%IGNORE%', list)}`;
    try {
      await this.driver.execute(sql);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P05') throw e; // duplicate_prepared_statement: another reader's
      await this.driver.execute(`DEALLOCATE ${STATEMENT}`);
      await this.driver.execute(sql);
    }
    this.prepared = true;
  }

  private async execute(): Promise<string> {
    if (!this.prepared) await this.prepare();
    const run = async () => (await this.driver.query<{ snapshot: string }>(`EXECUTE ${STATEMENT}`))[0].snapshot;
    try {
      return await run();
    } catch (e) {
      if ((e as { code?: string }).code !== '26000') throw e; // invalid_sql_statement_name: deallocated
      await this.prepare();
      return run();
    }
  }

  async take(): Promise<Snapshot> {
    const raw = JSON.parse(await this.execute());
    const snapshot: Snapshot = new Map();
    for (const list of SNAPSHOT_LISTS) {
      for (const row of raw[list] as any[]) {
        const object = toObject(list, row);
        if (object) snapshot.set(object[0], object[1]);
      }
    }
    return snapshot;
  }
}

/** Reads the schema of the database the driver is connected to. */
export async function takeSnapshot(driver: Driver, ignoreSchemas: readonly string[] = []): Promise<Snapshot> {
  return new SnapshotReader(driver, ignoreSchemas).take();
}
