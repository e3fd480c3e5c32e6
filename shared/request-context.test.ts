import DataLoader from 'dataloader';
import { requestContexts } from './request-context';

describe('requestContexts', () => {
  const identity = { keyId: 'k1', name: 'checkout', scopes: ['reservations:write'], channels: ['web'] };
  const setup = () => {
    const batches: string[][] = [];
    const services = { skus: { name: (code: string) => `Product ${code}` } };
    const contexts = requestContexts(services, {
      titleLoader: (s) => new DataLoader(async (codes: readonly string[]) => {
        batches.push([...codes]);
        return codes.map((code) => s.skus.name(code));
      }),
    });
    return { batches, services, contexts };
  };

  it('gives each request the services, its own caller and request id', () => {
    const { services, contexts } = setup();
    const first = contexts(identity, 'req-1');
    const second = contexts(null, 'req-2');
    expect(first.skus).toBe(services.skus);
    expect([first.identity, first.requestId]).toEqual([identity, 'req-1']);
    expect([second.identity, second.requestId]).toEqual([null, 'req-2']);
  });

  it('makes a loader when first asked, and batches and caches within that request only', async () => {
    const { batches, contexts } = setup();
    const first = contexts(identity, 'req-1');
    expect(batches).toEqual([]);
    expect(first.titleLoader).toBe(first.titleLoader);
    expect(await Promise.all([first.titleLoader.load('A'), first.titleLoader.load('B')])).toEqual(['Product A', 'Product B']);
    await first.titleLoader.load('A');
    expect(batches).toEqual([['A', 'B']]);

    const second = contexts(identity, 'req-2');
    expect(second.titleLoader).not.toBe(first.titleLoader);
    await second.titleLoader.load('A');
    expect(batches).toEqual([['A', 'B'], ['A']]);
  });

  it('never makes a loader a request does not use', () => {
    let made = 0;
    const contexts = requestContexts({}, { loader: () => { made++; return new DataLoader(async (keys: readonly number[]) => keys); } });
    for (let i = 0; i < 10; i++) contexts(null, `req-${i}`);
    expect(made).toBe(0);
  });
});
