import { gql, gqlOk } from '../support/client';
import { startScaledOut, type ScaledOutSystem } from '../support/scaled-out';
import { seedShop } from '../support/shop';
import { FakeAmazon } from '../fakes/fake-amazon';
import { FakeShopify } from '../fakes/fake-shopify';
import { CONFIGURE, eventually, WEBHOOK_SECRET } from './sync-shop';

/**
 * Channel sync with every subgraph its own server: events between them over Redis when
 * TEST_REDIS_URL is set (otherwise one shared in-process bus), webhooks on the sync server.
 */
let system: ScaledOutSystem;
let shop: FakeShopify;
let amazon: FakeAmazon;
const base = () => system.subgraphs.sync.url.replace('/graphql', '');

beforeAll(async () => {
  system = await startScaledOut();
  [shop, amazon] = await Promise.all([FakeShopify.start(), FakeAmazon.start()]);
  await seedShop(system.url, { channels: [{ code: 'web', locations: ['east'] }, { code: 'shop', locations: ['east'] }, { code: 'amazon', locations: ['east'] }], stock: { A: { east: 9 } } });
  shop.addVariant('1001', 0);
  amazon.addListing('AMZ-A', 0);
  // Over Redis, the catalog learns of the channels a moment after inventory commits them.
  await eventually(async () => {
    await gqlOk(system.url, 'mutation { a: upsertListing(input: { channel: "shop", externalId: "1001", sku: "A" }) { externalId } b: upsertListing(input: { channel: "amazon", externalId: "AMZ-A", sku: "A" }) { externalId } }');
  }, 20_000, 'listings accepted');
  await gqlOk(system.url, CONFIGURE, { i: { channel: 'shop', kind: 'SHOPIFY', baseUrl: shop.url, credentials: { accessToken: shop.token, webhookSecret: WEBHOOK_SECRET }, shopify: { locationId: shop.locationId } } });
  await gqlOk(system.url, CONFIGURE, { i: { channel: 'amazon', kind: 'AMAZON', baseUrl: amazon.url, credentials: { accessToken: amazon.accessToken }, amazon: { sellerId: amazon.sellerId } } });
}, 120_000);
afterAll(async () => {
  await system.close();
  await Promise.all([shop.close(), amazon.close()]);
});

describe('channel sync in the scaled-out topology', () => {
  it('pushes availability to both channels, and a sale elsewhere to both', async () => {
    await eventually(() => expect([shop.quantity('1001'), amazon.quantity('AMZ-A')]).toEqual([9, 9]), 20_000, 'first push');
    await gqlOk(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "so-1", lines: [{ sku: "A", quantity: 4 }] }) { id } }');
    await eventually(() => expect([shop.quantity('1001'), amazon.quantity('AMZ-A')]).toEqual([5, 5]), 20_000, 'the sale pushed');
  });

  it('shows sync state through the gateway', async () => {
    // The channel shows the quantity a moment before the sync server has recorded its answer.
    await eventually(async () => {
      const { listingSync } = await gqlOk(system.url, '{ listingSync(channel: "amazon", externalId: "AMZ-A") { status lastPushedQuantity sku { title } } }');
      expect(listingSync).toEqual({ status: 'ACKNOWLEDGED', lastPushedQuantity: 5, sku: { title: 'Product A' } });
    }, 10_000, 'the push acknowledged');
  });

  it('takes webhooks on the sync server, and refuses a forged one', async () => {
    const forged = await shop.sendWebhook(`${base()}/webhooks/shopify/shop`, 'forged', 'orders/create', { id: 1, line_items: [{ variant_id: 1001, quantity: 1 }] });
    expect(forged.status).toBe(401);
    const signed = await shop.sendWebhook(`${base()}/webhooks/shopify/shop`, WEBHOOK_SECRET, 'products/update', { id: 1 });
    expect(signed.status).toBe(200);
  });

  it('the sync server answers GraphQL only for the gateway', async () => {
    const response = await fetch(system.subgraphs.sync.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ channelConnectors { kind } }' }) });
    expect(response.status).toBe(401);
    expect((await gql(system.url, '{ channelConnectors { channel { code } kind health { state } } }')).data.channelConnectors).toEqual([
      { channel: { code: 'amazon' }, kind: 'AMAZON', health: { state: 'UP' } },
      { channel: { code: 'shop' }, kind: 'SHOPIFY', health: { state: 'UP' } },
    ]);
  });
});
