/**
 * One subscriber's pending events, bounded. While the subscriber keeps up, every event is kept
 * in order. Once `limit` events are waiting, an event replaces the waiting one with the same
 * key (for availability: the same SKU on the same channel) and moves to the back: the latest
 * value is never dropped, and memory stays within `limit` plus one entry per key. Events
 * without a key that overflow a hard ceiling end the stream instead of growing without bound.
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private readonly items = new Map<string, T>();
  private counter = 0;
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  private failure: unknown = null;
  private closed = false;

  constructor(private readonly limit: number, private readonly onClose: () => void) {}

  get size(): number {
    return this.items.size;
  }

  push(value: T, key: string | null): void {
    if (this.closed) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.resolve({ value, done: false });
      return;
    }
    if (key !== null && this.items.size >= this.limit) {
      const slot = `k:${key}`;
      this.items.delete(slot);
      this.items.set(slot, value);
      return;
    }
    if (key === null && this.items.size >= this.limit * 10) {
      this.fail(new Error('The subscriber fell too far behind; reconnect with the last cursor received'));
      return;
    }
    this.items.set(`u:${this.counter++}`, value);
  }

  /** Ends the stream with an error once what is already queued has been read. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    this.closed = true;
    if (this.waiting && this.items.size === 0) {
      this.waiting.reject(error);
      this.waiting = null;
    }
  }

  next(): Promise<IteratorResult<T>> {
    const first = this.items.entries().next();
    if (!first.done) {
      this.items.delete(first.value[0]);
      return Promise.resolve({ value: first.value[1], done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => { this.waiting = { resolve, reject }; });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed || this.failure) {
      this.closed = true;
      this.items.clear();
      this.onClose();
    }
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
