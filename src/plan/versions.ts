/**
 * Compares versions numerically where they are numbers: `2` < `10`, `1.9` < `1.10`,
 * `20240101_1` < `20240101_2`. Parts are split on `.`, `_` and `-`; a number sorts
 * before a word in the same place, and a version before any longer one it starts.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._-]/);
  const pb = b.split(/[._-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const bx = BigInt(x);
      const by = BigInt(y);
      if (bx !== by) return bx < by ? -1 : 1;
    } else if (x !== y) {
      if (nx !== ny) return nx ? -1 : 1;
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Plain code-unit order, as tools that sort file names (`sort.Strings`, `Array.sort`) use. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
