import { allocate, bundleAvailable, channelAvailable, explodeLines, type ChannelRule, type ComponentLine } from './availability';
import { availabilityFor } from './channel-availability';
import { EMPTY_STOCK, type StockFigures } from './stock';

const figures = (f: Partial<StockFigures>): StockFigures => ({ ...EMPTY_STOCK, ...f });
const stockAt = (byLocation: Record<string, Partial<StockFigures>>) =>
  new Map(Object.entries(byLocation).map(([location, f]) => [location, figures(f)]));
const rule = (r: Partial<ChannelRule> = {}): ChannelRule => ({ code: 'web', locations: ['east', 'west'], bufferUnits: 0, paused: false, ...r });

describe('channel availability', () => {
  it('pools the sellable stock of every location the channel sells from', () => {
    expect(channelAvailable(rule(), stockAt({ east: { onHand: 10 }, west: { onHand: 5 } }))).toBe(15);
  });

  it('counts only what is sellable: held, damaged, in quality control and safety stock are not', () => {
    const stock = stockAt({
      east: { onHand: 20, committed: 2, reserved: 3, damaged: 1, qualityControl: 4, safetyStock: 2 },
      west: { onHand: 5, reserved: 5 },
    });
    expect(channelAvailable(rule(), stock)).toBe(8);
  });

  it('ignores stock at locations the channel may not sell from', () => {
    expect(channelAvailable(rule({ locations: ['east'] }), stockAt({ east: { onHand: 4 }, west: { onHand: 50 } }))).toBe(4);
  });

  it('ignores incoming units: they are not here yet', () => {
    expect(channelAvailable(rule(), stockAt({ east: { onHand: 2, incoming: 40 } }))).toBe(2);
  });

  it('holds back the buffer', () => {
    expect(channelAvailable(rule({ bufferUnits: 3 }), stockAt({ east: { onHand: 10 }, west: { onHand: 5 } }))).toBe(12);
  });

  it('never shows less than nothing when the buffer exceeds the stock', () => {
    expect(channelAvailable(rule({ bufferUnits: 30 }), stockAt({ east: { onHand: 10 } }))).toBe(0);
  });

  it('does not let a location counted below its holds eat into another location', () => {
    const stock = stockAt({ east: { onHand: 2, reserved: 6 }, west: { onHand: 5 } });
    expect(channelAvailable(rule(), stock)).toBe(5);
  });

  it('a paused channel shows nothing available', () => {
    expect(channelAvailable(rule({ paused: true }), stockAt({ east: { onHand: 10 } }))).toBe(0);
  });

  it('a channel without locations shows nothing available', () => {
    expect(channelAvailable(rule({ locations: [] }), stockAt({ east: { onHand: 10 } }))).toBe(0);
  });
});

describe('allocation', () => {
  it('takes from the most preferred location when it can cover the order', () => {
    expect(allocate(rule(), 'A', stockAt({ east: { onHand: 10 }, west: { onHand: 10 } }), 4)).toEqual([{ sku: 'A', location: 'east', quantity: 4 }]);
  });

  it('follows the channel\'s preference order, not the stock map\'s order', () => {
    const stock = stockAt({ east: { onHand: 10 }, west: { onHand: 10 } });
    expect(allocate(rule({ locations: ['west', 'east'] }), 'A', stock, 4)).toEqual([{ sku: 'A', location: 'west', quantity: 4 }]);
  });

  it('splits across locations in preference order when the first cannot cover it', () => {
    const stock = stockAt({ east: { onHand: 3, reserved: 1 }, west: { onHand: 10 } });
    expect(allocate(rule(), 'A', stock, 7)).toEqual([
      { sku: 'A', location: 'east', quantity: 2 },
      { sku: 'A', location: 'west', quantity: 5 },
    ]);
  });

  it('skips a location with nothing sellable', () => {
    const stock = stockAt({ north: { onHand: 0 }, east: { onHand: 4, damaged: 4 }, west: { onHand: 3 } });
    expect(allocate(rule({ locations: ['north', 'east', 'west'] }), 'A', stock, 3)).toEqual([{ sku: 'A', location: 'west', quantity: 3 }]);
  });

  it('refuses when the channel\'s availability is short, taking nothing', () => {
    expect(allocate(rule(), 'A', stockAt({ east: { onHand: 3 }, west: { onHand: 3 } }), 7)).toBeNull();
  });

  it('refuses what only the buffer would cover', () => {
    const stock = stockAt({ east: { onHand: 10 } });
    expect(allocate(rule({ bufferUnits: 2 }), 'A', stock, 8)).toEqual([{ sku: 'A', location: 'east', quantity: 8 }]);
    expect(allocate(rule({ bufferUnits: 2 }), 'A', stock, 9)).toBeNull();
  });

  it('refuses anything on a paused channel', () => {
    expect(allocate(rule({ paused: true }), 'A', stockAt({ east: { onHand: 10 } }), 1)).toBeNull();
  });

  it('never allocates from a location the channel may not sell from', () => {
    expect(allocate(rule({ locations: ['east'] }), 'A', stockAt({ east: { onHand: 1 }, west: { onHand: 10 } }), 2)).toBeNull();
  });
});

