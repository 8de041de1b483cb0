/**
 * A mistake in how migratelint was called or configured, or input it cannot read.
 * The CLI prints its message on one line and exits 2, never with a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
