import { compositionProblems } from './composition';

const facts = (over: Partial<Parameters<typeof compositionProblems>[2]> = {}) => ({
  known: new Set(['A', 'B', 'KIT']),
  bundles: new Set(['KIT']),
  usedAsComponent: false,
  ...over,
});

describe('bundle composition', () => {
  it('accepts simple known components', () => {
    expect(compositionProblems('GIFT', [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], facts())).toEqual([]);
  });
  it('refuses an unknown component', () => {
    expect(compositionProblems('GIFT', [{ sku: 'Z', quantity: 1 }], facts())).toEqual(['component Z: unknown SKU']);
  });
  it('refuses a bundle inside a bundle', () => {
    expect(compositionProblems('GIFT', [{ sku: 'KIT', quantity: 1 }], facts())[0]).toMatch(/cannot be nested/);
  });
  it('refuses a SKU that contains itself', () => {
    expect(compositionProblems('A', [{ sku: 'A', quantity: 1 }], facts())[0]).toMatch(/itself/);
  });
  it('refuses a zero quantity', () => {
    expect(compositionProblems('GIFT', [{ sku: 'A', quantity: 0 }], facts())[0]).toMatch(/at least 1/);
  });
  it('refuses components on a SKU that is already a component elsewhere', () => {
    expect(compositionProblems('A', [{ sku: 'B', quantity: 1 }], facts({ usedAsComponent: true }))[0]).toMatch(/component of another bundle/);
  });
});
