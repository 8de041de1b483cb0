import type { Reporter } from './context.js';

/**
 * Each output format's module, imported only when that format is asked for: a
 * pre-commit run printing text never loads the SARIF or JUnit writers.
 */
const LOADERS: Record<string, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).textReporter,
  json: async () => (await import('./json.js')).jsonReporter,
  sarif: async () => (await import('./sarif.js')).sarifReporter,
  github: async () => (await import('./github.js')).githubReporter,
  gitlab: async () => (await import('./gitlab.js')).gitlabReporter,
  markdown: async () => (await import('./markdown.js')).markdownReporter,
  junit: async () => (await import('./junit.js')).junitReporter,
  compact: async () => (await import('./compact.js')).compactReporter,
};

export const REPORTER_NAMES = Object.keys(LOADERS);

export function loadReporter(name: string): Promise<Reporter> | undefined {
  return Object.hasOwn(LOADERS, name) ? LOADERS[name]() : undefined;
}
