/** A FIFO async mutex. `acquire` resolves with the function that releases it. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  /** Callers holding or waiting for the lock (for the pool gauges and load shedding). */
  #outstanding = 0;

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#outstanding += 1;
    let released = false;
    const releaseOnce = () => {
      if (released) return;
      released = true;
      this.#outstanding -= 1;
      release();
    };
    const acquired = this.#tail.then(() => releaseOnce);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  get busy(): boolean {
    return this.#outstanding > 0;
  }

  /** Callers queued behind the holder. */
  get waiting(): number {
    return Math.max(0, this.#outstanding - 1);
  }
}
