/** What Shopify reports in `extensions.cost.throttleStatus` after every Admin GraphQL request. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** The client's model of the shop's cost bucket, last corrected by the shop at `at` (ms). */
export interface CostBucket {
  available: number;
  maximum: number;
  restoreRate: number;
  at: number;
}

/** Until the shop first answers, assume little is available: a cold start must not overdraw. */
export function initialBucket(maximum: number, restoreRate: number, now: number): CostBucket {
  return { available: Math.min(maximum, restoreRate), maximum, restoreRate, at: now };
}

export function availableAt(bucket: CostBucket, now: number): number {
  return Math.min(bucket.maximum, bucket.available + (Math.max(0, now - bucket.at) * bucket.restoreRate) / 1000);
}

/** How long until `cost` points are available; 0 when they are now. */
export function waitForCost(bucket: CostBucket, cost: number, now: number): number {
  const available = availableAt(bucket, now);
  if (available >= cost) return 0;
  return Math.ceil(((cost - available) * 1000) / bucket.restoreRate);
}

/** Spends the points a request is expected to cost, before sending it. */
export function spend(bucket: CostBucket, cost: number, now: number): CostBucket {
  return { ...bucket, available: availableAt(bucket, now) - cost, at: now };
}

/**
 * Replaces the model with what the shop reported. Requests still in flight were charged by
 * the shop after it measured this status or will be, so their estimated cost stays subtracted.
 */
export function observe(status: ThrottleStatus, inFlightCost: number, now: number): CostBucket {
  return {
    available: status.currentlyAvailable - inFlightCost,
    maximum: status.maximumAvailable,
    restoreRate: status.restoreRate,
    at: now,
  };
}

/**
 * A request's cost, estimated before it is sent from the costs the shop reported for the same
 * operation. A query's cost grows with the nodes it asks for (`perItem`): never below the largest
 * cost seen per item times the items. A mutation's does not (inventorySetQuantities costs the
 * same for 1 or 250 quantities): the largest cost seen. Overestimating waits a little longer;
 * underestimating gets THROTTLED; scaling a mutation by its items would wait for nothing.
 */
export class CostEstimate {
  private perItemCost = 0;
  private largest = 0;

  /** `initial`: the guess before the shop has reported any cost of this operation. */
  constructor(private readonly initial: (items: number) => number, private readonly perItem: boolean) {}

  estimate(items: number): number {
    if (this.largest === 0) return this.initial(items);
    if (!this.perItem) return this.largest;
    return Math.max(this.largest, Math.ceil(this.perItemCost * Math.max(items, 1)));
  }

  record(items: number, requestedCost: number): void {
    this.largest = Math.max(this.largest, requestedCost);
    this.perItemCost = Math.max(this.perItemCost, requestedCost / Math.max(items, 1));
  }
}
