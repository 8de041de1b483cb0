import type { Reporter, StreamingReporter } from './context.js';

/**
 * Which migrations a lint run's result holds (`LintOptions.keep`): every one (`all`),
 * those with findings or problems, with the text of their flagged files (`flagged`), or
 * only those with problems (`findings`). Each format says which it needs.
 */
export type Keep = 'all' | 'flagged' | 'findings';

export interface LoadedFormat {
  reporter: Reporter;
  /** For formats that can be written a migration at a time. */
  stream?: StreamingReporter;
}

interface FormatEntry {
  load: () => Promise<LoadedFormat>;
  /** What of the linted migrations the format needs (see `LintOptions.keep`): only formats that list every file need all. */
  keeps: Keep;
}

/**
 * Each output format's module, imported only when that format is asked for: a
 * pre-commit run printing text never loads the SARIF or JUnit writers.
 */
const FORMATS: Record<string, FormatEntry> = {
  text: { load: async () => import('./text.js').then((m) => ({ reporter: m.textReporter, stream: m.textStream })), keeps: 'flagged' },
  json: { load: async () => ({ reporter: (await import('./json.js')).jsonReporter }), keeps: 'all' },
  sarif: { load: async () => ({ reporter: (await import('./sarif.js')).sarifReporter }), keeps: 'all' },
  github: { load: async () => import('./github.js').then((m) => ({ reporter: m.githubReporter, stream: m.githubStream })), keeps: 'findings' },
  gitlab: { load: async () => ({ reporter: (await import('./gitlab.js')).gitlabReporter }), keeps: 'flagged' },
  markdown: { load: async () => ({ reporter: (await import('./markdown.js')).markdownReporter }), keeps: 'findings' },
  junit: { load: async () => ({ reporter: (await import('./junit.js')).junitReporter }), keeps: 'all' },
  compact: { load: async () => import('./compact.js').then((m) => ({ reporter: m.compactReporter, stream: m.compactStream })), keeps: 'findings' },
};

export const REPORTER_NAMES = Object.keys(FORMATS);

export function loadReporter(name: string): { loading: Promise<LoadedFormat>; keeps: Keep } | undefined {
  if (!Object.hasOwn(FORMATS, name)) return undefined;
  const entry = FORMATS[name];
  return { loading: entry.load(), keeps: entry.keeps };
}
