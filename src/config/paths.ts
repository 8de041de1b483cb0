import path from 'node:path';
import picomatch from 'picomatch';
import type { MigrationFormat } from '../ir/types.js';
import type { ResolvedConfig } from './load.js';

/**
 * A glob from the config, relative to the config's directory. A plain path with no
 * glob characters also matches everything below it, so `db/migrations` works as-is.
 */
function compile(patterns: string[]): (rel: string) => boolean {
  const expanded = patterns.flatMap((p) => {
    const clean = p.replace(/^\.\//, '').replace(/\/$/, '');
    return picomatch.scan(clean).isGlob ? [clean] : [clean, `${clean}/**`];
  });
  return picomatch(expanded, { dot: true });
}

function relativeToConfig(config: ResolvedConfig, cwd: string) {
  return (file: string) => path.relative(config.dir, path.resolve(cwd, file)).split(path.sep).join('/');
}

/** Whether a file (relative to cwd) is selected by the config's include and exclude globs. */
export function pathMatcher(config: ResolvedConfig, cwd: string): ((file: string) => boolean) | undefined {
  if (!config.include?.length && !config.exclude?.length) return undefined;
  const rel = relativeToConfig(config, cwd);
  const included = config.include?.length ? compile(config.include) : () => true;
  const excluded = config.exclude?.length ? compile(config.exclude) : () => false;
  return (file) => {
    const r = rel(file);
    return included(r) && !excluded(r);
  };
}

/** The format the config assigns to a file (first matching `formats` entry), if any. */
export function formatMatcher(config: ResolvedConfig, cwd: string): ((file: string) => MigrationFormat | undefined) | undefined {
  if (config.formats.length === 0) return undefined;
  const rel = relativeToConfig(config, cwd);
  const matchers = config.formats.map(([glob, format]) => [compile([glob]), format] as const);
  return (file) => {
    const r = rel(file);
    return matchers.find(([matches]) => matches(r))?.[1];
  };
}
