import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Io } from './main.js';

/** Colour only for people: a terminal, unless NO_COLOR says no (FORCE_COLOR says yes). */
export function wantsColor(io: Io): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return !!io.stdout.isTTY;
}

/** Writes a report to `output` (folders created as needed) or to stdout. */
export function writeReport(io: Io, output: string | undefined, report: string): void {
  if (output === undefined) {
    io.stdout.write(report);
    return;
  }
  const target = path.resolve(io.cwd, output);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, report);
  } catch (e) {
    throw new UsageError(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
