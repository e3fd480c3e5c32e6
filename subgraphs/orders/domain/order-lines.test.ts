import { explode, lineShapeProblems, resolveLines } from './order-lines';

const catalog = {
  components: new Map([['A', []], ['SOCKS', []], ['KIT', [{ sku: 'A', quantity: 2 }, { sku: 'SOCKS', quantity: 1 }]]]),
  listings: new Map([['B0SOCKS3PK', { sku: 'SOCKS', unitsPerListing: 3 }]]),
};

describe('order lines', () => {
  it('a line by listing counts its quantity times the units per listing', () => {
    expect(resolveLines([{ listingExternalId: 'B0SOCKS3PK', quantity: 2 }], catalog).lines).toEqual([{ sku: 'SOCKS', quantity: 6 }]);
  });

  it('lines of the same SKU, by SKU or by listing, become one line', () => {
    expect(resolveLines([{ sku: 'SOCKS', quantity: 1 }, { listingExternalId: 'B0SOCKS3PK', quantity: 1 }], catalog).lines).toEqual([{ sku: 'SOCKS', quantity: 4 }]);
  });

  it('names every unknown SKU and listing', () => {
    const resolved = resolveLines([{ sku: 'NOPE', quantity: 1 }, { listingExternalId: 'B0MISSING', quantity: 1 }], catalog);
    expect(resolved).toMatchObject({ unknownSkus: ['NOPE'], unknownListings: ['B0MISSING'] });
  });

  it('needs exactly one of SKU and listing, and a whole quantity of at least 1', () => {
    expect(lineShapeProblems([{ sku: 'A', listingExternalId: 'X', quantity: 1 }, { quantity: 1 }, { sku: 'A', quantity: 0 }])).toEqual([
      'line 1: give exactly one of sku and listingExternalId',
      'line 2: give exactly one of sku and listingExternalId',
      'line 3: quantity must be a whole number of at least 1, got 0',
    ]);
  });

  it('a bundle consumes its components', () => {
    expect(explode([{ sku: 'KIT', quantity: 2 }, { sku: 'A', quantity: 1 }], (sku) => catalog.components.get(sku))).toEqual([
      { sku: 'A', quantity: 5 }, { sku: 'SOCKS', quantity: 2 },
    ]);
  });
});
