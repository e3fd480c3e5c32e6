import { codeOf, gql, gqlOk } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';
import { importOrder, ORDER, placements, stockOf, tryImport } from './order-api';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url, {
    channels: [{ code: 'web', locations: ['east', 'west'] }, { code: 'amazon', locations: ['west'] }],
    stock: { A: { east: 10, west: 5 }, B: { east: 3 }, C: { east: 2 }, M: { east: 10 }, S: { east: 10 } },
    bundles: { KIT: [{ sku: 'M', quantity: 2 }, { sku: 'S', quantity: 1 }] },
  });
  await gqlOk(system.url, 'mutation { upsertListing(input: { channel: "amazon", externalId: "B0A3PK", sku: "A", unitsPerListing: 3 }) { externalId } }');
});
afterAll(() => system.close());

describe('order intake', () => {
  it('routes an order as soon as it is accepted and commits its units', async () => {
    const order = await importOrder(system.url, { externalId: 'web-1', lines: [{ sku: 'A', quantity: 2 }] });
    expect(order.status).toBe('ROUTED');
    expect(placements(order)).toEqual({ east: { A: 2 } });
    expect((await stockOf(system.url, 'A')).east).toMatchObject({ onHand: 10, committed: 2, available: 8 });
  });

  it('importing the same order twice gives one order and one commitment', async () => {
    const input = { externalId: 'web-twice', lines: [{ sku: 'B', quantity: 1 }] };
    const first = await importOrder(system.url, input);
    const second = await importOrder(system.url, input);
    expect(second.id).toBe(first.id);
    expect(second.routing.id).toBe(first.routing.id);
    expect((await stockOf(system.url, 'B')).east.committed).toBe(1);
  });

  it('an order changed under the same external id is an IDEMPOTENCY_CONFLICT and changes nothing', async () => {
    await importOrder(system.url, { externalId: 'web-changed', lines: [{ sku: 'C', quantity: 1 }] });
    const result = await tryImport(system.url, { externalId: 'web-changed', lines: [{ sku: 'C', quantity: 2 }] });
    expect(codeOf(result)).toBe('IDEMPOTENCY_CONFLICT');
    expect((await stockOf(system.url, 'C')).east.committed).toBe(1);
  });

  it('an order line by listing reference counts its units per listing', async () => {
    const order = await importOrder(system.url, { channel: 'amazon', externalId: 'amz-1', lines: [{ listingExternalId: 'B0A3PK', quantity: 1 }] });
    expect(order.lines).toEqual([{ sku: { code: 'A' }, quantity: 3 }]);
    expect(placements(order)).toEqual({ west: { A: 3 } });
  });

  it('a bundle commits its components', async () => {
    const order = await importOrder(system.url, { externalId: 'web-kit', lines: [{ sku: 'KIT', quantity: 2 }] });
    expect(order.lines).toEqual([{ sku: { code: 'KIT' }, quantity: 2 }]);
    expect(placements(order)).toEqual({ east: { M: 4, S: 2 } });
  });

  it.each([
    ['an unknown SKU', { externalId: 'bad-1', lines: [{ sku: 'NOPE', quantity: 1 }] }, 'NOPE'],
    ['an unknown listing', { channel: 'amazon', externalId: 'bad-2', lines: [{ listingExternalId: 'B0MISSING', quantity: 1 }] }, 'B0MISSING'],
    ['an unknown channel', { channel: 'nowhere', externalId: 'bad-3', lines: [{ sku: 'A', quantity: 1 }] }, 'nowhere'],
    ['a quantity below 1', { externalId: 'bad-4', lines: [{ sku: 'A', quantity: 0 }] }, 'quantity'],
    ['a line with both a SKU and a listing', { externalId: 'bad-5', lines: [{ sku: 'A', listingExternalId: 'B0A3PK', quantity: 1 }] }, 'exactly one'],
  ])('refuses an order with %s as BAD_USER_INPUT naming it, and records nothing', async (_what, input, named) => {
    const result = await tryImport(system.url, input as never);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain(named);
    expect((await gql(system.url, ORDER, { c: (input as { channel?: string }).channel ?? 'web', e: input.externalId })).data?.order ?? null).toBeNull();
  });
});
