import fs from 'node:fs';
import path from 'node:path';
import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { COMMON_OPTIONS, contextFrom, guard, onePositional, parseDuration } from './exec-shared.js';
import { loadConfig } from '../config/load.js';
import { jsonContext, jsonOrError, noteTarget } from './status-command.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { health } from '../exec/health.js';

/**
 * `migratelint health [dir] --db <url> [--json]`: exit 1 when unhealthy. A database no
 * migration was applied to yet is healthy, so `health && apply` can do the first deploy.
 */
export async function healthCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_OPTIONS, json: { type: 'boolean' }, 'max-transaction-age': { type: 'string' } });
  const maxTransactionAgeMs = parseDuration(values['max-transaction-age'] as string | undefined, 'max-transaction-age');
  const { pgVersion } = await loadConfig({ cwd: io.cwd });
  const json = !!values.json;
  const given = onePositional(positionals, 'health', 'migrations directory');
  // The pending count needs migrations; without a directory (none given, none found) it is left out.
  const dir =
    given !== undefined
      ? resolveMigrationsDir(given, io.cwd)
      : ['migrations', 'db/migrations'].find((d) => fs.existsSync(path.resolve(io.cwd, d)));
  const ctx = jsonContext(json, io, () => contextFrom(values, io, 'health', args));
  noteTarget(ctx, values.db as string | undefined, io);
  const options = { dir, json, pgVersion, maxTransactionAgeMs };
  if (!json) return guard(ctx, () => health(ctx, options));
  return jsonOrError(ctx, { healthy: false }, (c) => health(c, options));
}
