/**
 * strong_migrations' settings, read from the app's `config/initializers/strong_migrations.rb`
 * (`StrongMigrations.start_after = 20230101000000`, `StrongMigrations.target_version = 15`).
 * The file is found from a migration's path: `<app>/db/migrate/<file>` → `<app>/config/...`.
 */
import path from 'node:path';
import type { ReadFile } from '../registry.js';
import { kind, RbFile, type RNode } from './source.js';
import type { RubyParse } from './prism.js';
import { constantName, valueOf } from './values.js';

export interface StrongMigrationsSettings {
  /** The initializer's path, for messages and the cache. */
  file: string;
  startAfter?: string;
  targetVersion?: number;
}

/** Where an app's initializer is, for a migration in its `db/migrate` (engines' too); undefined elsewhere. */
export function initializerPath(migrationPath: string): string | undefined {
  const dir = path.dirname(migrationPath);
  if (path.basename(dir) !== 'migrate' || path.basename(path.dirname(dir)) !== 'db') return undefined;
  return path.join(path.dirname(path.dirname(dir)), 'config', 'initializers', 'strong_migrations.rb');
}

const cache = new Map<string, StrongMigrationsSettings | undefined>();

/** The settings, or undefined when the app has no initializer. Read once per app and run. */
export function strongMigrationsSettings(migrationPath: string, readFile: ReadFile, parse: RubyParse): StrongMigrationsSettings | undefined {
  const file = initializerPath(migrationPath);
  if (!file) return undefined;
  if (cache.has(file)) return cache.get(file);
  let settings: StrongMigrationsSettings | undefined;
  try {
    settings = readSettings(file, readFile(file), parse);
  } catch {
    settings = undefined;
  }
  cache.set(file, settings);
  return settings;
}

function readSettings(file: string, text: string, parse: RubyParse): StrongMigrationsSettings {
  const rb = new RbFile(file, text, parse);
  const out: StrongMigrationsSettings = { file };
  const visit = (n: RNode | undefined): void => {
    if (!n || typeof n !== 'object') return;
    if (kind(n) === 'CallNode' && (n.name === 'start_after=' || n.name === 'target_version=') && constantName(rb, n.receiver) === 'StrongMigrations') {
      const v = valueOf(n.arguments_?.arguments_?.[0]);
      if (n.name === 'start_after=' && typeof v === 'number') out.startAfter = rb.src(n.arguments_.arguments_[0]).replace(/_/g, '');
      if (n.name === 'target_version=' && typeof v === 'number') out.targetVersion = Math.floor(v);
      return;
    }
    for (const key of Object.keys(n)) {
      const child = n[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === 'object' && kind(child).endsWith('Node')) visit(child);
    }
  };
  visit(rb.root);
  return out;
}
