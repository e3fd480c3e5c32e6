import { flatMapped, flatten } from './arrays';

describe('flatten', () => {
  it('joins rows of statement parameters one level deep, in order, as flat() does', () => {
    const rows: unknown[][] = [['a', 1, null], [], [['nested'], 2]];
    expect(flatten(rows)).toEqual(rows.flat());
    expect(flatten(rows)[3]).toEqual(['nested']);
  });

  it('maps then joins, as flatMap() does', () => {
    const holds = [{ id: 'r1', lines: ['A', 'B'] }, { id: 'r2', lines: ['C'] }];
    const map = (hold: { id: string; lines: string[] }, index: number) => hold.lines.map((sku) => `${index}:${hold.id}:${sku}`);
    expect(flatMapped(holds, map)).toEqual(holds.flatMap(map));
  });
});
