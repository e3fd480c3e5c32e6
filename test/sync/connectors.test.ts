import { withDefaults, type ConnectorSettings } from '../../subgraphs/sync/domain/connector-settings';
import { AmazonConnector } from '../../subgraphs/sync/connectors/amazon';
import { ChannelError } from '../../subgraphs/sync/connectors/connector';
import { ShopifyConnector } from '../../subgraphs/sync/connectors/shopify';
import { FakeAmazon } from '../fakes/fake-amazon';
import { FakeShopify } from '../fakes/fake-shopify';

const shopifySettings = (fake: FakeShopify, extra: Partial<ConnectorSettings> = {}) => ({
  ...withDefaults({ channel: 'shop', kind: 'SHOPIFY', baseUrl: fake.url, credentials: { accessToken: fake.token }, shopify: { locationId: fake.locationId } }),
  timeoutMs: 5000,
  ...extra,
});
const amazonSettings = (fake: FakeAmazon, extra: Partial<ConnectorSettings> = {}) => ({
  ...withDefaults({ channel: 'amazon', kind: 'AMAZON', baseUrl: fake.url, credentials: { accessToken: fake.accessToken }, amazon: { sellerId: fake.sellerId } }),
  timeoutMs: 5000,
  ...extra,
});

async function errorOf(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (error) {
    return error as ChannelError;
  }
  throw new Error('expected a ChannelError');
}

describe('the Shopify connector against a Shopify-style API', () => {
  let shop: FakeShopify;
  beforeEach(async () => {
    shop = await FakeShopify.start();
    for (const variant of ['101', '102', '103']) shop.addVariant(variant, 5);
  });
  afterEach(() => shop.close());

  it('sets the available quantity of many listings in one inventorySetQuantities', async () => {
    const connector = new ShopifyConnector(shopifySettings(shop));
    const results = await connector.push([{ externalId: '101', quantity: 3, compareQuantity: null }, { externalId: '102', quantity: 0, compareQuantity: null }]);
    expect(results).toEqual([{ externalId: '101', ok: true, quantity: 3 }, { externalId: '102', ok: true, quantity: 0 }]);
    expect([shop.quantity('101'), shop.quantity('102')]).toEqual([3, 0]);
    expect(shop.stats.mutations).toBe(1);
  });

  it('sets a figure the shop moved on its own after reading it again (compareQuantity)', async () => {
    const connector = new ShopifyConnector(shopifySettings(shop));
    await connector.push([{ externalId: '101', quantity: 4, compareQuantity: null }]);
    shop.sell('101', 1);
    const [result] = await connector.push([{ externalId: '101', quantity: 2, compareQuantity: 4 }]);
    expect(result.ok).toBe(true);
    expect(shop.quantity('101')).toBe(2);
    expect(shop.stats.stale).toBe(1);
  });

  it('reads back what the shop shows, null for a variant it does not have', async () => {
    const connector = new ShopifyConnector(shopifySettings(shop));
    shop.handEdit('103', 9);
    expect(await connector.read(['103', '101', '999'])).toEqual(new Map([['103', 9], ['101', 5], ['999', null]]));
  });

  it('rejects a variant the shop does not have, and sets the others', async () => {
    const connector = new ShopifyConnector(shopifySettings(shop));
    const results = await connector.push([{ externalId: '999', quantity: 1, compareQuantity: null }, { externalId: '101', quantity: 1, compareQuantity: null }]);
    expect(results[0]).toMatchObject({ ok: false, error: { kind: 'rejected' } });
    expect(results[1]).toEqual({ externalId: '101', ok: true, quantity: 1 });
  });

  it('keeps within the cost bucket: many requests at once, never THROTTLED', async () => {
    await shop.close();
    shop = await FakeShopify.start({ maximum: 40, restoreRate: 100 });
    for (let i = 0; i < 20; i++) shop.addVariant(String(200 + i), 0);
    const connector = new ShopifyConnector(shopifySettings(shop, { rateLimit: { perSecond: 100, burst: 40 } }));
    await Promise.all(Array.from({ length: 20 }, (_, i) => connector.push([{ externalId: String(200 + i), quantity: i, compareQuantity: 0 }])));
    expect(shop.stats.throttled).toBe(0);
    expect(shop.quantity('219')).toBe(19);
  });

  it('waits out THROTTLED when the shop says so, then succeeds', async () => {
    await shop.close();
    // Restoring 2 points a second, the drained bucket stays short of a request's cost for seconds, however slow this machine.
    shop = await FakeShopify.start({ restoreRate: 2 });
    shop.addVariant('101', 5);
    const connector = new ShopifyConnector(shopifySettings(shop));
    // Another app spent the shop's whole bucket: the connector's model does not know it yet.
    shop.drainBucket();
    const [result] = await connector.push([{ externalId: '101', quantity: 2, compareQuantity: null }]);
    expect(result.ok).toBe(true);
    expect(shop.quantity('101')).toBe(2);
    expect(shop.stats.throttled).toBeGreaterThan(0);
  });

  it('sends the access token; a wrong one makes the shop unreachable, not the listing refused', async () => {
    const connector = new ShopifyConnector(shopifySettings(shop, { credentials: { accessToken: 'wrong' } }));
    expect(await errorOf(connector.push([{ externalId: '101', quantity: 1, compareQuantity: 5 }]))).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('HTTP 401') });
  });

  it('reports a shop that does not answer in time, or answers 500, as unreachable', async () => {
    const connector = new ShopifyConnector(shopifySettings(shop, { timeoutMs: 200 }));
    shop.faults.inject('timeout', { times: 1 });
    expect(await errorOf(connector.read(['101']))).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('no answer within 200 ms') });
    shop.faults.inject('status500', { times: 1 });
    expect(await errorOf(connector.read(['101']))).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('HTTP 500') });
    shop.faults.inject('drop', { times: 1 });
    expect(await errorOf(connector.read(['101']))).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('connection failed') });
    expect(await connector.read(['101'])).toEqual(new Map([['101', 5]]));
  });
});

