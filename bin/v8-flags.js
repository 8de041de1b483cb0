import v8 from 'node:v8';

// A lint run is short and cold, so V8 is tuned for start-up over peak speed (set before
// any of our code is compiled; flags are process-wide, so worker threads share them):
// - the PostgreSQL parser is WASM: the baseline compiler (Liftoff) starts it at once, and
//   its optimising tier-up costs more than it saves (5,000 files: 1.30 s before, 1.05 s after);
// - JavaScript is optimised later and without inlining: on 5,000 files the optimising
//   compiler's background threads took ~1/3 of the CPU time while most of that code ran
//   only a few hundred times (CPU 1.9 s -> 1.25 s; wall ~1.2 s -> ~1.0 s).
v8.setFlagsFromString('--liftoff-only');
v8.setFlagsFromString('--no-turbo-inlining');
v8.setFlagsFromString('--interrupt-budget=200000');
