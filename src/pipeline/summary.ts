import type { Finding, Migration, Section } from '../ir/types.js';

const lean = (s: Section): Section => ({ ...s, statements: [] });

/**
 * A migration without its statements, and with the text of only the files that have
 * findings (for code frames and fingerprints): what reporters need, at a size that
 * does not grow with the number of clean files linted.
 */
export function summarize(migration: Migration, findings: readonly Finding[]): Migration {
  const flagged = new Set(findings.map((f) => f.file));
  return {
    ...migration,
    up: lean(migration.up),
    down: lean(migration.down),
    comments: [],
    sources: new Map([...migration.sources].filter(([file]) => flagged.has(file))),
  };
}
