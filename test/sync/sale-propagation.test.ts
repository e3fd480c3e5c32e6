import { gqlOk } from '../support/client';
import { LISTING_SYNC, sellerSkuOf, startSyncShop, type SyncShop } from './sync-shop';

let shop: SyncShop;
beforeAll(async () => {
  shop = await startSyncShop({ stock: { TEE: 10, MUG: 4, CAP: 0 } });
  await shop.inSync();
});
afterAll(() => shop.close());

describe('a sale on one channel reaches every other channel', () => {
  it('pushes the availability of every listed SKU to both channels once connected', () => {
    expect(shop.shown('shop')).toEqual({ TEE: 10, MUG: 4, CAP: 0 });
    expect(shop.shown('amazon')).toEqual({ TEE: 10, MUG: 4, CAP: 0 });
  });

  it('a checkout on the webstore lowers the listing on Shopify and on Amazon', async () => {
    await gqlOk(shop.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "web-1", lines: [{ sku: "TEE", quantity: 3 }] }) { id } }');
    await shop.inSync();
    expect(shop.shown('shop').TEE).toBe(7);
    expect(shop.shown('amazon').TEE).toBe(7);
  });

  it('a sale on Amazon lowers the webstore’s and Shopify’s listings', async () => {
    await gqlOk(shop.url, 'mutation { reserve(input: { channel: "amazon", idempotencyKey: "amz-1", lines: [{ sku: "MUG", quantity: 1 }] }) { id } }');
    await shop.inSync();
    expect(shop.shown('shop').MUG).toBe(3);
    expect(shop.shown('amazon').MUG).toBe(3);
  });

  it('a receipt raises every channel again', async () => {
    await gqlOk(shop.url, 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }', {
      e: [{ idempotencyKey: 'rcv-cap', source: 'wms', type: 'RECEIPT', sku: 'CAP', location: 'east', quantity: 6, occurredAt: new Date().toISOString() }],
    });
    await shop.inSync();
    expect(shop.shown('amazon').CAP).toBe(6);
  });

  it('shows each listing’s sync state through the graph', async () => {
    const { listingSync } = await gqlOk(shop.url, LISTING_SYNC, { c: 'amazon', e: sellerSkuOf('TEE') });
    expect(listingSync).toMatchObject({ status: 'ACKNOWLEDGED', quantity: 7, lastPushedQuantity: 7, acknowledged: true, attempts: 0, lastError: null, channelQuantity: 7 });
    expect(new Date(listingSync.lastPushedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await gqlOk(shop.url, LISTING_SYNC, { c: 'amazon', e: 'nope' })).listingSync).toBeNull();
  });

  it('a multipack listing shows whole packs', async () => {
    shop.amazon.addListing('AMZ-TEE-3PK', 0);
    await gqlOk(shop.url, 'mutation { upsertListing(input: { channel: "amazon", externalId: "AMZ-TEE-3PK", sku: "TEE", unitsPerListing: 3 }) { externalId } }');
    await expectEventually(() => shop.amazon.quantity('AMZ-TEE-3PK'), 2);
  });
});

async function expectEventually<T>(read: () => T, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (read() !== expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(read()).toBe(expected);
}
