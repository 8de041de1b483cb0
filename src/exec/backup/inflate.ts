/**
 * A PGlite backup is a gzipped tarball that PGlite inflates whole in memory. A damaged or
 * foreign file (a gzip bomb: 2 MB that inflate to gigabytes) would take all the memory
 * there is before failing, so its inflated size is measured first, streaming, never holding
 * more than one chunk, and refused beyond a bound.
 */
import path from 'node:path';
import zlib from 'node:zlib';
import { ExecError } from '../errors.js';
import { readMeta } from './meta.js';

/** For a backup whose sidecar records no inflated size (older ones, or none): no legitimate one comes near it. */
export const INFLATE_CEILING_BYTES = 1024 * 1024 * 1024;

/**
 * A real data directory compresses 5-10 times (measured); this much leaves room for one
 * that is mostly empty pages and still stops a bomb (gzip reaches about 1000 times).
 */
const MAX_RATIO = 100;

/**
 * How far a backup may inflate: exactly what its sidecar recorded when it was taken (the
 * checksum says the file is the same), else the ceiling, or more for a large backup.
 */
export function inflateLimit(compressedBytes: number, recordedBytes: number | undefined): number {
  if (recordedBytes !== undefined && Number.isSafeInteger(recordedBytes) && recordedBytes > 0) return recordedBytes;
  return Math.max(INFLATE_CEILING_BYTES, compressedBytes * MAX_RATIO);
}

const MB = 1024 * 1024;

/**
 * The inflated size of gzip data, streamed through zlib and counted; rejects (an ExecError
 * naming the file) as soon as it passes `limit`, or when the data is not complete gzip.
 */
export function inflatedSize(data: Buffer, file: string, limit = Infinity): Promise<number> {
  return new Promise((resolve, reject) => {
    const gunzip = zlib.createGunzip({ chunkSize: MB });
    let total = 0;
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        gunzip.destroy();
        reject(new ExecError(`backup ${path.basename(file)} inflates beyond ${Math.ceil(limit / MB).toLocaleString('en-US')} MB: not a migratelint backup or corrupted`));
      }
    });
    gunzip.on('end', () => resolve(total));
    gunzip.on('error', (e) => reject(new ExecError(`${path.basename(file)} is not a complete gzip archive (${e.message})`)));
    gunzip.end(data);
  });
}

/** Checks a PGlite backup before PGlite inflates it: complete, and within its recorded size (or the ceiling). */
export function checkPgliteArchive(data: Buffer, file: string): Promise<number> {
  return inflatedSize(data, file, inflateLimit(data.length, readMeta(file)?.inflatedBytes));
}
