import type { MigrationFormat } from './types.js';

/** The files of one migration, before they are read. */
export interface MigrationUnit {
  key: string;
  /** The frontend that reads it (`sql`, `typescript`, `python`). */
  frontend: string;
  format: MigrationFormat;
  /** The main file: the up half of a pair, or the only file. */
  path: string;
  up?: string;
  down?: string;
  version?: string;
  name?: string;
  /** Whether this format has a down convention that applies to this migration. */
  expectsDown: boolean;
  /** Where the down file would be, when it is expected but absent. */
  expectedDown?: string;
  /** Whether the framework wraps this migration in a transaction, when its files say (diesel metadata.toml). */
  transaction?: boolean;
}
