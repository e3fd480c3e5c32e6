import { answersWithin } from './health';

describe('a readiness check', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes when it answers in time, and leaves no timer behind', async () => {
    await answersWithin(async () => undefined, 3000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fails with its own error when it fails in time, and leaves no timer behind', async () => {
    await expect(answersWithin(async () => { throw new Error('database down'); }, 3000)).rejects.toThrow('database down');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fails as timed out when it does not answer in time', async () => {
    const hanging = answersWithin(() => new Promise(() => undefined), 3000);
    jest.advanceTimersByTime(2999);
    jest.advanceTimersByTime(1);
    await expect(hanging).rejects.toThrow('timed out');
  });
});
