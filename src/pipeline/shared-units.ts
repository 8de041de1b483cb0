import type { MigrationUnit } from '../ir/unit.js';

/**
 * A run's units, encoded once into shared memory for the worker threads. Each worker
 * decodes only the units it claims: a copy of the whole list per worker (what
 * `workerData` would make) grew every thread's memory with the number of files.
 */
export interface SharedUnits {
  /** The units as UTF-8 JSON, one after another. */
  bytes: SharedArrayBuffer;
  /** Int32 byte offsets: unit i is bytes[offsets[i], offsets[i + 1]). */
  offsets: SharedArrayBuffer;
  count: number;
}

export function shareUnits(units: readonly MigrationUnit[]): SharedUnits {
  const offsets = new Int32Array(new SharedArrayBuffer(4 * (units.length + 1)));
  // Sized first, written second: only one unit's JSON is alive at a time.
  let size = 0;
  units.forEach((unit, i) => {
    offsets[i] = size;
    size += Buffer.byteLength(JSON.stringify(unit));
  });
  offsets[units.length] = size;
  const bytes = new SharedArrayBuffer(size);
  const view = Buffer.from(bytes);
  units.forEach((unit, i) => view.write(JSON.stringify(unit), offsets[i], 'utf8'));
  return { bytes, offsets: offsets.buffer as SharedArrayBuffer, count: units.length };
}

/** Reads shared units back, one at a time. */
export class SharedUnitReader {
  private readonly bytes: Buffer;
  private readonly offsets: Int32Array;

  constructor(shared: SharedUnits) {
    this.bytes = Buffer.from(shared.bytes);
    this.offsets = new Int32Array(shared.offsets);
  }

  at(index: number): MigrationUnit {
    return JSON.parse(this.bytes.toString('utf8', this.offsets[index], this.offsets[index + 1])) as MigrationUnit;
  }
}
