import v8 from 'node:v8';

// A lint run is short and cold, so V8 is tuned for start-up over peak speed (set before
// any of our code is compiled; flags are process-wide, so worker threads share them):
// - the PostgreSQL parser is WASM: the baseline compiler (Liftoff) starts it at once, and
//   its optimising tier-up costs more than it saves (5,000 files: 1.30 s before, 1.05 s after);
// - JavaScript is optimised later and without inlining: on 5,000 files the optimising
//   compiler's background threads took ~1/3 of the CPU time while most of that code ran
//   only a few hundred times (CPU 1.9 s -> 1.25 s; wall ~1.2 s -> ~1.0 s).
// Commands that run PostgreSQL itself in WASM (PGlite: validate's trial, apply, backups)
// run it for seconds to minutes, where the optimising tier pays: with Liftoff only,
// validate's trial of lemmy's 342 migrations took 34 s instead of 25 s.
const FOR_SHORT_RUNS = ['--liftoff-only', '--no-turbo-inlining', '--interrupt-budget=200000'];

/** Commands that can run PGlite: V8's defaults for them. */
export const DATABASE_COMMANDS = new Set(['validate', 'apply', 'rollback', 'status', 'backup', 'backups', 'restore', 'health', 'repair', 'stats']);

/** The V8 flags for a command line (the arguments after `migratelint`). */
export function v8FlagsFor(args) {
  return DATABASE_COMMANDS.has(args[0]) ? [] : FOR_SHORT_RUNS;
}

for (const flag of v8FlagsFor(process.argv.slice(2))) v8.setFlagsFromString(flag);
