export interface BackoffPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** Longest delay between two attempts, however many failed. */
  maxMs: number;
}

/**
 * How long to wait before attempt `failures + 1`: exponential, capped, with "equal jitter"
 * (half the delay fixed, half random). The random half spreads the retries of many listings
 * that failed together, so a recovering channel is not hit by all of them at once; the fixed
 * half keeps a retry from coming back instantly.
 */
export function retryDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(cap / 2 + random() * (cap / 2));
}
