import type { Reporter } from './context.js';
import type { LintOptions } from '../lint.js';

interface ReporterEntry {
  load: () => Promise<Reporter>;
  /** What of the linted migrations the format needs (see `LintOptions.keep`): only formats that list every file need all. */
  keeps: NonNullable<LintOptions['keep']>;
}

/**
 * Each output format's module, imported only when that format is asked for: a
 * pre-commit run printing text never loads the SARIF or JUnit writers.
 */
const REPORTERS: Record<string, ReporterEntry> = {
  text: { load: async () => (await import('./text.js')).textReporter, keeps: 'flagged' },
  json: { load: async () => (await import('./json.js')).jsonReporter, keeps: 'all' },
  sarif: { load: async () => (await import('./sarif.js')).sarifReporter, keeps: 'all' },
  github: { load: async () => (await import('./github.js')).githubReporter, keeps: 'findings' },
  gitlab: { load: async () => (await import('./gitlab.js')).gitlabReporter, keeps: 'flagged' },
  markdown: { load: async () => (await import('./markdown.js')).markdownReporter, keeps: 'findings' },
  junit: { load: async () => (await import('./junit.js')).junitReporter, keeps: 'all' },
  compact: { load: async () => (await import('./compact.js')).compactReporter, keeps: 'findings' },
};

export const REPORTER_NAMES = Object.keys(REPORTERS);

export function loadReporter(name: string): { reporter: Promise<Reporter>; keeps: ReporterEntry['keeps'] } | undefined {
  if (!Object.hasOwn(REPORTERS, name)) return undefined;
  const entry = REPORTERS[name];
  return { reporter: entry.load(), keeps: entry.keeps };
}
