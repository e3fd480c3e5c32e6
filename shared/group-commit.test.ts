import { GroupCommit, type Outcome } from './group-commit';

describe('GroupCommit', () => {
  it('runs a lone item at once, and groups the items that arrive while a group runs', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const runner = new GroupCommit<number, number>(async (items) => {
      groups.push(items);
      if (groups.length === 1) await gate;
      return items.map((item) => ({ ok: true, value: item * 10 }));
    }, { concurrency: 1, maxGroup: 3 });
    const first = runner.submit(1);
    const rest = [2, 3, 4, 5, 6].map((item) => runner.submit(item));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(groups).toEqual([[1], [2, 3, 4], [5, 6]]);
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
