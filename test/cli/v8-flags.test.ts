import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of bin/, without types
import { DATABASE_COMMANDS, v8FlagsFor } from '../../bin/v8-flags.js';
import { execCommands } from '../../src/cli/exec-commands.js';

describe('V8 flags of the bin', () => {
  it('tunes short runs for start-up, and leaves V8 alone where PostgreSQL runs in WASM', () => {
    expect(v8FlagsFor(['lint', 'migrations'])).toContain('--liftoff-only');
    expect(v8FlagsFor([])).toContain('--liftoff-only');
    expect(v8FlagsFor(['validate'])).toEqual([]);
    expect(v8FlagsFor(['apply', '--db', 'pglite:x'])).toEqual([]);
  });

  it('knows every command of the execution layer as one that can run PGlite', () => {
    for (const command of Object.keys(execCommands)) expect(DATABASE_COMMANDS.has(command), command).toBe(true);
  });
});
