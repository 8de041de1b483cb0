import fs from 'node:fs';
import path from 'node:path';
import { SUPPORTED_EXTENSIONS } from '../formats/frontends.js';
import { SKIPPED_DIRS } from './index.js';

/**
 * Whether a folder holds, anywhere below it, a file discovery would read (skipping the
 * folders it skips). Stops at the first one, so a full folder costs one look.
 */
export function holdsMigrationFiles(dir: string, extensions: readonly string[] = SUPPORTED_EXTENSIONS): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  const wanted = (name: string) => extensions.some((ext) => name.toLowerCase().endsWith(ext));
  if (entries.some((e) => e.isFile() && wanted(e.name))) return true;
  return entries.some((e) => e.isDirectory() && !SKIPPED_DIRS.has(e.name) && holdsMigrationFiles(path.join(dir, e.name), extensions));
}
