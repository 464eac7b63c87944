/**
 * At most `limit` pieces of work running at once. A failure is kept and thrown by the next
 * `add` or by `drain`, after which no new work starts; work already running is waited for.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly limit: number) {}

  /** Starts `work` once fewer than `limit` run. */
  async add(work: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) {
      await Promise.race(this.running);
    }
    this.throwIfFailed();
    const running: Promise<void> = work()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Waits for all the work started; throws the first failure. */
  async drain(): Promise<void> {
    while (this.running.size) {
      await Promise.all(this.running);
    }
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) {
      throw this.failure.error;
    }
  }
}