describe('bundle availability', () => {
  it('sells as many bundles as the scarcest component allows', () => {
    const available: Record<string, number> = { A: 10, B: 7 };
    expect(bundleAvailable([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], (sku) => available[sku])).toBe(5);
    expect(bundleAvailable([{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }], (sku) => available[sku])).toBe(3);
  });

  it('rounds down: a part of a bundle cannot be sold', () => {
    expect(bundleAvailable([{ sku: 'A', quantity: 3 }], () => 8)).toBe(2);
  });

  it('is zero when any component is out of stock', () => {
    const available: Record<string, number> = { A: 100, B: 0 };
    expect(bundleAvailable([{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }], (sku) => available[sku])).toBe(0);
  });

  it('a multipack sells floor(units / pack size)', () => {
    expect(bundleAvailable([{ sku: 'A', quantity: 6 }], () => 17)).toBe(2);
  });

  it('a bundle with no components sells nothing', () => {
    expect(bundleAvailable([], () => 10)).toBe(0);
  });

  it('uses the channel\'s availability of each component, buffer and pause included', () => {
    const stock = new Map([['A', stockAt({ east: { onHand: 10 } })], ['B', stockAt({ east: { onHand: 4 } })]]);
    const components = new Map([['KIT', [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }]]]);
    expect(availabilityFor(rule(), ['KIT', 'A', 'B'], stock, components)).toEqual(new Map([['KIT', 4], ['A', 10], ['B', 4]]));
    expect(availabilityFor(rule({ bufferUnits: 2 }), ['KIT'], stock, components).get('KIT')).toBe(2);
    expect(availabilityFor(rule({ paused: true }), ['KIT', 'A'], stock, components)).toEqual(new Map([['KIT', 0], ['A', 0]]));
  });

  it('shows zero for a SKU with no stock anywhere', () => {
    expect(availabilityFor(rule(), ['NONE'], new Map(), new Map()).get('NONE')).toBe(0);
  });
});

describe('exploding order lines', () => {
  const compositions: Record<string, ComponentLine[]> = {
    KIT: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }],
    SIXPACK: [{ sku: 'A', quantity: 6 }],
  };
  const compositionOf = (sku: string) => compositions[sku] ?? [];

  it('keeps a simple SKU line as it is', () => {
    expect(explodeLines([{ sku: 'A', quantity: 3 }], compositionOf)).toEqual([{ sku: 'A', quantity: 3 }]);
  });

  it('replaces a bundle line by its components times the bundle quantity', () => {
    expect(explodeLines([{ sku: 'KIT', quantity: 3 }], compositionOf)).toEqual([{ sku: 'A', quantity: 6 }, { sku: 'B', quantity: 3 }]);
  });

  it('merges the same SKU reached through a bundle, a multipack and a plain line', () => {
    const lines = [{ sku: 'A', quantity: 1 }, { sku: 'KIT', quantity: 1 }, { sku: 'SIXPACK', quantity: 2 }, { sku: 'A', quantity: 4 }];
    expect(explodeLines(lines, compositionOf)).toEqual([{ sku: 'A', quantity: 19 }, { sku: 'B', quantity: 1 }]);
  });

  it('returns the needs sorted by SKU, the order stock rows are locked in', () => {
    expect(explodeLines([{ sku: 'C', quantity: 1 }, { sku: 'B', quantity: 1 }, { sku: 'A', quantity: 1 }], compositionOf).map((l) => l.sku)).toEqual(['A', 'B', 'C']);
  });
});
