import { gqlOk } from '../support/client';
import { startSyncShop, type SyncShop } from './sync-shop';

const SKUS = Array.from({ length: 100 }, (_, i) => `B${String(i).padStart(3, '0')}`);
const SALES = 5000;
/** Enough that even the SKUs that sell most never run out. */
const STOCK = 200;
const CALLERS = 4;
/** Checkouts per request: each its own reservation (and availability change), sent together to spare HTTP round trips. */
const PER_REQUEST = 25;

let shop: SyncShop;
beforeAll(async () => {
  shop = await startSyncShop({
    stock: Object.fromEntries(SKUS.map((sku) => [sku, STOCK])),
    // The channels' real limits: Amazon's 5 requests per second with bursts of 10, Shopify's bucket of 1000 points restoring 50 a second.
    amazon: { perSecond: 5, burst: 10 },
    shopify: { maximum: 1000, restoreRate: 50 },
    // A channel answers in well under a second; a shorter deadline under a loaded test process gives up on requests the channel still counts.
    amazonConnector: { timeoutMs: 10_000 },
    shopifyConnector: { timeoutMs: 10_000 },
  });
  await shop.inSync(60_000);
}, 120_000);
afterAll(() => shop.close());

/** Availability changes inventory published for a channel: what a sync without coalescing would push. */
async function changesFor(channel: string): Promise<number> {
  const [row] = await shop.system.subgraphs.inventory.db.query(
    "SELECT COUNT(*) AS n FROM outbox WHERE topic = 'inventory.availability-changed' AND payload LIKE ?", [`%"channel":"${channel}"%`],
  );
  return Number(row.n);
}

describe('a burst of 5,000 sales over 100 SKUs', () => {
  it('ends with every channel showing exactly stockgraph’s availability, within every rate limit, with far fewer pushes than changes', async () => {
    const before = { amazon: await changesFor('amazon'), shop: await changesFor('shop'), amazonPushes: shop.amazon.accepted.count, shopRequests: shop.shop.stats.mutations };
    let next = 0;
    const caller = async () => {
      while (next < SALES) {
        const sales = Array.from({ length: Math.min(PER_REQUEST, SALES - next) }, () => next++);
        // Checkouts on the webstore, each holding one unit; some SKUs sell far more than others, as in a real burst.
        const fields = sales.map((n, i) => `s${i}: reserve(input: { channel: "web", idempotencyKey: "burst-${n}", lines: [{ sku: "${SKUS[n % 7 === 0 ? n % 5 : n % SKUS.length]}", quantity: 1 }] }) { id }`);
        await gqlOk(shop.url, `mutation { ${fields.join(' ')} }`);
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
    await shop.inSync(120_000);

    const changes = { amazon: (await changesFor('amazon')) - before.amazon, shop: (await changesFor('shop')) - before.shop };
    // A sale is a change, except that checkouts of one SKU held in the same transaction publish
    // one change, the figure after all of them.
    for (const channel of ['amazon', 'shop'] as const) {
      expect(changes[channel]).toBeLessThanOrEqual(SALES);
      expect(changes[channel]).toBeGreaterThan(SALES / 2);
    }
    // Amazon takes one listing per request: each request is a push. Shopify takes up to 100 in one inventorySetQuantities.
    expect(shop.amazon.accepted.count - before.amazonPushes).toBeLessThan(changes.amazon / 4);
    expect(shop.shop.stats.mutations - before.shopRequests).toBeLessThan(changes.shop / 4);
    expect({ amazon: shop.amazon.stats.throttled, shop: shop.shop.stats.throttled }).toEqual({ amazon: 0, shop: 0 });
    const total = Object.values(shop.shown('amazon')).reduce((sum: number, value) => sum + (value ?? 0), 0);
    expect(total).toBe(SKUS.length * STOCK - SALES);
  }, 400_000);
});
