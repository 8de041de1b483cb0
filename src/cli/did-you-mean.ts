/**
 * "Did you mean …?" for a mistyped command, flag or rule id: the known word nearest to
 * what was typed, when it is near enough to be a typo rather than another word.
 */

/** Levenshtein distance, one row at a time (the words are short). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known word nearest to `typed`, if it is within a typo's distance (2 edits, or a quarter of the word). */
export function closest(typed: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(typed.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const word of known) {
    const d = editDistance(typed.toLowerCase(), word.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [word, d];
  }
  return bestDistance <= limit ? best : undefined;
}

/** `: did you mean "x"?` when a known word is near `typed`, else ''. */
export function didYouMean(typed: string, known: Iterable<string>, quote = '"'): string {
  const match = closest(typed, known);
  return match === undefined ? '' : `: did you mean ${quote}${match}${quote}?`;
}
