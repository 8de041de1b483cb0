/**
 * A one-line progress display for long work (a migration with its elapsed time, a backup
 * with its size so far). Drawn only on a terminal and never under CI; elsewhere it is
 * silent and only the final result lines (printed by the caller) appear.
 */
export interface ProgressTask {
  update(detail: string): void;
  end(): void;
}

const NOOP: ProgressTask = { update() {}, end() {} };

export class Progress {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    readonly enabled: boolean,
  ) {}

  static for(stream: NodeJS.WritableStream & { isTTY?: boolean }, env: NodeJS.ProcessEnv): Progress {
    const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
    return new Progress(stream, !!stream.isTTY && !ci && env.TERM !== 'dumb');
  }

  start(label: string): ProgressTask {
    if (!this.enabled) return NOOP;
    const t0 = performance.now();
    let detail = '';
    const draw = () => {
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      this.stream.write(`\r\x1b[2K${label} ${secs}s${detail ? `  ${detail}` : ''}`);
    };
    draw();
    const timer = setInterval(draw, 100);
    timer.unref?.();
    return {
      update(d: string) {
        detail = d;
        draw();
      },
      end: () => {
        clearInterval(timer);
        this.stream.write('\r\x1b[2K');
      },
    };
  }
}
