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
