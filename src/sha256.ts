import { createRequire } from 'node:module';
import type { Hash } from 'node:crypto';

let crypto: typeof import('node:crypto') | undefined;

/**
 * A SHA-256 hash, with node:crypto loaded on first use: a plain lint run never hashes
 * (only the cache and report fingerprints do), and loading it is start-up time.
 */
export function sha256(): Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256');
}
