import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecError } from './errors.js';

/**
 * The advisory lock every migratelint process takes on a PostgreSQL server before it
 * changes anything (two int4 keys: "mlnt", 1). It is a session lock: it goes away with
 * the connection, so a killed process never leaves it behind.
 */
export const ADVISORY_LOCK_KEYS = [0x6d6c6e74, 1] as const;

export interface LockOwner {
  pid: number;
  host: string;
  user: string;
  command: string;
  since: string;
  /**
   * Which process this pid was (Linux: the boot id and the process's start time): a pid
   * reused after a reboot or a container restart, pid 1 above all, is then told apart
   * from the holder. Absent where /proc cannot say.
   */
  process?: string;
}

export function lockOwnerSelf(command: string): LockOwner {
  const self: LockOwner = { pid: process.pid, host: os.hostname(), user: safeUser(), command, since: new Date().toISOString() };
  const id = processIdentity(process.pid);
  return id ? { ...self, process: id } : self;
}

/** `<boot id>:<start time in clock ticks>` of a running process, or undefined (not Linux, gone). */
function processIdentity(pid: number): string | undefined {
  try {
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return `${boot}:${fields[19]}`;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `owner` still runs: the pid is alive and, where known, is the same process. */
function holderRuns(owner: LockOwner): boolean {
  if (!isAlive(owner.pid)) return false;
  if (!owner.process) return true;
  const now = processIdentity(owner.pid);
  return now === undefined || now === owner.process;
}

export function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'another process';
  return `pid ${owner.pid} on ${owner.host}, ${owner.user}, "${owner.command}", since ${owner.since}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock file next to a PGlite data directory. PGlite does not lock its data directory,
 * and two processes writing one data directory corrupt it, so every migratelint process
 * that opens it holds this file for as long as the database is open.
 *
 * The file is created with link(2), which is atomic. A file left by a process that no
 * longer runs (kill -9) is taken over; the takeover renames the stale file away and
 * checks it renamed the file it judged stale, so two processes never both win.
 */
export class FileLock {
  private held = false;

  constructor(
    readonly file: string,
    private readonly owner: LockOwner,
  ) {}

  static forDataDir(dataDir: string, command: string): FileLock {
    return new FileLock(`${dataDir.replace(/[\\/]+$/, '')}.lock`, lockOwnerSelf(command));
  }

  readOwner(): LockOwner | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as LockOwner;
    } catch {
      return undefined;
    }
  }

  /** The live process holding the lock, if any (not this one). */
  holder(): LockOwner | undefined {
    const owner = this.readOwner();
    if (!owner) return undefined;
    if (owner.pid === process.pid && this.held) return undefined;
    if (owner.host === os.hostname() && !holderRuns(owner)) return undefined;
    return owner;
  }

  private tryOnce(): boolean {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.owner));
    try {
      fs.linkSync(tmp, this.file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    // Someone holds it: take it over only when that process is gone.
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      return false; // released meanwhile: the next attempt may win
    }
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(raw) as LockOwner;
    } catch {
      owner = undefined;
    }
    const stale = owner ? owner.host === os.hostname() && !holderRuns(owner) : this.ageMs() > 10_000;
    if (!stale) return false;
    const aside = `${this.file}.stale.${process.pid}`;
    try {
      fs.renameSync(this.file, aside);
    } catch {
      return false;
    }
    const moved = fs.readFileSync(aside, 'utf8');
    if (moved !== raw) {
      // We moved a fresh lock another process had just taken: put it back.
      try {
        fs.linkSync(aside, this.file);
      } catch {
        // the other process will notice it lost its file when it checks
      }
      fs.rmSync(aside, { force: true });
      return false;
    }
    fs.rmSync(aside, { force: true });
    return false; // retry at once: the path is free now
  }

  private ageMs(): number {
    try {
      return Date.now() - fs.statSync(this.file).mtimeMs;
    } catch {
      return 0;
    }
  }

  /** Takes the lock, waiting up to `waitMs`; `onWait` is called once when it has to wait. */
  async acquire(waitMs: number, onWait?: (holder: LockOwner | undefined) => void): Promise<void> {
    const deadline = Date.now() + waitMs;
    let told = false;
    for (;;) {
      if (this.tryOnce() || this.tryOnce()) {
        if (this.readOwner()?.pid === this.owner.pid) {
          this.held = true;
          return;
        }
      }
      const holder = this.readOwner();
      if (Date.now() >= deadline) {
        throw new ExecError(
          `another migratelint process holds the database lock (${describeOwner(holder)}): ${this.file}`,
          'wait for it to finish, or raise --lock-wait; if that process is gone from another machine, delete the lock file',
        );
      }
      if (!told) {
        told = true;
        onWait?.(holder);
      }
      await new Promise((r) => setTimeout(r, Math.min(200, Math.max(10, deadline - Date.now()))));
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.readOwner()?.pid === this.owner.pid) fs.rmSync(this.file, { force: true });
  }
}
