/**
 * Progress of long work (a migration with its elapsed time, a backup with its size so
 * far). On a terminal: one line redrawn in place. Elsewhere (CI logs, pipes): a line only
 * when one step runs long (5 s, then every 30 s), so a log shows where a run hangs
 * without filling up with the fast steps.
 */
export interface ProgressTask {
  update(detail: string): void;
  end(): void;
}

export class Progress {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    readonly enabled: boolean,
  ) {}

  /** Where no line is redrawn: say what is still running after this long, then every `repeatMs`. */
  slowAfterMs = 5_000;
  repeatMs = 30_000;

  static for(stream: NodeJS.WritableStream & { isTTY?: boolean }, env: NodeJS.ProcessEnv): Progress {
    const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
    return new Progress(stream, !!stream.isTTY && !ci && env.TERM !== 'dumb');
  }

  start(label: string): ProgressTask {
    if (!this.enabled) return this.slowLines(label);
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

  /** A line when the current step (the last `update`) has run long; nothing for fast ones. */
  private slowLines(label: string): ProgressTask {
    let detail = '';
    let since = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const arm = (wait: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const secs = Math.round((performance.now() - since) / 1000);
        this.stream.write(`still ${label}${detail ? `: ${detail}` : ''}, running for ${secs}s\n`);
        arm(this.repeatMs);
      }, wait);
      timer.unref?.();
    };
    arm(this.slowAfterMs);
    return {
      update: (d: string) => {
        detail = d;
        since = performance.now();
        arm(this.slowAfterMs);
      },
      end: () => clearTimeout(timer),
    };
  }
}
