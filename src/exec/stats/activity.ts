/**
 * Transactions open at snapshot time, for the stats snapshot: a migration's lock queues
 * behind any lock they hold. Only their age and state are kept, never the query, the
 * user, the application or the client address (the file is meant to be committed).
 */
import type { StatsSnapshot } from '../../stats/format.js';
import type { Attempt } from './collect.js';

/** A transaction open longer than this is listed. */
export const ageWindowSeconds = 60;

export interface Activity {
  longTransactions: StatsSnapshot['longTransactions'];
  /**
   * Sessions in this database whose activity the role may not see (another role's, without
   * pg_read_all_stats): their transaction start is NULL, so an old one cannot be listed.
   */
  hidden: number;
}

export async function readActivity(attempt: Attempt): Promise<Activity> {
  const sessions = await attempt<{ age: number | null; state: string | null; hidden: boolean }>(
    'pg_stat_activity',
    `SELECT extract(epoch FROM now() - xact_start)::float8 AS age, state,
            (usesysid IS NOT NULL AND NOT pg_has_role('pg_read_all_stats', 'USAGE') AND NOT pg_has_role(usesysid, 'USAGE')) AS hidden
       FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  const prepared = await attempt<{ age: number }>(
    'pg_prepared_xacts',
    `SELECT extract(epoch FROM now() - prepared)::float8 AS age FROM pg_prepared_xacts WHERE database = current_database()`,
  );
  const open = [
    ...(sessions ?? []).filter((s) => !s.hidden && s.age !== null).map((s) => ({ age: s.age!, state: s.state ?? 'unknown' })),
    ...(prepared ?? []).map((p) => ({ age: p.age, state: 'prepared' })),
  ];
  return {
    longTransactions: open
      .filter((t) => t.age > ageWindowSeconds)
      .sort((a, b) => b.age - a.age)
      .map((t) => ({ ageSeconds: Math.round(t.age), state: t.state })),
    hidden: (sessions ?? []).filter((s) => s.hidden).length,
  };
}
