import fs from 'node:fs';
import path from 'node:path';
import { maskSecrets, redact } from './url.js';
import { toolVersion } from '../meta.js';

export const DEFAULT_REPORTS_DIR = '.migratelint/reports';

export type Outcome = 'ok' | 'failed' | 'refused' | 'dry-run' | 'nothing to do' | 'unhealthy' | 'drift';

export interface ReportMigration {
  id: string;
  name?: string;
  file?: string;
  direction: 'up' | 'down';
  checksum?: string;
  result: string;
  durationMs?: number;
  attempts?: number;
  resumedFrom?: number;
  error?: string;
  failedAt?: { file: string; line: number; column: number; statement: number; sqlstate?: string };
  cleanedUp?: string[];
}

export interface ReportBackup {
  file: string;
  kind: string;
  bytes: number;
  sha256: string;
  note?: string;
}

export interface ReportData {
  tool: 'migratelint';
  toolVersion: string;
  command: string;
  argv: string[];
  db: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  outcome: Outcome;
  exitCode?: number;
  message?: string;
  forced?: boolean;
  /** Error-level lint findings that --force overrode (or that refused the run). */
  findings?: { ruleId: string; severity: string; file: string; line: number; column: number; message: string }[];
  backup?: ReportBackup | null;
  migrations: ReportMigration[];
  [extra: string]: unknown;
}

/**
 * The JSON record of one run, written to the reports directory whatever the outcome.
 * Every string in it passes through `redact`, so no password reaches the file.
 */
export class RunReport {
  readonly data: ReportData;
  private readonly t0 = performance.now();

  constructor(
    private readonly dir: string,
    command: string,
    argv: string[],
    db: string,
    private readonly secrets: (string | undefined)[],
  ) {
    this.data = {
      tool: 'migratelint',
      toolVersion: toolVersion(),
      command,
      argv: argv.map((a) => redact(a, secrets)),
      db,
      startedAt: new Date().toISOString(),
      outcome: 'ok',
      migrations: [],
    };
  }

  /** Writes the report; returns its path, or undefined when it could not be written (said on `warn`). */
  write(exitCode: number, warn: (message: string) => void): string | undefined {
    this.data.finishedAt = new Date().toISOString();
    this.data.durationMs = Math.round(performance.now() - this.t0);
    this.data.exitCode = exitCode;
    const name = `${this.data.startedAt.replace(/[:.]/g, '-')}-${this.data.command}-${process.pid}.json`;
    const file = path.join(this.dir, name);
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // Each string is redacted before it is escaped into JSON (a password holding `"` or `\`
      // is still found, and masking cannot break the JSON), then the whole text for the secrets.
      const text = JSON.stringify(this.data, (_key, value: unknown) => (typeof value === 'string' ? redact(value, this.secrets) : value), 2);
      fs.writeFileSync(file, `${maskSecrets(text, this.secrets)}\n`);
      return file;
    } catch (e) {
      warn(`could not write the run report to ${this.dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return undefined;
    }
  }
}
