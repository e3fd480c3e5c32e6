import { decideRouting, type RoutingRequest } from './decide-routing';
import type { LocationOption } from './location-profile';
import { defaultLocationRule, DEFAULT_STRATEGIES, type LocationRule, type Strategy } from './routing-rules';
import { isoDay } from './shipping-calendar';
import { promiseWindow } from './shipping-promise';

const NOW = new Date('2026-03-02T12:00:00Z');

function location(code: string, rank: number, stock: Record<string, number>, rule: Partial<LocationRule> = {}, incoming: Record<string, { quantity: number; expectedAt: string }[]> = {}): LocationOption {
  return {
    code, rank, country: 'US', rule: { ...defaultLocationRule(code), ...rule },
    sellable: new Map(Object.entries(stock)),
    incoming: new Map(Object.entries(incoming).map(([sku, lots]) => [sku, lots.map((lot) => ({ quantity: lot.quantity, expectedAt: new Date(lot.expectedAt) }))])),
  };
}

function route(options: LocationOption[], need: Record<string, number>, extra: Partial<RoutingRequest> & { strategies?: Strategy[] } = {}) {
  return decideRouting({
    channel: 'web',
    need: Object.entries(need).map(([sku, quantity]) => ({ sku, quantity })),
    destination: { country: 'US', postalCode: '10001' },
    window: promiseWindow({ shipBy: null, deliverBy: null, express: false }, NOW),
    strategies: DEFAULT_STRATEGIES,
    options,
    now: NOW,
    ...extra,
  });
}

