/**
 * A wake-up for a loop that waits on a condition that another call changes
 * (pause → resume, stop): `wait()` resolves at the next `notify()` or after
 * `timeoutMs`, whichever is first, so a missed notify costs at most the
 * timeout and never a hang.
 */
export class Signal {
  private waiters: (() => void)[] = [];

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, timeoutMs);
      this.waiters.push(done);
    });
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
