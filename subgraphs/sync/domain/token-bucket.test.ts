import { clientLimit, refill, take } from './token-bucket';

const limit = { perSecond: 5, burst: 10 };

describe('token bucket', () => {
  it('lets a burst through at once, then one request per interval', () => {
    let bucket = { tokens: 10, at: 0 };
    for (let i = 0; i < 10; i++) {
      const taken = take(bucket, limit, 0);
      expect(taken.waitMs).toBe(0);
      bucket = taken.bucket;
    }
    expect(take(bucket, limit, 0).waitMs).toBe(200);
    expect(take(bucket, limit, 200).waitMs).toBe(0);
  });

  it('refills at the sustained rate and never beyond the burst', () => {
    expect(refill({ tokens: 0, at: 0 }, limit, 1000).tokens).toBe(5);
    expect(refill({ tokens: 0, at: 0 }, limit, 60_000).tokens).toBe(10);
  });

  it('leaves the bucket as it was when it has to wait', () => {
    const bucket = { tokens: 0.5, at: 100 };
    const taken = take(bucket, limit, 100);
    expect(taken.bucket.tokens).toBe(0.5);
    expect(taken.waitMs).toBe(100);
  });

  it('keeps a client under the channel rate, with half the burst in reserve for requests that arrive bunched', () => {
    expect(clientLimit(limit)).toEqual({ perSecond: 4.5, burst: 5 });
    expect(clientLimit({ perSecond: 1, burst: 1 }).burst).toBe(1);
  });
});
