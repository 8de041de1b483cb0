import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load.js';
import type { MigrationUnit } from '../discover/index.js';
import { UnitLinter, type LinterSettings } from './unit-linter.js';
import { summarize } from './summary.js';
import { LintCache } from './cache.js';
import type { WorkerInit, WorkerResult } from './parallel.js';

/** A worker thread: loads the same config as the main thread, then lints the batches it is sent. */
async function start(init: WorkerInit): Promise<void> {
  const config = init.pluginConfigFile
    ? await loadConfig({ cwd: init.cwd, configFile: init.pluginConfigFile })
    : init.config && { ...init.config, pluginRules: [] };
  const settings: LinterSettings = { ...init.settings, config };
  const linter = new UnitLinter(settings);
  const read = (file: string) => fs.readFileSync(path.resolve(init.cwd, file), 'utf8');
  parentPort!.on('message', async (batch: { index: number; unit: MigrationUnit }[] | null) => {
    if (batch === null) {
      process.exit(0);
    }
    try {
      await linter.prepare(batch.map((b) => b.unit));
      const results: WorkerResult[] = batch.map(({ index, unit }) => {
        const out = linter.lint(unit, read);
        const deps = (out.migration?.inputs ?? []).map((f): [string, string] => [f, LintCache.hashText(read(f))]);
        return { index, migration: out.migration && summarize(out.migration, out.findings), findings: out.findings, deps };
      });
      parentPort!.postMessage({ results });
    } catch (e) {
      parentPort!.postMessage({ error: (e as Error).message ?? String(e) });
    }
  });
  parentPort!.postMessage({ ready: true });
}

start(workerData as WorkerInit).catch((e) => parentPort!.postMessage({ error: (e as Error).message ?? String(e) }));
