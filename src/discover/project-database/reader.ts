import type { Evidence } from './evidence.js';

/** Reads a file of the project; undefined when it cannot be read. */
export type ReadText = (file: string) => string | undefined;

/**
 * One kind of config file that names a project's database. Discovery looks for
 * `files` in each folder from a migration's folder up to the project root.
 */
export interface ConfigReader {
  /** Paths relative to the folder looked in. */
  files: readonly string[];
  /** The evidence in one such file (absolute path); none when the file turns out to be something else. */
  read(file: string, text: string, readText: ReadText): Promise<Evidence[]>;
}
