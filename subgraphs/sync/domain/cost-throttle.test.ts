import { availableAt, CostEstimate, initialBucket, observe, spend, waitForCost } from './cost-throttle';

describe('cost-based throttle', () => {
  const bucket = { available: 100, maximum: 1000, restoreRate: 50, at: 0 };

  it('restores points at the shop rate, up to the bucket size', () => {
    expect(availableAt(bucket, 1000)).toBe(150);
    expect(availableAt(bucket, 60_000)).toBe(1000);
  });

  it('waits until the points a request costs are there', () => {
    expect(waitForCost(bucket, 100, 0)).toBe(0);
    expect(waitForCost(bucket, 150, 0)).toBe(1000);
    expect(waitForCost(spend(bucket, 100, 0), 10, 0)).toBe(200);
  });

  it('trusts what the shop reports over its own model, less what is still in flight', () => {
    const corrected = observe({ maximumAvailable: 1000, currentlyAvailable: 40, restoreRate: 50 }, 10, 500);
    expect(corrected).toEqual({ available: 30, maximum: 1000, restoreRate: 50, at: 500 });
  });

  it('starts cautious, before the shop has said anything', () => {
    expect(initialBucket(1000, 50, 0).available).toBe(50);
  });

  it('estimates a query by its items from the costs reported before, never below them', () => {
    const estimate = new CostEstimate((items) => 2 + items, true);
    expect(estimate.estimate(5)).toBe(7);
    estimate.record(10, 20);
    expect(estimate.estimate(10)).toBe(20);
    expect(estimate.estimate(1)).toBe(20);
    expect(estimate.estimate(100)).toBe(200);
  });

  it('estimates a mutation whose cost does not grow with its items at the largest cost seen', () => {
    const estimate = new CostEstimate(() => 10, false);
    estimate.record(1, 10);
    expect(estimate.estimate(100)).toBe(10);
    estimate.record(3, 12);
    expect(estimate.estimate(1)).toBe(12);
  });
});