describe('the Amazon connector against an SP-API-style Listings Items API', () => {
  let amazon: FakeAmazon;
  beforeEach(async () => {
    amazon = await FakeAmazon.start({ perSecond: 50, burst: 5, lwa: { clientId: 'amzn1.application-oa2-client.x', clientSecret: 'shh', refreshToken: 'Atzr|refresh' } });
    for (const sku of ['SKU-1', 'SKU-2']) amazon.addListing(sku, 0);
  });
  afterEach(() => amazon.close());

  it('replaces fulfillment_availability with one PATCH per listing', async () => {
    const connector = new AmazonConnector(amazonSettings(amazon));
    expect(await connector.push([{ externalId: 'SKU-1', quantity: 7, compareQuantity: null }])).toEqual([{ externalId: 'SKU-1', ok: true, quantity: 7 }]);
    expect(amazon.quantity('SKU-1')).toBe(7);
    expect(await connector.read(['SKU-1', 'SKU-9'])).toEqual(new Map([['SKU-1', 7], ['SKU-9', null]]));
  });

  it('never goes over the rate limit, however many pushes wait', async () => {
    const connector = new AmazonConnector(amazonSettings(amazon, { rateLimit: { perSecond: 50, burst: 5 } }));
    const started = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => connector.push([{ externalId: i % 2 ? 'SKU-1' : 'SKU-2', quantity: i, compareQuantity: null }])));
    expect(amazon.stats.throttled).toBe(0);
    expect(amazon.stats.patches).toBe(40);
    // 40 requests at 90% of 50 per second, after a bucket that starts empty: close to a second.
    expect(Date.now() - started).toBeGreaterThan(700);
  });

  it('turns 429 into a throttled failure carrying Retry-After, and waits that long before the next request', async () => {
    const connector = new AmazonConnector(amazonSettings(amazon));
    amazon.faults.inject('status429', { times: 1, retryAfterSeconds: 1 });
    const error = await errorOf(connector.push([{ externalId: 'SKU-1', quantity: 1, compareQuantity: null }]));
    expect(error).toMatchObject({ kind: 'throttled', retryAfterMs: 1000 });
    const started = Date.now();
    await connector.push([{ externalId: 'SKU-1', quantity: 2, compareQuantity: null }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('refuses an invalid value for that listing alone', async () => {
    const connector = new AmazonConnector(amazonSettings(amazon));
    const [result] = await connector.push([{ externalId: 'SKU-1', quantity: -1, compareQuantity: null }]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'rejected', message: expect.stringContaining('INVALID') } });
  });

  it('exchanges the refresh token with Login with Amazon, once', async () => {
    const connector = new AmazonConnector(amazonSettings(amazon, {
      credentials: { lwaClientId: 'amzn1.application-oa2-client.x', lwaClientSecret: 'shh', lwaRefreshToken: 'Atzr|refresh', lwaTokenUrl: `${amazon.url}/auth/o2/token` },
    }));
    await connector.push([{ externalId: 'SKU-1', quantity: 1, compareQuantity: null }]);
    await connector.push([{ externalId: 'SKU-2', quantity: 2, compareQuantity: null }]);
    expect(amazon.stats.tokens).toBe(1);
    expect(amazon.quantity('SKU-2')).toBe(2);
  });

  it('takes a reserved request slot before reading the newest value', async () => {
    const connector = new AmazonConnector(amazonSettings(amazon));
    await connector.acquirePush();
    await connector.push([{ externalId: 'SKU-1', quantity: 3, compareQuantity: null }]);
    expect(amazon.quantity('SKU-1')).toBe(3);
  });
});
