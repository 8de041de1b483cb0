import type { DbTarget } from '../url.js';
import type { Driver, OpenOptions } from './types.js';

export type { Driver, OpenOptions } from './types.js';

/** Opens the database a target names; each driver is imported only when used. */
export async function openDriver(target: DbTarget, options: OpenOptions): Promise<Driver> {
  if (target.kind === 'pglite') {
    const { PgliteDriver } = await import('./pglite.js');
    return PgliteDriver.open(target, options);
  }
  const { PgDriver } = await import('./pg.js');
  return PgDriver.open(target, options.command);
}
