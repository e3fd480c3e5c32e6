import { codeOf, gql, gqlOk } from '../support/client';
import { CONFIGURE, eventually, sellerSkuOf, startSyncShop, type SyncShop } from './sync-shop';

let shop: SyncShop;
let storefront: string;
beforeAll(async () => {
  shop = await startSyncShop({ stock: { TEE: 6 } });
  await shop.inSync();
  const created = await gqlOk(shop.url, 'mutation { createApiKey(input: { name: "amazon tool", scopes: ["availability:read", "inventory:write"], channels: ["amazon"] }) { secret } }');
  storefront = created.createApiKey.secret;
});
afterAll(() => shop.close());

const amazonInput = (extra: Record<string, unknown> = {}) => ({ channel: 'amazon', kind: 'AMAZON', baseUrl: shop.amazon.url, amazon: { sellerId: shop.amazon.sellerId }, ...extra });

describe('configuring channel connectors', () => {
  it('takes an admin key; any other is FORBIDDEN and changes nothing', async () => {
    const result = await gql(shop.url, CONFIGURE, { i: amazonInput({ enabled: false }) }, storefront);
    expect(codeOf(result)).toBe('FORBIDDEN');
    const { channelConnectors } = await gqlOk(shop.url, '{ channelConnectors { channel { code } enabled } }');
    expect(channelConnectors).toContainEqual({ channel: { code: 'amazon' }, enabled: true });
  });

  it('names every bad setting at once as BAD_USER_INPUT', async () => {
    const result = await gql(shop.url, CONFIGURE, { i: { channel: 'shop', kind: 'SHOPIFY', baseUrl: 'not a url', batchSize: 1000 } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions!.problems).toEqual(expect.arrayContaining(['baseUrl is not a URL: "not a url"', 'batchSize must be a whole number from 1 to 250, got 1000']));
  });

  it('never shows a secret back, and keeps the stored ones when a reconfiguration leaves them out', async () => {
    const { configureChannelConnector } = await gqlOk(shop.url, CONFIGURE, { i: amazonInput({ rateLimit: { perSecond: 5, burst: 10 } }) });
    expect(configureChannelConnector).toMatchObject({ hasAccessToken: true, enabled: true });
    expect(JSON.stringify(configureChannelConnector)).not.toContain(shop.amazon.accessToken);
    await gqlOk(shop.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "k-1", lines: [{ sku: "TEE", quantity: 1 }] }) { id } }');
    await eventually(() => expect(shop.amazon.quantity(sellerSkuOf('TEE'))).toBe(5), 10_000, 'pushed with the kept token');
  });

  it('reads a credential written env:NAME from the environment', async () => {
    process.env.STOCKGRAPH_TEST_AMAZON_TOKEN = shop.amazon.accessToken;
    await gqlOk(shop.url, CONFIGURE, { i: amazonInput({ credentials: { accessToken: 'env:STOCKGRAPH_TEST_AMAZON_TOKEN' } }) });
    await gqlOk(shop.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "k-2", lines: [{ sku: "TEE", quantity: 1 }] }) { id } }');
    await eventually(() => expect(shop.amazon.quantity(sellerSkuOf('TEE'))).toBe(4), 10_000, 'pushed with the token from the environment');
  });
});

describe('sync state for a channel-bound key', () => {
  it('sees its channel’s listings, and nothing of another channel', async () => {
    // The channel took the last push a moment ago; its acknowledgement is recorded just after.
    await eventually(async () => {
      const own = await gqlOk(shop.url, '{ syncStates(channel: "amazon") { externalId status } }', {}, storefront);
      expect(own.syncStates).toEqual([{ externalId: sellerSkuOf('TEE'), status: 'ACKNOWLEDGED' }]);
    }, 10_000, 'the last push acknowledged');
    expect(codeOf(await gql(shop.url, '{ syncStates(channel: "shop") { externalId } }', {}, storefront))).toBe('FORBIDDEN');
    expect((await gqlOk(shop.url, '{ listingSync(channel: "shop", externalId: "x") { status } }', {}, storefront)).listingSync).toBeNull();
  });

  it('pages through a channel’s listings by externalId', async () => {
    const { syncStates } = await gqlOk(shop.url, '{ syncStates(channel: "amazon", status: ACKNOWLEDGED, first: 1) { externalId } }');
    expect(syncStates).toHaveLength(1);
    const next = await gqlOk(shop.url, '{ syncStates(channel: "amazon", first: 1, after: "zzz") { externalId } }');
    expect(next.syncStates).toEqual([]);
    expect(codeOf(await gql(shop.url, '{ syncStates(channel: "amazon", first: 0) { externalId } }'))).toBe('BAD_USER_INPUT');
  });
});
