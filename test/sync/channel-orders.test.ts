import { gqlOk } from '../support/client';
import { startSyncShop, variantOf, WEBHOOK_SECRET, type SyncShop } from './sync-shop';

let shop: SyncShop;
beforeAll(async () => {
  shop = await startSyncShop({ stock: { TEE: 10, MUG: 4 } });
  await shop.inSync();
});
afterAll(() => shop.close());

const ORDER = 'query($e: ID!) { order(channel: "shop", externalId: $e) { status lines { sku { code } quantity } } }';
const orderOf = async (id: number) => (await gqlOk(shop.url, ORDER, { e: String(id) })).order;
const shopifyOrder = (id: number, lines: { sku: string; quantity: number }[]) => ({
  id, created_at: new Date().toISOString(), shipping_address: { country_code: 'US', zip: '10001' },
  line_items: lines.map((line) => ({ variant_id: Number(variantOf(line.sku)), quantity: line.quantity })),
});

describe('orders from Shopify webhooks', () => {
  it('a sale on the Shopify store lowers Amazon, and sets Shopify to stockgraph’s figure', async () => {
    // Shopify's checkout lowers its own figure first, then sends the webhook.
    shop.shop.sell(variantOf('MUG'), 1);
    const response = await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'orders/create', shopifyOrder(5001, [{ sku: 'MUG', quantity: 1 }]), { webhookId: 'w-5001' });
    expect(response.status).toBe(200);
    expect(await orderOf(5001)).toEqual({ status: 'ROUTED', lines: [{ sku: { code: 'MUG' }, quantity: 1 }] });
    await shop.inSync();
    expect(shop.shown('amazon').MUG).toBe(3);
    expect(shop.shown('shop').MUG).toBe(3);
  });

  it('the same webhook delivered again imports nothing more', async () => {
    const again = await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'orders/create', shopifyOrder(5001, [{ sku: 'MUG', quantity: 1 }]), { webhookId: 'w-5001' });
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect((await shop.availability('web')).MUG).toBe(3);
  });

  it('an order redelivered under another webhook id is still one order (orders are idempotent on channel and id)', async () => {
    await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'orders/create', shopifyOrder(5001, [{ sku: 'MUG', quantity: 1 }]), { webhookId: 'w-5001-retry' });
    expect((await shop.availability('web')).MUG).toBe(3);
  });

  it('orders/cancelled cancels the order, and its units return to every channel', async () => {
    const response = await shop.shop.sendWebhook(shop.webhookUrl(), WEBHOOK_SECRET, 'orders/cancelled', { ...shopifyOrder(5001, []), cancelled_at: new Date().toISOString() });
    expect(response.status).toBe(200);
    expect((await orderOf(5001)).status).toBe('CANCELED');
    expect((await shop.availability('web')).MUG).toBe(4);
    await shop.inSync();
    expect(shop.shown('amazon').MUG).toBe(4);
  });
});
