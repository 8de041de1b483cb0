import v8 from 'node:v8';
import vm from 'node:vm';

let fullCollection: (() => void) | undefined;

/**
 * Keeps a long run's heap from growing with the number of files. Each young-generation
 * collection promotes what the file being linted holds at that moment; over 50,000 files
 * that comes to ~60 MB of dead objects in the old generation, which V8 leaves until its
 * limit (set from the machine's memory) comes near. A thread that holds nothing from one
 * migration to the next asks for a full collection every `every` migrations instead:
 * a few milliseconds each while little is alive.
 */
export class HeapBound {
  private since = 0;

  constructor(private readonly every = 2500) {}

  /** Counts `migrations` more linted; collects when the count comes round. */
  tick(migrations = 1): void {
    this.since += migrations;
    if (this.since < this.every) return;
    this.since = 0;
    if (!fullCollection) {
      // V8's gc() is only exposed by a flag; a context created after setting it has it.
      v8.setFlagsFromString('--expose-gc');
      fullCollection = vm.runInNewContext('gc') as () => void;
    }
    fullCollection();
  }
}

const NO_YOUNG_GROWTH = '--semi-space-growth-factor=1';
let youngGenerationKeptSmall = false;

/**
 * Keeps V8's young generation at the size it has now for the rest of the process. A
 * lint run allocates much and keeps little from one file to the next: a scavenge copies
 * only what survives, so a small young generation costs next to nothing in time, while
 * letting it grow (to two semi-spaces of 16 MB) made up most of the difference in peak
 * memory between 5,000 and 50,000 files (one thread, 50,000 files: 127 -> 101 MB).
 * V8 only reads the factor when it grows the space; should it ignore a factor of 1,
 * the heap grows as before and nothing else changes.
 */
export function keepYoungGenerationSmall(): void {
  youngGenerationKeptSmall = true;
  v8.setFlagsFromString(NO_YOUNG_GROWTH);
}

/** Starting a worker thread puts the growth factor back to 2 (seen on Node 20): call this once each worker is online. */
export function isolateStarted(): void {
  if (youngGenerationKeptSmall) v8.setFlagsFromString(NO_YOUNG_GROWTH);
}
