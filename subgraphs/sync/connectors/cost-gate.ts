import { initialBucket, observe, spend, waitForCost, type CostBucket, type ThrottleStatus } from '../domain/cost-throttle';
import type { RateLimit } from '../domain/token-bucket';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shopify's cost-based limit for one shop: a request waits until the points it is expected to
 * cost are in the bucket, and every answer's throttleStatus corrects the model, so concurrent
 * requests never overdraw it.
 */
export class CostGate {
  private bucket: CostBucket;
  private inFlight = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(limit: RateLimit) {
    this.bucket = initialBucket(limit.burst, limit.perSecond, Date.now());
  }

  /** Waits for `cost` points and takes them; call `settle` with the shop's answer after. */
  acquire(cost: number): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const wait = waitForCost(this.bucket, Math.min(cost, this.bucket.maximum), Date.now());
        if (wait === 0) break;
        await sleep(wait);
      }
      this.bucket = spend(this.bucket, cost, Date.now());
      this.inFlight += cost;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * The request that took `cost` points is answered; `status` is what the shop reported, if
   * anything. `unused`: it was never sent, so its points go back.
   */
  settle(cost: number, status: ThrottleStatus | null | undefined, unused = false): void {
    this.inFlight -= cost;
    if (unused) this.bucket = { ...this.bucket, available: Math.min(this.bucket.maximum, this.bucket.available + cost) };
    if (status) this.bucket = observe(status, this.inFlight, Date.now());
  }

  /** Milliseconds until `cost` points are back, by the shop's own figures: how long THROTTLED lasts. */
  waitFor(cost: number): number {
    return waitForCost(this.bucket, Math.min(cost, this.bucket.maximum), Date.now());
  }
}
