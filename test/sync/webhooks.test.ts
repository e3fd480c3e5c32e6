import { shopifySignature } from '../../subgraphs/sync/domain/webhook-signature';
import { gqlOk } from '../support/client';
import { eventually, startSyncShop, variantOf, WEBHOOK_SECRET, type SyncShop } from './sync-shop';

let shop: SyncShop;
beforeAll(async () => {
  shop = await startSyncShop({ stock: { TEE: 10, MUG: 5 } });
  await shop.inSync();
});
afterAll(() => shop.close());

const order = (id: number, lines: { sku: string; quantity: number }[]) => ({
  id, created_at: '2026-03-01T10:00:00Z', shipping_address: { country_code: 'US', zip: '10001' },
  line_items: lines.map((line) => ({ variant_id: Number(variantOf(line.sku)), quantity: line.quantity })),
});
const receipts = async () => Number((await shop.system.subgraphs.sync.db.query('SELECT COUNT(*) AS n FROM webhook_receipt'))[0].n);

describe('Shopify order webhooks', () => {
  it('a forged webhook is refused with 401 and changes nothing', async () => {
    const before = { receipts: await receipts(), available: await shop.availability('web') };
    const forged = await shop.shop.sendWebhook(shop.webhookUrl(), 'not-the-app-secret', 'orders/create', order(7001, [{ sku: 'TEE', quantity: 2 }]));
    expect(forged.status).toBe(401);
    const unsigned = await fetch(shop.webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'w-1' }, body: '{"id":7001}' });
    expect(unsigned.status).toBe(401);
    expect(await receipts()).toBe(before.receipts);
    expect(await shop.availability('web')).toEqual(before.available);
  });

  it('a body changed after signing is refused', async () => {
    const signed = Buffer.from(JSON.stringify(order(7002, [{ sku: 'TEE', quantity: 1 }])));
    const tampered = Buffer.from(JSON.stringify(order(7002, [{ sku: 'TEE', quantity: 9 }])));
    const response = await fetch(shop.webhookUrl(), {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'w-2', 'x-shopify-hmac-sha256': shopifySignature(signed, WEBHOOK_SECRET) }, body: tampered,
    });
    expect(response.status).toBe(401);
    expect(await receipts()).toBe(0);
  });

  it('a signed webhook is recorded once: the same webhook id again is acknowledged and changes nothing', async () => {
    const before = await receipts();
    const first = await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'orders/create', order(7003, [{ sku: 'TEE', quantity: 2 }]), { webhookId: 'w-3' });
    expect(await first.json()).toEqual({ status: 'accepted' });
    const again = await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'orders/create', order(7003, [{ sku: 'TEE', quantity: 2 }]), { webhookId: 'w-3' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(await receipts()).toBe(before + 1);
    const [event] = await shop.system.subgraphs.sync.db.query("SELECT payload FROM outbox WHERE topic = 'sync.channel-order-received'");
    expect(JSON.parse(event.payload)).toEqual({
      action: 'create', channel: 'shop', externalId: '7003', lines: [{ listingExternalId: variantOf('TEE'), quantity: 2 }],
      shipTo: { country: 'US', postalCode: '10001' }, placedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('an order naming a variant no listing maps is not imported, and raises SYNC_FAILED', async () => {
    const unmapped = { ...order(7004, [{ sku: 'TEE', quantity: 1 }]), line_items: [{ variant_id: 123, quantity: 1 }] };
    const response = await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'orders/create', unmapped);
    expect(await response.json()).toEqual({ status: 'accepted', refused: expect.stringContaining('variant 123') });
    await eventually(async () => {
      const { alerts } = await gqlOk(shop.url, '{ alerts(kind: SYNC_FAILED) { channel { code } message } }');
      expect(alerts).toContainEqual({ channel: { code: 'shop' }, message: expect.stringContaining('variant 123') });
    }, 5000, 'the SYNC_FAILED alert');
  });

  it('another topic is acknowledged and ignored', async () => {
    const response = await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'products/update', { id: 1 });
    expect(await response.json()).toEqual({ status: 'accepted' });
  });

  it('a channel without a Shopify connector has no webhook endpoint', async () => {
    const response = await shop.shop.sendWebhook(shop.webhookUrl().replace('/shop', '/amazon'), WEBHOOK_SECRET, 'orders/create', order(7005, []));
    expect(response.status).toBe(404);
  });
});
