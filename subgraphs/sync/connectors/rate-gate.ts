import { clientLimit, take, type Bucket, type RateLimit } from '../domain/token-bucket';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lets requests through at a channel's rate, one caller at a time in arrival order. The
 * bucket starts empty: after a restart, or a lease taken over from another replica, the
 * channel may still be counting the requests sent just before.
 */
export class RateGate {
  private bucket: Bucket;
  private readonly limit: RateLimit;
  private queue: Promise<void> = Promise.resolve();
  /** Until when the channel told us (429 Retry-After) to send nothing. */
  private pausedUntil = 0;

  constructor(limit: RateLimit, now = Date.now()) {
    this.limit = clientLimit(limit);
    this.bucket = { tokens: 0, at: now };
  }

  /** Resolves when one more request may be sent. */
  acquire(cost = 1): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        if (now < this.pausedUntil) { await sleep(this.pausedUntil - now); continue; }
        const taken = take(this.bucket, this.limit, now, cost);
        this.bucket = taken.bucket;
        if (taken.waitMs === 0) return;
        await sleep(taken.waitMs);
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** A request let through was not sent after all: its token goes back. */
  refund(cost = 1): void {
    this.bucket = { tokens: Math.min(this.limit.burst, this.bucket.tokens + cost), at: this.bucket.at };
  }

  /**
   * A request timed out: the channel may still receive and count it, and its retry counts again.
   * Charging a second token keeps the two within the limit.
   */
  charge(cost = 1): void {
    this.bucket = { tokens: this.bucket.tokens - cost, at: this.bucket.at };
  }

  /** The channel answered 429: nothing more until `ms` from now, and the burst is spent. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.bucket = { tokens: 0, at: this.pausedUntil };
  }
}
