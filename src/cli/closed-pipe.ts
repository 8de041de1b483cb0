/**
 * `migratelint lint … | head -1`: the reader leaves early and the next write fails with
 * EPIPE. That is the reader's choice, not an error of ours: the rest of the output is
 * dropped without a stack trace, and the exit code stays the run's verdict (0, 1 or 2).
 */
const watched = new WeakSet<NodeJS.WritableStream>();

export function endQuietlyOnClosedPipe(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void {
  if (watched.has(stdout)) return;
  watched.add(stdout);
  let closed = false;
  // Never removed: the error can come after the run, while the bin flushes stdout.
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || closed) {
      closed = true;
      return;
    }
    closed = true;
    stderr.write(`migratelint: cannot write the output: ${e.code ?? e.message}\n`);
  });
}
