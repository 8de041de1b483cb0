import { Worker } from 'node:worker_threads';
import type { Driver } from '../exec/drivers/types.js';
import type { DbTarget } from '../exec/url.js';
import { workerScript } from '../pipeline/worker-script.js';

/**
 * A trial database on a worker thread of its own (trial-thread.ts), used through the
 * Driver interface like the one on this thread. The trial splits a long history between
 * two of them (trial-segments.ts): this thread only orders statements, the workers run
 * PostgreSQL at the same time.
 */

export interface TrialThreadData {
  extensions: string[];
}

type Method = 'query' | 'execute' | 'serverVersion' | 'resetSession' | 'copyOut' | 'copyIn' | 'close';

export interface TrialThreadRequest {
  id: number;
  method: Method;
  args: unknown[];
}

export type TrialThreadReply = { id: number; value?: unknown; error?: Record<string, unknown> } | { ready: true } | { failed: string };


export class ThreadedTrialDatabase implements Driver {
  readonly kind = 'pglite';
  readonly target: DbTarget = { kind: 'pglite', dataDir: null, display: 'pglite:trial' };
  readonly display = 'pglite:trial';
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private gone: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: TrialThreadReply) => {
      if (!('id' in reply)) return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiting) return;
      if (reply.error) waiting.reject(Object.assign(new Error(String(reply.error.message)), reply.error));
      else waiting.resolve(reply.value);
    });
    const fail = (e: Error) => {
      this.gone = e;
      for (const waiting of this.pending.values()) waiting.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the trial database's thread ended (exit code ${code})`)));
  }

  /** Starts the thread and opens its database, with these contrib extensions loadable. */
  static async create(extensions: readonly string[] = []): Promise<ThreadedTrialDatabase> {
    const worker = new Worker(workerScript(import.meta.url, 'src/validate/trial-thread.js'), { workerData: { extensions: [...extensions] } satisfies TrialThreadData });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: TrialThreadReply) => {
        if ('ready' in reply) resolve();
        else if ('failed' in reply) reject(new Error(`could not open the trial database: ${reply.failed}`));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the trial database's thread ended (exit code ${code})`)));
    }).catch(async (e) => {
      await worker.terminate();
      throw e;
    });
    return new ThreadedTrialDatabase(worker);
  }

  private call<T>(method: Method, ...args: unknown[]): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies TrialThreadRequest);
    });
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.call<T[]>('query', sql, params);
  }

  execute(sql: string): Promise<void> {
    return this.call<void>('execute', sql);
  }

  async copyOut(table: string, columns: string[], onBytes?: (n: number) => void): Promise<Buffer> {
    const bytes = Buffer.from(await this.call<Uint8Array>('copyOut', table, columns));
    onBytes?.(bytes.length);
    return bytes;
  }

  copyIn(table: string, columns: string[], data: Buffer): Promise<void> {
    return this.call<void>('copyIn', table, columns, data);
  }

  serverVersion(): Promise<{ num: number; text: string }> {
    return this.call('serverVersion');
  }

  resetSession(): Promise<void> {
    return this.call<void>('resetSession');
  }

  /** The database is the thread's own: nobody else can take it. */
  async lock(): Promise<void> {}

  async unlock(): Promise<void> {}

  async lockHolder(): Promise<string | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    try {
      if (!this.gone) await this.call<void>('close');
    } finally {
      await this.worker.terminate();
    }
  }
}
