import { gqlOk } from '../support/client';
import { eventually, sellerSkuOf, startSyncShop, type SyncShop } from './sync-shop';

const ALERTS = 'query($open: Boolean) { alerts(kind: SYNC_FAILED, open: $open) { channel { code } sku { code } message resolvedAt } }';
const CONNECTORS = '{ channelConnectors { channel { code } health { state fallbackApplied lastError } pending parked } }';
const outage = { limitMs: 1000 };

const connector = async (shop: SyncShop, channel: string) =>
  (await gqlOk(shop.url, CONNECTORS)).channelConnectors.find((c: { channel: { code: string } }) => c.channel.code === channel);
const channelAlerts = async (shop: SyncShop, channel: string, open: boolean) =>
  (await gqlOk(shop.url, ALERTS, { open })).alerts.filter((a: { channel: { code: string }; message: string }) => a.channel?.code === channel && a.message.startsWith(`Channel ${channel} is unreachable`));

let orderNo = 0;
/** A checkout on the webstore: the units are held at once, so every channel must show fewer. */
const sell = (shop: SyncShop, sku: string, quantity = 1) =>
  gqlOk(shop.url, 'mutation($i: ReserveInput!) { reserve(input: $i) { id } }', { i: { channel: 'web', idempotencyKey: `sale-${++orderNo}`, lines: [{ sku, quantity }] } });

describe('a channel that fails', () => {
  let shop: SyncShop;
  beforeEach(async () => {
    shop = await startSyncShop({ stock: { TEE: 20, MUG: 20, CAP: 20 }, amazonConnector: { outage }, shopifyConnector: { outage } });
    await shop.inSync();
  });
  afterEach(() => shop.close());

  it('answering 500s for longer than its outage limit loses no update, raises SYNC_FAILED, and recovers by itself', async () => {
    // Until the channel is DOWN (its limit is 1 s here, a minute by default) and a while after.
    shop.amazon.faults.inject('status500');
    for (const sku of ['TEE', 'MUG', 'CAP', 'TEE']) await sell(shop, sku);
    await eventually(async () => expect((await connector(shop, 'amazon')).health.state).toBe('DOWN'), 5000, 'amazon DOWN');
    await eventually(async () => expect(await channelAlerts(shop, 'amazon', true)).toHaveLength(1), 5000, 'the SYNC_FAILED alert');
    for (const sku of ['MUG', 'CAP']) await sell(shop, sku, 2);
    shop.amazon.faults.clear();
    // Nothing to do but wait: the channel answers again, every listing is pushed.
    await shop.inSync(15_000);
    expect(shop.shown('amazon')).toEqual({ TEE: 18, MUG: 17, CAP: 17 });
    await eventually(async () => expect(await connector(shop, 'amazon')).toMatchObject({ health: { state: 'UP' }, parked: 0 }), 5000, 'amazon UP');
    expect(await channelAlerts(shop, 'amazon', true)).toEqual([]);
    expect((await channelAlerts(shop, 'amazon', false))[0].resolvedAt).not.toBeNull();
    expect(shop.amazon.stats.throttled).toBe(0);
  });

  it.each(['timeout', 'drop'] as const)('a %s on every request is an outage like a 500, and nothing is lost', async (mode) => {
    shop.shop.faults.inject(mode);
    await sell(shop, 'TEE', 3);
    await eventually(async () => expect((await connector(shop, 'shop')).health.state).not.toBe('UP'), 5000, 'shop failing');
    await sell(shop, 'TEE', 2);
    shop.shop.faults.clear();
    await shop.inSync(15_000);
    expect(shop.shown('shop').TEE).toBe(15);
  });

  it('429s are waited out as the channel asks, without parking anything or an outage', async () => {
    shop.amazon.faults.inject('status429', { times: 3, retryAfterSeconds: 1 });
    await sell(shop, 'CAP', 4);
    await shop.inSync();
    expect(shop.shown('amazon').CAP).toBe(16);
    expect(await connector(shop, 'amazon')).toMatchObject({ health: { state: 'UP' }, parked: 0 });
    expect(await channelAlerts(shop, 'amazon', false)).toEqual([]);
  });

  it('a listing the channel keeps refusing is parked with its error, and pushed when retried', async () => {
    shop.amazon.handEdit(sellerSkuOf('MUG'), 20);
    const listings = (shop.amazon as unknown as { quantities: Map<string, number> }).quantities;
    listings.delete(sellerSkuOf('MUG'));
    await sell(shop, 'MUG', 5);
    await eventually(async () => expect((await connector(shop, 'amazon')).parked).toBe(1), 5000, 'MUG parked');
    const { parkedPushes } = await gqlOk(shop.url, '{ parkedPushes(channel: "amazon") { externalId quantity error attempts } }');
    expect(parkedPushes).toEqual([{ externalId: sellerSkuOf('MUG'), quantity: 15, error: expect.stringContaining('HTTP 404'), attempts: 5 }]);
    // The alert travels as an event to the subgraph that keeps alerts, so it is awaited.
    await eventually(async () => {
      const { alerts } = await gqlOk(shop.url, ALERTS, { open: true });
      expect(alerts).toContainEqual({ channel: { code: 'amazon' }, sku: { code: 'MUG' }, message: expect.stringContaining('Parked'), resolvedAt: null });
    }, 5000, 'the Parked alert');
    shop.amazon.addListing(sellerSkuOf('MUG'), 20);
    expect((await gqlOk(shop.url, 'mutation { retryParkedPushes(channel: "amazon") }')).retryParkedPushes).toBe(1);
    await shop.inSync();
    await eventually(async () => {
      const open = (await gqlOk(shop.url, ALERTS, { open: true })).alerts;
      expect(open.filter((alert: { sku: { code: string } | null }) => alert.sku?.code === 'MUG')).toEqual([]);
    }, 5000, 'the MUG alert resolved');
  });
});

describe('outage fallbacks', () => {
  it('PAUSE_CHANNEL pauses the unreachable channel in inventory and lifts the pause when it answers', async () => {
    const shop = await startSyncShop({ stock: { TEE: 8 }, shopifyConnector: { outage: { ...outage, fallback: 'PAUSE_CHANNEL' } } });
    try {
      await shop.inSync();
      shop.shop.faults.inject('status500');
      await sell(shop, 'TEE');
      await eventually(async () => expect((await shop.availability('shop')).TEE).toBe(0), 10_000, 'shop paused');
      expect((await gqlOk(shop.url, '{ availability(channel: "web", skus: ["TEE"]) { available } }')).availability[0].available).toBe(7);
      shop.shop.faults.clear();
      await eventually(async () => expect((await shop.availability('shop')).TEE).toBe(7), 15_000, 'shop unpaused');
      await shop.inSync();
    } finally {
      await shop.close();
    }
  });

  it('BUFFER_OTHER_CHANNELS shows the other channels fewer units while one is down, and all of them after', async () => {
    const shop = await startSyncShop({ stock: { TEE: 8 }, amazonConnector: { outage: { ...outage, fallback: 'BUFFER_OTHER_CHANNELS', bufferUnits: 3 } } });
    try {
      await shop.inSync();
      shop.amazon.faults.inject('status500');
      await sell(shop, 'TEE');
      await eventually(() => expect(shop.shown('shop').TEE).toBe(4), 10_000, 'shop held back by 3');
      shop.amazon.faults.clear();
      await eventually(() => expect(shop.shown('shop').TEE).toBe(7), 15_000, 'shop shown everything again');
      await shop.inSync();
    } finally {
      await shop.close();
    }
  });
});
