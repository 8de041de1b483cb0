import { parentPort, workerData } from 'node:worker_threads';
import { TrialDatabase } from './trial-db.js';
import type { TrialThreadData, TrialThreadReply, TrialThreadRequest } from './trial-thread-driver.js';

/**
 * A worker thread holding one trial database (trial-thread-driver.ts is its other end).
 * PGlite runs its WASM on the calling thread, synchronously: two databases on one thread
 * take turns, two on two threads run at once.
 */
async function start({ extensions }: TrialThreadData): Promise<void> {
  const db = await TrialDatabase.create(extensions);
  const port = parentPort!;
  port.on('message', async ({ id, method, args }: TrialThreadRequest) => {
    try {
      const value = await (db[method] as (...a: unknown[]) => Promise<unknown>).apply(db, args);
      port.postMessage({ id, value } satisfies TrialThreadReply);
      if (method === 'close') port.close();
    } catch (e) {
      port.postMessage({ id, error: plainError(e) } satisfies TrialThreadReply);
    }
  });
  port.postMessage({ ready: true } satisfies TrialThreadReply);
}

/** The server's error as data: message, SQLSTATE, position, detail, hint, where. */
function plainError(e: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { message: e instanceof Error ? e.message : String(e) };
  if (e && typeof e === 'object') {
    for (const [k, v] of Object.entries(e)) if (v === undefined || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  }
  return out;
}

start(workerData as TrialThreadData).catch((e) => parentPort!.postMessage({ failed: (e as Error).message ?? String(e) } satisfies TrialThreadReply));
