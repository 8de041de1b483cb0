/**
 * Loading Prism, the official Ruby parser compiled to WASM (`@ruby/prism`), once and
 * only when a Ruby file is read: a run over SQL files never pays for it.
 *
 * Prism runs on Node's WASI, which emits "ExperimentalWarning: WASI is an experimental
 * feature" the first time it is used. That warning is about Node, not about the user's
 * files, so the CLI must not print it: a `process.emitWarning` wrapper drops exactly that
 * warning while Prism loads and is removed right after, so every other warning (and the
 * same warning from anybody else's code, later) is printed as usual.
 */
import type { ParseResult } from '@ruby/prism/src/deserialize.js';

export type RubyParse = (source: string) => ParseResult;

let loading: Promise<RubyParse> | undefined;

function isWasiWarning(warning: unknown, type: unknown): boolean {
  const message = typeof warning === 'string' ? warning : warning instanceof Error ? warning.message : '';
  const kind = typeof type === 'string' ? type : typeof type === 'object' && type ? (type as { type?: string }).type : warning instanceof Error ? warning.name : undefined;
  return kind === 'ExperimentalWarning' && /^WASI is an experimental feature/.test(message);
}

export function loadRubyParser(): Promise<RubyParse> {
  loading ??= (async () => {
    const original = process.emitWarning;
    process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
      if (isWasiWarning(warning, rest[0])) return;
      return (original as (...a: unknown[]) => void).call(process, warning, ...rest);
    } as typeof process.emitWarning;
    try {
      const { loadPrism } = await import('@ruby/prism');
      const parse = await loadPrism();
      return (source: string) => parse(source);
    } finally {
      process.emitWarning = original;
    }
  })();
  return loading;
}
