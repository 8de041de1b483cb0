import type { DbTarget } from '../url.js';
import type { LockOwner } from '../lock.js';

/** One database session. Both drivers hold a single connection for their whole life. */
export interface Driver {
  readonly kind: 'pglite' | 'postgres';
  readonly target: DbTarget;
  /** Safe to print: the password is masked. */
  readonly display: string;
  /** Runs one statement with parameters (extended protocol); returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs SQL text as given (simple protocol): a migration statement, BEGIN, SET ... */
  execute(sql: string): Promise<void>;
  /** `COPY ... TO STDOUT` (pg) / `TO '/dev/blob'` (PGlite): the copy text of one table. */
  copyOut(table: string, columns: string[], onBytes?: (n: number) => void): Promise<Buffer>;
  /** `COPY ... FROM STDIN` with the given copy text. */
  copyIn(table: string, columns: string[], data: Buffer): Promise<void>;
  serverVersion(): Promise<{ num: number; text: string }>;
  /** Back to the session's starting settings (a migration's own SET does not reach the next one). */
  resetSession(): Promise<void>;
  /**
   * Takes the migration lock, waiting up to `waitMs`. PostgreSQL: a session advisory lock.
   * PGlite: the data-directory lock file, already held since the database was opened.
   */
  lock(waitMs: number, onWait?: (holder: string) => void): Promise<void>;
  unlock(): Promise<void>;
  /** Who holds the migration lock now, when it is not this session; undefined when free. */
  lockHolder(): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The command, recorded in the PGlite lock file. */
  command: string;
  /** How long to wait for the PGlite data-directory lock. */
  lockWaitMs: number;
  onLockWait?: (holder: LockOwner | undefined) => void;
  /** PGlite: do not create a data directory that does not exist (fail instead). */
  mustExist?: boolean;
  /** PGlite: contrib extensions to load at start-up (those the migrations create). */
  extensions?: readonly string[];
}
