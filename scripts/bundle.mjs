// Bundles the compiled CLI (dist/src) into dist/bundle: one module per entry point, plus
// shared chunks for what is loaded lazily (frontends, reporters, commands). Loading the
// ~150 small ES modules of dist/src one by one took ~35 ms of a ~190 ms single-file run;
// the bundle loads in a few. Dependencies stay external: they are resolved from
// node_modules as usual (libpg-query, for one, finds its WASM file next to itself).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Chunk names carry content hashes: clear out the last build's, which nothing imports any more.
fs.rmSync(path.join(root, 'dist/bundle'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/src/cli/main.js', 'lint-worker': 'dist/src/pipeline/lint-worker.js', 'trial-thread': 'dist/src/validate/trial-thread.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
