import type { Migration, Range, UnanalysedCall } from '../ir/types.js';
import { HOMEPAGE } from '../meta.js';

/**
 * The one kind of notification lint writes: code whose SQL was not checked. Declared in
 * `tool.driver.notifications`, so each notification names it by id and index.
 */
const WHY =
  'SQL built at run time, read from files, or produced by helpers imported from other modules is never guessed, ' +
  'so no rule checked it.';
const INSTEAD = 'Review these calls by hand, or move the SQL where it can be read (a string literal in the migration).';

export const NOT_ANALYSED_DESCRIPTOR = {
  id: 'not-analysed',
  name: 'NotAnalysed',
  shortDescription: { text: 'Code migratelint could not read statically; its SQL was not checked' },
  fullDescription: { text: WHY },
  // GitHub code scanning wants help on every descriptor, notifications' too.
  help: { text: `${WHY}\n\n${INSTEAD}`, markdown: `${WHY}\n\n**Instead:** ${INSTEAD}\n` },
  helpUri: `${HOMEPAGE}#formats`,
  defaultConfiguration: { level: 'note' },
} as const;

/**
 * A tool execution notification per call not analysed, at its place: SARIF viewers list
 * them apart from results, as what the run could not do rather than problems in the code.
 */
export function coverageNotifications(calls: readonly UnanalysedCall[], location: (file: string, range: Range) => object, descriptorIndex = 0) {
  return calls.map((c) => ({
    level: 'note' as const,
    message: { text: `not analysed: ${c.reason}${c.call ? ` (${c.call})` : ''}` },
    locations: [location(c.file, c.range)],
    descriptor: { id: NOT_ANALYSED_DESCRIPTOR.id, index: descriptorIndex },
  }));
}

/** Each code migration's coverage counts, as properties of its main file's artifact. */
export function coverageArtifactProperties(migrations: readonly Migration[]): Map<string, Record<string, unknown>> {
  const byFile = new Map<string, Record<string, unknown>>();
  for (const m of migrations) {
    if (m.coverage) byFile.set(m.path, { coverage: { analysed: m.coverage.analysed, notAnalysed: m.coverage.unanalysed.length } });
  }
  return byFile;
}
