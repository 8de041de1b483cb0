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

/** A report written piece by piece, to `output` (folders created as needed) or to stdout. */
export class ReportWriter {
  private fd?: number;

  constructor(
    private readonly io: Io,
    private readonly output: string | undefined,
  ) {}

  write(text: string): void {
    if (this.output === undefined) {
      if (text) this.io.stdout.write(text);
      return;
    }
    try {
      if (this.fd === undefined) {
        const target = path.resolve(this.io.cwd, this.output);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        this.fd = fs.openSync(target, 'w');
      }
      fs.writeSync(this.fd, text);
    } catch (e) {
      throw new UsageError(`cannot write ${this.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /** Ends the report; a file is created even when nothing was written to it. */
  close(): void {
    if (this.output === undefined) return;
    this.write('');
    fs.closeSync(this.fd!);
    this.fd = undefined;
  }
}

/** Writes a whole report to `output` (folders created as needed) or to stdout. */
export function writeReport(io: Io, output: string | undefined, report: string): void {
  const writer = new ReportWriter(io, output);
  writer.write(report);
  writer.close();
}