describe('routing an order', () => {
  it('sends an order one location covers to that location, unsplit, even when the preferred one holds part of it', () => {
    const outcome = route([location('east', 0, { A: 2, B: 5 }), location('west', 1, { A: 10, B: 3 })], { A: 4, B: 2 });
    expect(outcome.assignments).toEqual([{ location: 'west', lines: [{ sku: 'A', quantity: 4 }, { sku: 'B', quantity: 2 }] }]);
    expect(outcome.backordered).toEqual([]);
    expect(outcome.reasons).toContain('west ships the whole order: the only location that can');
    expect(outcome.reasons).toContain('east passed over: cannot ship the whole order alone (A: has 2, needs 4)');
  });

  it('among locations that each cover the order, follows the channel\'s preference when nothing else separates them', () => {
    const outcome = route([location('east', 0, { A: 10 }), location('west', 1, { A: 10 })], { A: 1 });
    expect(outcome.assignments.map((a) => a.location)).toEqual(['east']);
    expect(outcome.reasons.some((r) => r.startsWith('west passed over (ranked locations)'))).toBe(true);
  });

  it('splits only when no single location can ship everything, taking first from the location that covers most', () => {
    const outcome = route([location('east', 0, { A: 1, B: 1 }), location('west', 1, { A: 3 })], { A: 4, B: 1 });
    expect(outcome.assignments).toEqual([
      { location: 'west', lines: [{ sku: 'A', quantity: 3 }] },
      { location: 'east', lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }] },
    ]);
    expect(outcome.reasons).toContain('No single location can ship the whole order, so it is split');
  });

  it('sends an express order to the location whose cut-off has not passed', () => {
    const outcome = route(
      [location('east', 0, { A: 5 }, { cutoffHourUtc: 10 }), location('west', 1, { A: 5 }, { cutoffHourUtc: 16 })],
      { A: 1 },
      { window: promiseWindow({ shipBy: null, deliverBy: null, express: true }, NOW) },
    );
    expect(outcome.assignments.map((a) => a.location)).toEqual(['west']);
    expect(outcome.atRisk).toBe(false);
    expect(outcome.promisedShipDate?.toISOString()).toBe('2026-03-02T16:00:00.000Z');
    expect(outcome.reasons).toContain('east passed over (keep the promise): east ships 2026-03-03, after the promised 2026-03-02 (its 10:00 UTC cut-off has passed); west ships 2026-03-02');
  });

  it('routes an order no location can ship in time anyway, flagged at risk with its earliest honest date', () => {
    const outcome = route(
      [location('east', 0, { A: 5 }, { cutoffHourUtc: 10, handlingDays: 1 })],
      { A: 1 },
      { window: promiseWindow({ shipBy: new Date('2026-03-02T20:00:00Z'), deliverBy: null, express: false }, NOW) },
    );
    expect(outcome.assignments.map((a) => a.location)).toEqual(['east']);
    expect(outcome.atRisk).toBe(true);
    expect(isoDay(Math.floor(outcome.promisedShipDate!.getTime() / 86_400_000))).toBe('2026-03-04');
  });

  it('meets a deliver-by date from the closer location when the preferred one is too far', () => {
    const far = { transit: [{ country: 'US', postalPrefix: null, days: 6 }] };
    const near = { transit: [{ country: 'US', postalPrefix: '1', days: 1 }] };
    const outcome = route([location('east', 0, { A: 5 }, far), location('west', 1, { A: 5 }, near)], { A: 1 }, {
      window: promiseWindow({ shipBy: null, deliverBy: new Date('2026-03-04T00:00:00Z'), express: false }, NOW),
    });
    expect(outcome.assignments.map((a) => a.location)).toEqual(['west']);
  });

  it.each([
    ['CLOSEST', 'west'],
    ['MOST_STOCK', 'east'],
    ['RANKED', 'south'],
  ] as const)('with %s first, picks %s', (strategy, expected) => {
    const options = [
      location('south', 0, { A: 2 }, { transit: [{ country: 'US', postalPrefix: null, days: 4 }] }),
      location('east', 1, { A: 50 }, { transit: [{ country: 'US', postalPrefix: null, days: 3 }] }),
      location('west', 2, { A: 10 }, { transit: [{ country: 'US', postalPrefix: null, days: 1 }] }),
    ];
    expect(route(options, { A: 2 }, { strategies: [strategy] }).assignments[0].location).toBe(expected);
  });

  it('backorders what no location has, committing what it can', () => {
    const outcome = route([location('east', 0, { A: 2 })], { A: 5 });
    expect(outcome.assignments).toEqual([{ location: 'east', lines: [{ sku: 'A', quantity: 2 }] }]);
    expect(outcome.backordered).toEqual([{ sku: 'A', quantity: 3 }]);
    expect(outcome.promisedShipDate).toBeNull();
  });

  it('dates a backorder from incoming stock, after what older backorders already claim', () => {
    const incoming = { A: [{ quantity: 4, expectedAt: '2026-03-05T08:00:00Z' }, { quantity: 10, expectedAt: '2026-03-09T08:00:00Z' }] };
    const options = [location('east', 0, {}, { handlingDays: 1 }, incoming)];
    const first = route(options, { A: 3 });
    expect(first.promisedShipDate?.toISOString().slice(0, 10)).toBe('2026-03-06');
    const behindOthers = route(options, { A: 3 }, { claimedIncoming: new Map([['A', 2]]) });
    expect(behindOthers.promisedShipDate?.toISOString().slice(0, 10)).toBe('2026-03-10');
  });

  it('flags a backorder whose incoming stock arrives too late for the promise', () => {
    const options = [location('east', 0, {}, {}, { A: [{ quantity: 5, expectedAt: '2026-03-10T08:00:00Z' }] })];
    const outcome = route(options, { A: 1 }, { window: promiseWindow({ shipBy: new Date('2026-03-03T00:00:00Z'), deliverBy: null, express: false }, NOW) });
    expect(outcome.atRisk).toBe(true);
    expect(outcome.reasons.some((r) => r.includes('ship 2026-03-10, after the promised 2026-03-03'))).toBe(true);
  });

  it('backorders everything for a channel without locations', () => {
    const outcome = route([], { A: 1 });
    expect(outcome.assignments).toEqual([]);
    expect(outcome.backordered).toEqual([{ sku: 'A', quantity: 1 }]);
    expect(outcome.reasons[0]).toBe('Channel web has no locations to ship from');
  });
});
