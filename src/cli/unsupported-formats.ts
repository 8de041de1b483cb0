import fs from 'node:fs';
import path from 'node:path';
import { SKIPPED_DIRS } from '../discover/index.js';

/**
 * Migration formats migratelint recognises but does not read, so that "no migrations
 * found" can say what WAS found (an Ecto priv/repo/migrations folder is not an empty folder).
 */
const UNSUPPORTED: { label: string; matches: (rel: string) => boolean }[] = [
  { label: 'Liquibase changelogs', matches: (f) => /(^|\/)[^/]*changelog[^/]*\.(xml|ya?ml|json)$/i.test(f) },
  { label: 'Laravel or Doctrine migrations (PHP)', matches: (f) => /(^|\/)[^/]*migrations?\/[^/]+\.php$/i.test(f) },
  { label: 'Ecto migrations (Elixir)', matches: (f) => /(^|\/)migrations\/[^/]+\.exs$/.test(f) },
  { label: 'Entity Framework migrations (C#)', matches: (f) => /(^|\/)migrations\/[^/]+\.cs$/i.test(f) },
  { label: 'Flyway Java or Kotlin migrations', matches: (f) => /(^|\/)[VUR][0-9._]*__[^/]+\.(java|kt)$/.test(f) },
  { label: 'Go migrations (goose or golang-migrate code)', matches: (f) => /(^|\/)[^/]*migrations?\/[^/]+\.go$/i.test(f) },
  { label: 'Sqitch plans', matches: (f) => /(^|\/)sqitch\.plan$/.test(f) },
];

/** How deep below the folder to look: migrations live a few folders down at most. */
const MAX_DEPTH = 5;

/** One line per unsupported format found under `dir`: its name, how many files, one example (relative to `cwd`). */
export function unsupportedFormatsIn(dir: string, cwd: string): string[] {
  const found = new Map<string, { count: number; example: string }>();
  const visit = (abs: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(abs, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) visit(full, depth + 1);
        continue;
      }
      // Matched on the whole path: the folder named may be db/migrate itself.
      const format = UNSUPPORTED.find((u) => u.matches(full.split(path.sep).join('/')));
      if (!format) continue;
      const rel = path.relative(cwd, full).split(path.sep).join('/') || e.name;
      const seen = found.get(format.label);
      if (seen) seen.count++;
      else found.set(format.label, { count: 1, example: rel });
    }
  };
  visit(path.resolve(cwd, dir), 0);
  return [...found].map(([label, { count, example }]) => `${label}: ${count} file${count === 1 ? '' : 's'} such as ${example}`);
}
