import { gqlOk } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';
import { FakeAmazon, type FakeAmazonOptions } from '../fakes/fake-amazon';
import { FakeShopify, type FakeShopifyOptions } from '../fakes/fake-shopify';

export const CONFIGURE = `mutation($i: ConfigureChannelConnectorInput!) { configureChannelConnector(input: $i) {
  channel { code } kind enabled hasAccessToken hasWebhookSecret webhookPath health { state fallbackApplied } pending parked } }`;
export const LISTING_SYNC = `query($c: ID!, $e: ID!) { listingSync(channel: $c, externalId: $e) {
  status quantity lastPushedQuantity lastPushedAt acknowledged attempts lastError channelQuantity drift { channelQuantity since } } }`;
export const WEBHOOK_SECRET = 'shopify-app-secret';

/** Variant id of a SKU's listing on the Shopify channel, seller SKU on Amazon. */
export const variantOf = (sku: string) => String(4_000_000_000 + [...sku].reduce((hash, char) => (hash * 131 + char.charCodeAt(0)) % 1_000_000_000, 7));
export const sellerSkuOf = (sku: string) => `AMZ-${sku}`;

export interface SyncShop {
  system: TestSystem;
  url: string;
  shop: FakeShopify;
  amazon: FakeAmazon;
  skus: string[];
  /** The availability stockgraph computes, by channel and SKU. */
  availability(channel: string, skus?: string[]): Promise<Record<string, number>>;
  /** What each fake channel shows, by SKU. */
  shown(channel: 'shop' | 'amazon'): Record<string, number | undefined>;
  /** Resolves once both channels show stockgraph's availability of every SKU. */
  inSync(timeoutMs?: number): Promise<void>;
  configure(channel: 'shop' | 'amazon', settings?: Record<string, unknown>): Promise<any>;
  webhookUrl(): string;
  close(): Promise<void>;
}

export interface SyncShopOptions {
  stock: Record<string, number>;
  env?: Record<string, string>;
  shopify?: FakeShopifyOptions;
  amazon?: FakeAmazonOptions;
  shopifyConnector?: Record<string, unknown>;
  amazonConnector?: Record<string, unknown>;
  /** Channels the SKUs are listed on; `web` is the shop's own checkout, with no connector. */
  connect?: boolean;
}

/** Polls until `check` passes (it throws or returns false until then). */
export async function eventually(check: () => Promise<unknown> | unknown, timeoutMs = 10_000, label = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if ((await check()) !== false) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}${last ? `: ${(last as Error).message ?? last}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The embedded system with three channels selling from one warehouse: `web` (its own
 * checkout), `shop` (a Shopify-style store) and `amazon` (an SP-API-style marketplace), each SKU
 * listed on both of the latter, and both connected to fake channel servers on loopback.
 * Intervals are short, so outages and retries play out in seconds.
 */
export async function startSyncShop(options: SyncShopOptions): Promise<SyncShop> {
  const system = await startTestSystem({ SYNC_POLL_MS: '20', SYNC_RECONCILE_MS: '0', ...options.env });
  const [shop, amazon] = await Promise.all([FakeShopify.start(options.shopify), FakeAmazon.start(options.amazon)]);
  const close = async () => {
    await system.close();
    await Promise.all([shop.close(), amazon.close()]);
  };
  try {
    return await setUp(system, shop, amazon, options, close);
  } catch (error) {
    await close();
    throw error;
  }
}

async function setUp(system: TestSystem, shop: FakeShopify, amazon: FakeAmazon, options: SyncShopOptions, close: () => Promise<void>): Promise<SyncShop> {
  const url = system.url;
  const skus = Object.keys(options.stock);
  await seedShop(url, {
    channels: [{ code: 'web', locations: ['east'] }, { code: 'shop', locations: ['east'] }, { code: 'amazon', locations: ['east'] }],
    stock: Object.fromEntries(skus.map((sku) => [sku, { east: options.stock[sku] }])),
  });
  for (const sku of skus) {
    shop.addVariant(variantOf(sku), 0);
    amazon.addListing(sellerSkuOf(sku), 0);
  }
  const rows = skus.flatMap((sku) => [
    { channel: 'shop', externalId: variantOf(sku), sku, unitsPerListing: 1 },
    { channel: 'amazon', externalId: sellerSkuOf(sku), sku, unitsPerListing: 1 },
  ]);
  await gqlOk(url, 'mutation($i: ImportListingsInput!) { importListings(input: $i) { applied rejected { line reason } } }', { i: { rows } });

  const configure = (channel: 'shop' | 'amazon', settings: Record<string, unknown> = {}) => gqlOk(url, CONFIGURE, {
    i: channel === 'shop'
      ? {
        channel: 'shop', kind: 'SHOPIFY', baseUrl: shop.url, credentials: { accessToken: shop.token, webhookSecret: WEBHOOK_SECRET },
        shopify: { locationId: shop.locationId }, timeoutMs: 300, retry: { baseMs: 20, maxMs: 200, maxAttempts: 5 }, ...options.shopifyConnector, ...settings,
      }
      : {
        channel: 'amazon', kind: 'AMAZON', baseUrl: amazon.url, credentials: { accessToken: amazon.accessToken },
        amazon: { sellerId: amazon.sellerId, marketplaceId: amazon.marketplaceId }, timeoutMs: 300, retry: { baseMs: 20, maxMs: 200, maxAttempts: 5 },
        rateLimit: { perSecond: options.amazon?.perSecond ?? 5, burst: options.amazon?.burst ?? 10 }, ...options.amazonConnector, ...settings,
      },
  });
  if (options.connect !== false) {
    await configure('shop');
    await configure('amazon');
  }

  const availability = async (channel: string, wanted = skus) => {
    const data = await gqlOk(url, 'query($c: ID!, $s: [ID!]!) { availability(channel: $c, skus: $s) { sku { code } available } }', { c: channel, s: wanted });
    return Object.fromEntries(data.availability.map((entry: { sku: { code: string }; available: number }) => [entry.sku.code, entry.available]));
  };
  const shown = (channel: 'shop' | 'amazon') => Object.fromEntries(skus.map((sku) => [sku, channel === 'shop' ? shop.quantity(variantOf(sku)) : amazon.quantity(sellerSkuOf(sku))]));
  // The channels show stockgraph's figures, and sync has recorded that they accepted them: nothing is waiting.
  const inSync = (timeoutMs = 15_000) => eventually(async () => {
    for (const channel of ['shop', 'amazon'] as const) {
      const expected = await availability(channel);
      expect(shown(channel)).toEqual(expected);
    }
    const { channelConnectors } = await gqlOk(url, '{ channelConnectors { channel { code } pending } }');
    expect(channelConnectors.filter((connector: { pending: number }) => connector.pending > 0)).toEqual([]);
  }, timeoutMs, 'both channels to show stockgraph availability');

  return {
    system, url, shop, amazon, skus, availability, shown, inSync, configure,
    webhookUrl: () => `${url.replace('/graphql', '')}/webhooks/shopify/shop`,
    close,
  };
}
