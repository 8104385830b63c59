import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; one line per step otherwise (CI logs, pipes). */
export interface Progress {
  step(label: string, total?: number): void;
  update(done: number, total?: number): void;
  stop(): void;
}

export function progress(enabled = true): Progress {
  if (!enabled) return { step() {}, update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    return {
      step(label) {
        process.stderr.write(`… ${label}\n`);
      },
      update() {},
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {percentage}% | {label}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    step(label, total = 1) {
      if (!started) {
        bar.start(total, 0, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(0, { label });
      }
    },
    update(done, total) {
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
