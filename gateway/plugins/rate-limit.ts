import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RequestLimits } from '../../shared/config';
import type { Logger } from '../../shared/logger';
import type { Caller } from '../access/key-store';
import { effectiveLimits } from '../access/key-policy';

export function rateLimited(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests for this API key; retry after ${retryAfterSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) } },
  });
}

/**
 * Requests per key per window, counted before the body is parsed or anything planned. Counts
 * live in this process when embedded and in Redis when scaled out, so every gateway replica
 * draws on the same allowance. Each distinct (requests, window) pair a key can have gets its
 * own limiter; a key's count is by its id, never by its secret.
 */
export function useRateLimit(options: { defaults: RequestLimits; redis?: Redis; logger: Logger }) {
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiterFor = (points: number, duration: number) => {
    const name = `${points}/${duration}`;
    let limiter = limiters.get(name);
    if (!limiter) {
      const memory = new RateLimiterMemory({ points, duration, keyPrefix: `rl:${name}` });
      // If Redis fails, each replica falls back to counting on its own rather than refusing everything.
      limiter = options.redis ? new RateLimiterRedis({ storeClient: options.redis, points, duration, keyPrefix: `stockgraph:rl:${name}`, insuranceLimiter: memory }) : memory;
      limiters.set(name, limiter);
    }
    return limiter;
  };

  return async function consume(caller: Caller): Promise<void> {
    const { rateLimit, rateWindowSeconds } = effectiveLimits(options.defaults, caller.limits);
    if (rateLimit === 0) return;
    try {
      await limiterFor(rateLimit, rateWindowSeconds).consume(caller.identity.keyId);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      options.logger.warn('rate limiter failed; request let through', { error: String(rejection) });
    }
  };
}
