import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load.js';
import { UnitLinter, type LinterSettings } from './unit-linter.js';
import { lintUnitResult } from './unit-result.js';
import { HeapBound } from './heap.js';
import { SharedUnitReader } from './shared-units.js';
import { claimBatch, type UnitResult, type WorkerData, type WorkerMessage } from './parallel.js';

/** A worker thread: loads the same config as the main thread, then lints batches it claims from the shared queue. */
async function start({ init, units: shared, frontends, threads, cursor: cursorBuffer }: WorkerData): Promise<void> {
  const config = init.pluginConfigFile
    ? await loadConfig({ cwd: init.cwd, configFile: init.pluginConfigFile })
    : init.config && { ...init.config, pluginRules: [] };
  const settings: LinterSettings = { ...init.settings, config };
  const linter = new UnitLinter(settings);
  await linter.prepareFrontends(frontends);
  const units = new SharedUnitReader(shared);
  // One function for the whole run: frontends key per-run caches by it.
  const read = (file: string) => fs.readFileSync(path.resolve(init.cwd, file), 'utf8');
  const cursor = new Int32Array(cursorBuffer);
  // A worker holds nothing between batches: its heap is kept bounded.
  const heap = new HeapBound();
  for (let [start, end] = claimBatch(cursor, shared.count, threads); start < end; [start, end] = claimBatch(cursor, shared.count, threads)) {
    const results: [number, UnitResult][] = [];
    for (let i = start; i < end; i++) results.push([i, lintUnitResult(linter, units.at(i), read)]);
    parentPort!.postMessage({ results } satisfies WorkerMessage);
    heap.tick(end - start);
  }
}

start(workerData as WorkerData).catch((e) => parentPort!.postMessage({ error: (e as Error).message ?? String(e) } satisfies WorkerMessage));
