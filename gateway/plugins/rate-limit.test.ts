import crypto from 'node:crypto';
import Redis from 'ioredis';
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { OPEN_POLICY } from '../access/key-policy';
import type { Caller } from '../access/key-store';
import { useRateLimit } from './rate-limit';

const defaults = loadConfig({}).limits;
const logger = createLogger('silent');

function caller(rateLimit: number): Caller {
  return { identity: { keyId: crypto.randomUUID(), name: 'storefront', scopes: ['availability:read'], channels: null }, ...OPEN_POLICY, limits: { rateLimit, rateWindowSeconds: 60 } };
}

const outcome = (attempt: Promise<void>) => attempt.then(() => 'ok', (error) => error.extensions.code as string);

describe('rate limits per key', () => {
  it('let a key through up to its allowance, then answer RATE_LIMITED with the wait', async () => {
    const consume = useRateLimit({ defaults, logger });
    const key = caller(2);
    expect([await outcome(consume(key)), await outcome(consume(key)), await outcome(consume(key))]).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    const refusal = await consume(key).catch((error) => error);
    expect(refusal.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(refusal.extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('count each key on its own', async () => {
    const consume = useRateLimit({ defaults, logger });
    const [busy, quiet] = [caller(1), caller(1)];
    await consume(busy);
    expect(await outcome(consume(busy))).toBe('RATE_LIMITED');
    expect(await outcome(consume(quiet))).toBe('ok');
  });

  it('never limit a key whose allowance is 0', async () => {
    const consume = useRateLimit({ defaults, logger });
    const key = caller(0);
    for (let i = 0; i < 50; i++) await consume(key);
  });

  (process.env.TEST_REDIS_URL ? it : it.skip)('share one allowance across gateway replicas through Redis', async () => {
    const redis = [new Redis(process.env.TEST_REDIS_URL!), new Redis(process.env.TEST_REDIS_URL!)];
    try {
      const [first, second] = redis.map((client) => useRateLimit({ defaults, logger, redis: client }));
      const key = caller(3);
      const outcomes = [await outcome(first(key)), await outcome(second(key)), await outcome(first(key)), await outcome(second(key))];
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
    } finally {
      redis.forEach((client) => client.disconnect());
    }
  });
});
