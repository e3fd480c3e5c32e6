/** Requests a channel allows: `perSecond` sustained, up to `burst` at once after a quiet spell. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Tokens left at time `at` (ms). */
export interface Bucket {
  tokens: number;
  at: number;
}

export function refill(bucket: Bucket, limit: RateLimit, now: number): Bucket {
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(limit.burst, bucket.tokens + (elapsed * limit.perSecond) / 1000), at: Math.max(now, bucket.at) };
}

/**
 * Takes `cost` tokens if they are there (wait 0, the bucket after), or says how long until they
 * are (the bucket unchanged). The channel counts the same way, so a client that only sends when
 * this says 0 never meets a 429.
 */
export function take(bucket: Bucket, limit: RateLimit, now: number, cost = 1): { bucket: Bucket; waitMs: number } {
  const current = refill(bucket, limit, now);
  if (current.tokens >= cost) return { bucket: { tokens: current.tokens - cost, at: current.at }, waitMs: 0 };
  return { bucket: current, waitMs: Math.ceil(((cost - current.tokens) * 1000) / limit.perSecond) };
}

/**
 * The limit a client should keep to: a little under the channel's sustained rate, and half its
 * burst. Requests sent exactly within the limit can arrive closer together than they were sent
 * (a stalled event loop, a congested network); the burst kept in reserve absorbs up to
 * burst / 2 / rate of such bunching (a second at Amazon's 5 per second, bursts of 10) before
 * the channel would count one over. Starting with an empty bucket is the same caution after a
 * restart, or a lease taken over from another replica.
 */
export function clientLimit(limit: RateLimit, margin = 0.1): RateLimit {
  return { perSecond: limit.perSecond * (1 - margin), burst: Math.max(1, Math.floor(limit.burst / 2)) };
}
