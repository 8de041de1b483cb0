import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The compiled script of a worker thread: beside the module that starts it when that
 * module is compiled (dist/src, or the bundle, where each worker is an entry of its own),
 * else the build's copy under dist/ (tests run the TypeScript sources; workers always run
 * the build). `from` is the caller's import.meta.url, `distPath` the script under dist/.
 */
export function workerScript(from: string, distPath: string): URL {
  const here = fileURLToPath(from);
  if (here.endsWith('.js')) return new URL(`./${path.basename(distPath)}`, from);
  const root = path.resolve(path.dirname(here), '..', '..');
  return pathToFileURL(path.join(root, 'dist', distPath));
}
