/**
 * Versions for migrations `--fix` writes: each goes right after the migration it
 * completes, before the next one already in the folder, so the tool runs it in that
 * place. A version is never reused, and no existing file is renamed: where no version
 * fits between two migrations (sequential numbering with the next number taken), the
 * fix is left to the user.
 */

/** How a format's versions count up and compare. */
export interface VersionScheme {
  /** The version `k` steps after `version` (k = 1, 2, ...). */
  after(version: string, k: number): string;
  /** Negative, zero or positive, as `a` comes before, with or after `b`. */
  compare(a: string, b: string): number;
}

const digitsOf = (v: string) => v.replace(/\D/g, '');

/**
 * Numbers, possibly with separators that keep their places (`000042`, `20240101120000`,
 * diesel's `2023-01-01-120000`): the next version adds one and keeps the width.
 */
export const NUMBERED: VersionScheme = {
  after(version, k) {
    const digits = digitsOf(version);
    const next = (BigInt(digits || '0') + BigInt(k)).toString().padStart(digits.length, '0');
    if (next.length !== digits.length) return next;
    // Put the separators back where they were: 2023-01-01-120000 → 2023-01-01-120001.
    let i = 0;
    return version.replace(/\d/g, () => next[i++]);
  },
  compare(a, b) {
    const x = BigInt(digitsOf(a) || '0');
    const y = BigInt(digitsOf(b) || '0');
    return x < y ? -1 : x > y ? 1 : 0;
  },
};

const parts = (v: string) => v.split(/[._]/).map((p) => BigInt(p || '0'));

/** Flyway's dotted versions, compared part by part: after 1.2 come 1.2.1, 1.2.2, ... before 1.3. */
export const DOTTED: VersionScheme = {
  after: (version, k) => `${version}.${k}`,
  compare(a, b) {
    const x = parts(a);
    const y = parts(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const p = x[i] ?? 0n;
      const q = y[i] ?? 0n;
      if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  },
};

/**
 * Hands out the versions after one migration: the k-th call gives `after(version, k)` as
 * long as it is not taken and comes before the next existing version.
 */
export class VersionAllocator {
  private used = 0;
  private readonly next: string | undefined;
  private readonly taken: Set<string>;

  constructor(
    private readonly scheme: VersionScheme,
    private readonly version: string,
    existing: readonly string[],
  ) {
    this.taken = new Set(existing.map(digitsOfKey(scheme)));
    this.next = existing.filter((v) => scheme.compare(v, version) > 0).sort(scheme.compare)[0];
  }

  /** The version `take` would give, without taking it. */
  peek(): string | undefined {
    const candidate = this.scheme.after(this.version, this.used + 1);
    if (this.taken.has(digitsOfKey(this.scheme)(candidate))) return undefined;
    if (this.next !== undefined && this.scheme.compare(candidate, this.next) >= 0) return undefined;
    return candidate;
  }

  /** The next free version after the migration, or undefined when none fits before the next one. */
  take(): string | undefined {
    const candidate = this.peek();
    if (candidate !== undefined) this.used++;
    return candidate;
  }
}

/** A key under which two spellings of one version meet (000042 and 42; 1.2 and 1_2). */
const digitsOfKey = (scheme: VersionScheme) => (v: string) =>
  scheme === DOTTED ? parts(v).join('.') : BigInt(digitsOf(v) || '0').toString();
