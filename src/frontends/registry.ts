import type { Migration, Statement } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import type { FrontendName } from '../formats/frontends.js';

export type ReadFile = (file: string) => string;

/**
 * A frontend reads one kind of file and lowers it to the IR. Frontends are loaded
 * lazily: a run over SQL files never imports the JavaScript or Python parsers.
 */
export interface Frontend {
  /** Loads parsers (WASM, grammars) once; `read` is synchronous afterwards. */
  load(): Promise<void>;
  /**
   * Reads one migration. Returns undefined for a file that is not a migration at all
   * (a helper module next to the migrations), which is then skipped silently.
   */
  read(unit: MigrationUnit, readFile: ReadFile): Migration | undefined;
  /**
   * What existed before the oldest of these migrations, as statements to replay before
   * the first one (Rails' `db/schema.rb`): the pipeline seeds the schema model with
   * those of their objects no migration of the run creates. A `note` says why a file
   * meant to seed could not (it does not parse).
   */
  seeds?(units: readonly MigrationUnit[], readFile: ReadFile): SchemaSeed[];
}

/** A framework's dump of the schema, lowered to statements (see `Frontend.seeds`). */
export interface SchemaSeed {
  file: string;
  statements: Statement[];
  note?: string;
}

const IMPORTERS: Record<FrontendName, () => Promise<{ default: Frontend }>> = {
  sql: () => import('./sql/frontend.js'),
  typescript: () => import('./typescript/frontend.js'),
  python: () => import('./python/frontend.js'),
  ruby: () => import('./ruby/frontend.js'),
};

const loaded = new Map<string, Promise<Frontend>>();

export function loadFrontend(name: string): Promise<Frontend> {
  let p = loaded.get(name);
  if (!p) {
    const importer = IMPORTERS[name as FrontendName];
    if (!importer) throw new Error(`internal: no frontend named ${name}`);
    p = importer().then(async (m) => {
      await m.default.load();
      return m.default;
    });
    loaded.set(name, p);
  }
  return p;
}
