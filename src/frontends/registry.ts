import type { Migration } from '../ir/types.js';
import type { MigrationUnit } from '../discover/index.js';

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
}

interface FrontendEntry {
  name: string;
  extensions: string[];
  importer: () => Promise<{ default: Frontend }>;
}

const FRONTENDS: FrontendEntry[] = [
  { name: 'sql', extensions: ['.sql'], importer: () => import('./sql/frontend.js') },
  { name: 'typescript', extensions: ['.js', '.cjs', '.mjs', '.ts', '.mts', '.cts'], importer: () => import('./typescript/frontend.js') },
  { name: 'python', extensions: ['.py'], importer: () => import('./python/frontend.js') },
];

export const SUPPORTED_EXTENSIONS = FRONTENDS.flatMap((f) => f.extensions);

export function frontendNameFor(file: string): string | undefined {
  const lower = file.toLowerCase();
  return FRONTENDS.find((f) => f.extensions.some((ext) => lower.endsWith(ext)))?.name;
}

const loaded = new Map<string, Promise<Frontend>>();

export function loadFrontend(name: string): Promise<Frontend> {
  let p = loaded.get(name);
  if (!p) {
    const entry = FRONTENDS.find((f) => f.name === name);
    if (!entry) throw new Error(`internal: no frontend named ${name}`);
    p = entry.importer().then(async (m) => {
      await m.default.load();
      return m.default;
    });
    loaded.set(name, p);
  }
  return p;
}
