import { isSplit } from './split';

describe('split shipments', () => {
  it('one location is not a split', () => expect(isSplit([{ location: 'east' }])).toBe(false));
  it('two locations are a split', () => expect(isSplit([{ location: 'east' }, { location: 'west' }])).toBe(true));
});
