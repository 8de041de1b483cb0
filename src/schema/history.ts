/**
 * One fact of the schema model as it changes over the replay: the values it was given,
 * each tagged with the position (statement) that set it. Asking at a position gives
 * the value set by the latest statement before it, so one structure answers "just
 * before statement N" for every N without a snapshot per statement.
 */
export class History<T> {
  private readonly positions: number[] = [];
  private readonly values: (T | undefined)[] = [];

  /**
   * Sets the value from `at` on; positions only grow. Several changes by one statement
   * (two subcommands of one ALTER TABLE) keep the last.
   */
  set(at: number, value: T | undefined): void {
    const last = this.positions.length - 1;
    if (last >= 0 && this.positions[last] === at) this.values[last] = value;
    else {
      this.positions.push(at);
      this.values.push(value);
    }
  }

  /** The value just before position `at`: set by a statement before it, undefined when none did. */
  get(at: number): T | undefined {
    // Questions are nearly always about the latest values: search from the end.
    for (let i = this.positions.length - 1; i >= 0; i--) if (this.positions[i] < at) return this.values[i];
    return undefined;
  }

  /** The latest value, whatever the position. */
  latest(): T | undefined {
    return this.values[this.values.length - 1];
  }

  /** Forgets what was set at `from` or later (a down section, replayed only for its own questions). */
  truncate(from: number): void {
    let n = this.positions.length;
    while (n > 0 && this.positions[n - 1] >= from) n--;
    this.positions.length = n;
    this.values.length = n;
  }
}
