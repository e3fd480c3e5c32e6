import { driftMessage, findDrift, formatDuration } from './drift';

describe('drift', () => {
  it('finds listings off by more than the threshold, either way', () => {
    const found = findDrift([
      { externalId: 'a', expected: 5, observed: 5 },
      { externalId: 'b', expected: 5, observed: 7 },
      { externalId: 'c', expected: 5, observed: 2 },
      { externalId: 'd', expected: 5, observed: 6 },
    ], 1);
    expect(found).toEqual([{ externalId: 'b', expected: 5, observed: 7, difference: 2 }, { externalId: 'c', expected: 5, observed: 2, difference: -3 }]);
  });

  it('with threshold 0 any difference is drift', () => {
    expect(findDrift([{ externalId: 'a', expected: 5, observed: 6 }], 0)).toHaveLength(1);
  });

  it('a listing the channel does not know is not drift', () => {
    expect(findDrift([{ externalId: 'a', expected: 5, observed: null }], 0)).toEqual([]);
  });

  it('says how long the drift has lasted', () => {
    expect(formatDuration(200_000)).toBe('3m 20s');
    expect(formatDuration(3_700_000)).toBe('1h 1m');
    expect(formatDuration(0)).toBe('0s');
    const message = driftMessage('amazon', { externalId: 'X1', expected: 3, observed: 7, difference: 4 }, 0, 65_000);
    expect(message).toBe('Listing X1 on amazon shows 7, 4 more than the 3 stockgraph computes; drifting for up to 1m 5s (in sync at 1970-01-01T00:00:00.000Z, found 1970-01-01T00:01:05.000Z)');
    expect(driftMessage('amazon', { externalId: 'X1', expected: 3, observed: 1, difference: -2 }, null, 0)).toBe('Listing X1 on amazon shows 1, 2 fewer than the 3 stockgraph computes');
  });
});
