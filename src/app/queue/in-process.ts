/**
 * Runs at most `concurrency` audits at once and remembers, per key, the one in flight, so that
 * concurrent events for the same repository and commit are audited once.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly concurrency: number,
    private readonly onDepth: (depth: number) => void = () => {},
  ) {}

  get depth(): number {
    return this.running + this.waiting.length;
  }

  /** Joins the job already running under `key`, or starts this one. */
  once<T>(key: string, job: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const promise = this.run(job).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      const turn = new Promise<void>((resolve) => this.waiting.push(resolve));
      this.onDepth(this.depth);
      await turn;
    } else this.running++;
    this.onDepth(this.depth);
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next job, so `running` stays the same.
      if (next) next();
      else this.running--;
      this.onDepth(this.depth);
    }
  }
}

/** Runs jobs for the same key one after another (two comment writers must not both create). */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async with<T>(key: string, job: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(job, job);
    const tail = result.catch(() => {});
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Work started after a webhook was acknowledged; `idle()` resolves when all of it has settled. */
export class Background {
  private readonly running = new Set<Promise<unknown>>();

  add(work: Promise<unknown>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
