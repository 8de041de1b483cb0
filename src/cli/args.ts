import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { didYouMean } from './did-you-mean.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A flag the command does not take; without a near flag to suggest, the CLI says where its flags are listed. */
export class UnknownOptionError extends UsageError {
  constructor(
    message: string,
    readonly suggestion: string,
  ) {
    super(`${message}${suggestion}`);
  }
}

/** `util.parseArgs` with its errors turned into one-line usage errors; an unknown flag gets the nearest known one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseCommandArgs(args: string[], options: Options): { values: Record<string, any>; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const message = err.message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    if (err.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(message);
    const typed = /'([^']+)'/.exec(message)?.[1] ?? '';
    throw new UnknownOptionError(message, didYouMean(typed.split('=')[0], flagNames(options), "'"));
  }
}

/** Every spelling of the options: `--name` and `-n`. */
function flagNames(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => (o.short ? [`--${name}`, `-${o.short}`] : [`--${name}`]));
}

export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} expects a positive whole number, got "${value}"`);
  return n;
}
