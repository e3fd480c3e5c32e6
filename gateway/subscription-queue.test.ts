import { SubscriberQueue } from './subscription-queue';

async function drain<T>(queue: SubscriberQueue<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push((await queue.next()).value as T);
  return out;
}

describe('a subscriber queue', () => {
  it('keeps every event in order while the subscriber keeps up', async () => {
    const queue = new SubscriberQueue<number>(10, () => undefined);
    [1, 2, 3].forEach((n) => queue.push(n, 'A'));
    expect(await drain(queue, 3)).toEqual([1, 2, 3]);
  });

  it('merges a slow subscriber\'s pending changes per SKU, never dropping the latest', async () => {
    const queue = new SubscriberQueue<string>(3, () => undefined);
    for (let i = 0; i < 1000; i++) queue.push(`${['A', 'B'][i % 2]}=${i}`, ['A', 'B'][i % 2]);
    expect(queue.size).toBeLessThanOrEqual(5);
    const all = await drain(queue, queue.size);
    expect(all.slice(-2).sort()).toEqual(['A=998', 'B=999']);
  });

  it('hands an event straight to a waiting reader', async () => {
    const queue = new SubscriberQueue<number>(3, () => undefined);
    const next = queue.next();
    queue.push(7, null);
    expect(await next).toEqual({ value: 7, done: false });
  });

  it('tells its owner when the subscriber leaves', async () => {
    const onClose = jest.fn();
    const queue = new SubscriberQueue<number>(3, onClose);
    await queue.return();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('ends, rather than grows, when events without a key pile up', async () => {
    const queue = new SubscriberQueue<number>(2, () => undefined);
    for (let i = 0; i < 100; i++) queue.push(i, null);
    expect(queue.size).toBe(20);
    await drain(queue, 20);
    await expect(queue.next()).rejects.toThrow(/too far behind/);
  });
});
