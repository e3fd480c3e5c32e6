import { GroupCommit, type Outcome } from './group-commit';

describe('GroupCommit', () => {
  it('groups the items submitted in one turn, then the items that arrive while a group runs', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => { started = resolve; });
    const runner = new GroupCommit<number, number>(async (items) => {
      groups.push(items);
      if (groups.length === 1) { started(); await gate; }
      return items.map((item) => ({ ok: true, value: item * 10 }));
    }, { concurrency: 1, maxGroup: 3 });
    const together = [1, 2].map((item) => runner.submit(item));
    await firstStarted;
    const later = [3, 4, 5, 6, 7].map((item) => runner.submit(item));
    release();
    expect(await Promise.all([...together, ...later])).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(groups).toEqual([[1, 2], [3, 4, 5], [6, 7]]);
  });

  it('lets callers answered by one group submit again before the next group starts', async () => {
    const groups: number[][] = [];
    const runner = new GroupCommit<number, number>(async (items) => {
      groups.push(items);
      return items.map((item) => ({ ok: true, value: item }));
    }, { concurrency: 1, maxGroup: 10 });
    // Four callers, each submitting its next item as soon as its previous one is answered.
    await Promise.all([0, 1, 2, 3].map(async (caller) => {
      for (let round = 0; round < 3; round++) await runner.submit(round * 4 + caller);
    }));
    expect(groups).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  });

  it('answers each item with its own outcome, and every item of a group that throws with that error', async () => {
    const runner = new GroupCommit<number, string>(async (items): Promise<Outcome<string>[]> => {
      if (items.includes(13)) throw new Error('group failed');
      return items.map((item) => (item % 2 ? { ok: true, value: `odd ${item}` } : { ok: false, error: new Error(`even ${item}`) }));
    }, { concurrency: 1, maxGroup: 10 });
    await expect(runner.submit(1)).resolves.toBe('odd 1');
    await expect(runner.submit(2)).rejects.toThrow('even 2');
    await expect(runner.submit(13)).rejects.toThrow('group failed');
    await expect(runner.submit(3)).resolves.toBe('odd 3');
  });
});
