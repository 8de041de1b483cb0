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

/** Bytes of report gathered before a write: one system call per finding would cost more than the finding. */
const FLUSH_AT = 64 * 1024;

/** A report written piece by piece, to `output` (folders created as needed) or to stdout. */
export class ReportWriter {
  private fd?: number;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(
    private readonly io: Io,
    private readonly output: string | undefined,
  ) {}

  write(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_AT) this.flush();
  }

  /** Ends the report; a file is created even when nothing was written to it. */
  close(): void {
    this.flush();
    if (this.output === undefined) return;
    this.open();
    fs.closeSync(this.fd!);
    this.fd = undefined;
  }

  private flush(): void {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    if (!text) return;
    if (this.output === undefined) {
      this.io.stdout.write(text);
      return;
    }
    this.open();
    try {
      fs.writeSync(this.fd!, text);
    } catch (e) {
      throw this.cannotWrite(e);
    }
  }

  private open(): void {
    if (this.fd !== undefined) return;
    const target = path.resolve(this.io.cwd, this.output!);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      this.fd = fs.openSync(target, 'w');
    } catch (e) {
      throw this.cannotWrite(e);
    }
  }

  private cannotWrite(e: unknown): UsageError {
    return new UsageError(`cannot write ${this.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Writes a whole report to `output` (folders created as needed) or to stdout. */
export function writeReport(io: Io, output: string | undefined, report: string): void {
  const writer = new ReportWriter(io, output);
  writer.write(report);
  writer.close();
}
