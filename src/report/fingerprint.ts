import type { Finding, Migration } from '../ir/types.js';
import { LineIndex } from '../ir/source-text.js';
import { sha256 } from '../sha256.js';

/**
 * A fingerprint per finding that survives lines moving: it hashes the rule, the file
 * and the flagged source text (whitespace folded), plus how many identical findings
 * came before it in the same file, never the line number.
 */
export function fingerprints(
  findings: readonly Finding[],
  migrations: readonly Migration[],
  pathKey: (file: string) => string = (file) => file.split('\\').join('/'),
): string[] {
  const sources = new Map<string, LineIndex>();
  for (const m of migrations) for (const [file, text] of m.sources) sources.set(file, new LineIndex(text));
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const lines = sources.get(f.file);
    const text = lines ? lines.text.slice(lines.offset(f.range.start), lines.offset(f.range.end)) : '';
    const key = `${f.ruleId}\0${pathKey(f.file)}\0${text.replace(/\s+/g, ' ').trim()}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return sha256().update(`${key}\0${n}`).digest('hex').slice(0, 32);
  });
}
