export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while `concurrency` groups are already running wait, and the next
 * group to start takes every waiting item (at most `maxGroup`). Alone, an item runs as soon as
 * the current turn of the event loop ends; under load the groups grow by themselves, so one
 * transaction serves many callers. `run` answers each item of its group in order; if it throws,
 * every item of the group gets that error.
 */
export class GroupCommit<I, R> {
  private waiting: Waiting<I, R>[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<Outcome<R>[]>,
    private readonly options: { concurrency: number; maxGroup: number },
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts the next group once the current turn of the event loop is over, not at once: callers
   * answered by the group that just ended (and requests that arrived with them) submit their next
   * items within this turn, and they all go together instead of the first alone.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxGroup);
      this.running++;
      void this.start(group);
    }
  }

  private async start(group: Waiting<I, R>[]): Promise<void> {
    try {
      const outcomes = await this.run(group.map((waiting) => waiting.item));
      group.forEach((waiting, index) => {
        const outcome = outcomes[index];
        if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    } finally {
      this.running--;
      this.schedule();
    }
  }
}
