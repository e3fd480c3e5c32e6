import { planPushes, type DueListing } from './push-plan';

const due = (externalId: string, fields: Partial<DueListing> = {}): DueListing => ({
  externalId, unitsPerListing: 1, available: 5, version: 1, state: 'PENDING', pushedQuantity: null, channelQuantity: null, dueAt: '2026-01-01T00:00:00.000Z', ...fields,
});

describe('push plan', () => {
  it('pushes the newest value of a listing with the quantity the channel is believed to show', () => {
    const plan = planPushes([due('a', { available: 3, version: 7, channelQuantity: 9 })], 0, 10);
    expect(plan.push).toEqual([{ externalId: 'a', quantity: 3, version: 7, compareQuantity: 9 }]);
  });

  it('does not push a value the channel already accepted', () => {
    const plan = planPushes([due('a', { state: 'ACKNOWLEDGED', pushedQuantity: 5, version: 4 })], 0, 10);
    expect(plan.push).toEqual([]);
    expect(plan.unchanged).toEqual([{ externalId: 'a', version: 4, quantity: 5 }]);
  });

  it('pushes again a value that failed, even when it is the one tried before', () => {
    expect(planPushes([due('a', { state: 'RETRYING', pushedQuantity: 5 })], 0, 10).push).toHaveLength(1);
  });

  it('sends listings that sell out before older changes', () => {
    const plan = planPushes([
      due('old', { dueAt: '2026-01-01T00:00:00.000Z', available: 4, pushedQuantity: 5 }),
      due('sold-out', { dueAt: '2026-01-01T00:00:09.000Z', available: 0, pushedQuantity: 2 }),
      due('older', { dueAt: '2025-12-31T00:00:00.000Z', available: 3, pushedQuantity: 5 }),
    ], 0, 2);
    expect(plan.push.map((push) => push.externalId)).toEqual(['sold-out', 'older']);
  });

  it('applies the held-back units and whole packs', () => {
    expect(planPushes([due('a', { available: 10, unitsPerListing: 3 })], 2, 10).push[0].quantity).toBe(2);
  });
});
