import { listingQuantity } from './listing-quantity';

describe('listing quantity', () => {
  it('shows whole packs only', () => expect(listingQuantity(7, 3)).toBe(2));
  it('shows nothing while inventory has reported nothing', () => expect(listingQuantity(null, 1)).toBe(0));
  it('keeps the held-back units off the channel', () => expect(listingQuantity(10, 1, 4)).toBe(6));
  it('never shows less than nothing', () => expect(listingQuantity(2, 1, 5)).toBe(0));
});
