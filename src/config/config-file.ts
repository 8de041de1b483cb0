import fs from 'node:fs';
import { describeKind, inspectPath } from '../discover/file-kind.js';

/** Larger than any real config: a bigger file is a mistake (or /dev/zero) and is not read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * What is wrong with a file about to be read as a config (or a config it extends), in
 * words; undefined when it is a regular file of a config's size (or missing: the reader
 * says so). Checked before reading: a FIFO blocks the read forever and /dev/zero never ends it.
 */
export function configFileProblem(abs: string): string | undefined {
  const found = inspectPath(abs);
  if ('missing' in found) return found.missing === 'no such file or directory' ? undefined : found.missing;
  if (!found.stat.isFile()) return `${describeKind(found.stat)}, not a config file`;
  if (found.stat.size > MAX_CONFIG_BYTES) return `${found.stat.size.toLocaleString('en')} bytes, more than a config file can be (1 MB)`;
  return undefined;
}

/**
 * For the search: whether something is at `abs` that is not a readable regular file (a
 * directory or FIFO named like a config, a link to nothing). Such a thing is reported,
 * not skipped: skipping it would silently use a config further up, or none.
 */
export function searchPlaceProblem(abs: string): string | undefined {
  if (fs.lstatSync(abs, { throwIfNoEntry: false }) === undefined) return undefined;
  const found = inspectPath(abs);
  if ('missing' in found) return found.missing;
  return found.stat.isFile() ? undefined : `${describeKind(found.stat)}, not a config file`;
}
