import { retryDelay } from './backoff';

const policy = { baseMs: 100, maxMs: 10_000 };

describe('retry backoff', () => {
  it('doubles the delay with each failure', () => {
    expect([1, 2, 3, 4].map((failures) => retryDelay(failures, policy, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it('never waits longer than the policy allows, however many failures', () => {
    expect(retryDelay(50, policy, () => 1)).toBe(10_000);
    expect(retryDelay(1_000, policy, () => 1)).toBe(10_000);
  });

  it('jitters within the upper half of the delay, so retries spread out but never come at once', () => {
    expect(retryDelay(3, policy, () => 0)).toBe(200);
    expect(retryDelay(3, policy, () => 0.5)).toBe(300);
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(5, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(800);
  });
});
