/**
 * ory/pop (and popx, which Ory Hydra and Kratos use) name a SQL migration for the
 * database it is written for: `<version>_<name>.<dialect>[.autocommit].(up|down).sql`;
 * a file without a dialect (`<version>_<name>[.autocommit].up.sql`) is for every
 * database, unless a file of the same version is written for the one being migrated:
 * then pop runs that one instead. So a generic file beside a `….postgres.up.sql` of the
 * same version and direction never runs on PostgreSQL (Hydra's generic
 * `…_device_flow.autocommit.up.sql` is CockroachDB/MySQL SQL with inline `INDEX`es).
 *
 * pop matches by version alone; the sibling is looked for under the same name, which is
 * how pop's own generator and every project we measured name them.
 */
import path from 'node:path';
import type { ReadFile } from '../registry.js';

/** A file for every database: version, name, optional `.autocommit`, direction; no dialect part. */
const GENERIC = /^(\d+_[^.]+)(?:\.autocommit)?\.(up|down)\.sql$/i;

/**
 * The PostgreSQL file pop runs instead of this generic one, when there is one; undefined
 * otherwise. One with the very same text changes nothing (reading this file reads what
 * PostgreSQL runs), and is not counted: that is also what a reader serving one text under
 * every name returns (`lintText`, SQL from stdin), where no sibling exists.
 */
export function postgresFileInstead(file: string, readFile: ReadFile): string | undefined {
  const m = GENERIC.exec(path.basename(file));
  if (!m) return undefined;
  const own = tryRead(file, readFile);
  for (const suffix of ['', '.autocommit']) {
    const candidate = path.join(path.dirname(file), `${m[1]}.postgres${suffix}.${m[2]}.sql`);
    const text = tryRead(candidate, readFile);
    if (text !== undefined && text !== own) return candidate;
  }
  return undefined;
}

function tryRead(file: string, readFile: ReadFile): string | undefined {
  try {
    return readFile(file);
  } catch {
    return undefined;
  }
}
