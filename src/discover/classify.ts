import path from 'node:path';
import type { MigrationFormat } from '../ir/types.js';

/**
 * What a file's path alone says about it. Content-based formats (dbmate, goose,
 * drizzle) are told apart later, once the file is read.
 */
export interface PathClass {
  format: MigrationFormat;
  role: 'single' | 'up' | 'down';
  /** Files with the same key belong to one migration. */
  key: string;
  version?: string;
  name?: string;
}

const GOLANG_MIGRATE = /^(.+)\.(up|down)\.sql$/i;
const FLYWAY = /^([VU])(\d[\w.]*?)__(.+)\.sql$/;
const FLYWAY_REPEATABLE = /^R__(.+)\.sql$/;
const VERSION_NAME = /^(\d[\d_.-]*?)[_-](.+?)(?:\.(?:up|down))?\.[a-z]+$/i;
const DIR_VERSION_NAME = /^(\d+(?:[-.]\d+)*)[_-](.+)$/;

export function classifyPath(file: string): PathClass {
  const base = path.basename(file);
  const dir = path.dirname(file);
  const lower = base.toLowerCase();
  if (!lower.endsWith('.sql')) {
    // Code migrations: the frontend decides the format once it has read the file (Ruby has one: Rails).
    const { version, name } = splitVersion(base, VERSION_NAME);
    return { format: lower.endsWith('.rb') ? 'rails' : 'sql', role: 'single', key: file, version, name };
  }

  if (lower === 'up.sql' || lower === 'down.sql') {
    const { version, name } = splitVersion(path.basename(dir), DIR_VERSION_NAME);
    return { format: 'diesel', role: lower === 'up.sql' ? 'up' : 'down', key: dir, version, name };
  }
  const pair = GOLANG_MIGRATE.exec(base);
  if (pair) {
    const { version, name } = splitVersion(base, VERSION_NAME);
    return {
      format: 'golang-migrate',
      role: pair[2].toLowerCase() === 'up' ? 'up' : 'down',
      key: path.join(dir, pair[1]),
      version,
      name,
    };
  }
  const flyway = FLYWAY.exec(base);
  if (flyway) {
    const version = flyway[2].replace(/_/g, '.');
    return {
      format: 'flyway',
      role: flyway[1] === 'V' ? 'up' : 'down',
      key: path.join(dir, `flyway:${version}`),
      version,
      name: flyway[3],
    };
  }
  const repeatable = FLYWAY_REPEATABLE.exec(base);
  if (repeatable) return { format: 'flyway', role: 'single', key: file, name: repeatable[1] };
  if (lower === 'migration.sql') {
    const { version, name } = splitVersion(path.basename(dir), DIR_VERSION_NAME);
    return { format: 'prisma', role: 'single', key: file, version, name };
  }
  const { version, name } = splitVersion(base, VERSION_NAME);
  return { format: 'sql', role: 'single', key: file, version, name };
}

function splitVersion(text: string, pattern: RegExp): { version?: string; name?: string } {
  const m = pattern.exec(text);
  if (!m) return { name: text.replace(/\.[a-z]+$/i, '') };
  return { version: m[1], name: m[2] };
}

/** The path the partner of one half of an up/down pair would have on disk. */
export function partnerPath(file: string, cls: PathClass): string | undefined {
  const base = path.basename(file);
  const dir = path.dirname(file);
  switch (cls.format) {
    case 'diesel':
      return path.join(dir, cls.role === 'up' ? 'down.sql' : 'up.sql');
    case 'golang-migrate':
      return path.join(dir, base.replace(/\.(up|down)\.sql$/i, (_, r: string) => `.${r.toLowerCase() === 'up' ? 'down' : 'up'}.sql`));
    case 'flyway':
      return undefined; // Flyway undo files may spell the version differently; found by scanning the folder.
    default:
      return undefined;
  }
}
