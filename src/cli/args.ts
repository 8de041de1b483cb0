import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

/** `util.parseArgs` with its errors turned into one-line usage errors. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseCommandArgs(args: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Record<string, any>; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(message);
  }
}

export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} expects a positive whole number, got "${value}"`);
  return n;
}
