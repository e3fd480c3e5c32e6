import { gqlOk } from '../test/support/client';
import { seedShop } from '../test/support/shop';
import { startTestSystem, type TestSystem } from '../test/support/system';
import { startChannelFakes, type Accepted, type ChannelFakes } from './channel-fakes';
import { heading, line, ms, table, type Benchmark, type SummaryRow } from './report';

/**
 * Channel sync under a burst of sales: from a sale recorded (its checkout answered) to the new
 * quantity accepted by each fake channel, p50 and p99, and how many pushes each change cost.
 * The fakes run in a worker thread with the real limits: Shopify's cost bucket (1000 points,
 * 50 restored per second) and Amazon's 5 requests per second with bursts of 10.
 */
const SKUS = Array.from({ length: 100 }, (_, i) => `S${String(i).padStart(3, '0')}`);
const SALES = Number(process.env.BENCH_SYNC_SALES || 5000);
/** Enough that no SKU sells out: every sale changes availability. */
const STOCK = 200;
const CALLERS = 4;
const PER_REQUEST = 25;
const QUIET_SALES = 20;
const TARGET_P99_MS = 1000;
const CHANNELS = ['shop', 'amazon'] as const;
type ChannelCode = (typeof CHANNELS)[number];

const variantOf = (index: number) => String(7_000_000 + index);
const sellerSkuOf = (sku: string) => `AMZ-${sku}`;

interface Sale { sku: string; at: number }

async function setUp(system: TestSystem, fakes: ChannelFakes): Promise<void> {
  const { url } = system;
  await seedShop(url, {
    channels: [{ code: 'web', locations: ['east'] }, { code: 'shop', locations: ['east'] }, { code: 'amazon', locations: ['east'] }],
    stock: Object.fromEntries(SKUS.map((sku) => [sku, { east: STOCK }])),
  });
  const rows = SKUS.flatMap((sku, i) => [{ channel: 'shop', externalId: variantOf(i), sku }, { channel: 'amazon', externalId: sellerSkuOf(sku), sku }]);
  await gqlOk(url, 'mutation($i: ImportListingsInput!) { importListings(input: $i) { applied } }', { i: { rows } });
  const configure = 'mutation($i: ConfigureChannelConnectorInput!) { configureChannelConnector(input: $i) { kind } }';
  await gqlOk(url, configure, { i: { channel: 'shop', kind: 'SHOPIFY', baseUrl: fakes.shop.url, credentials: { accessToken: fakes.shop.token }, shopify: { locationId: fakes.shop.locationId } } });
  await gqlOk(url, configure, { i: { channel: 'amazon', kind: 'AMAZON', baseUrl: fakes.amazon.url, credentials: { accessToken: fakes.amazon.accessToken }, amazon: { sellerId: fakes.amazon.sellerId, marketplaceId: fakes.amazon.marketplaceId } } });
  await drained(system, 300_000);
}

/** Resolves once no listing waits to be pushed. */
async function drained(system: TestSystem, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [row] = await system.subgraphs.sync.db.query('SELECT COUNT(*) AS n FROM listing_sync WHERE due_at IS NOT NULL');
    if (Number(row.n) === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${row.n} listings still waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Checkouts on the webstore, `PER_REQUEST` to a request from `CALLERS` connections; each recorded when its answer arrives. */
async function sell(system: TestSystem, skus: string[], callers: number, perRequest: number, prefix: string): Promise<Sale[]> {
  const sales: Sale[] = [];
  let next = 0;
  const caller = async () => {
    while (next < skus.length) {
      const batch = skus.slice(next, next + perRequest).map((sku, i) => ({ sku, n: next + i }));
      next += batch.length;
      const fields = batch.map((sale, i) => `s${i}: reserve(input: { channel: "web", idempotencyKey: "${prefix}-${sale.n}", ttlSeconds: 7200, lines: [{ sku: "${sale.sku}", quantity: 1 }] }) { id }`);
      await gqlOk(system.url, `mutation { ${fields.join(' ')} }`);
      const at = Date.now();
      for (const sale of batch) sales.push({ sku: sale.sku, at });
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return sales;
}

/**
 * Per sale and channel: the time from the sale recorded to the channel accepting a quantity
 * that counts it. Sales only lower availability, so the k-th sale of a SKU is counted once the
 * channel accepted a quantity at most `before - k`.
 */
function latencies(sales: Sale[], before: Record<string, number>, accepted: Record<string, Accepted[]>, listingOf: (sku: string) => string): number[] {
  const bySku = new Map<string, number[]>();
  for (const sale of sales) {
    if (!bySku.has(sale.sku)) bySku.set(sale.sku, []);
    bySku.get(sale.sku)!.push(sale.at);
  }
  const found: number[] = [];
  for (const [sku, times] of bySku) {
    times.sort((a, b) => a - b);
    const log = [...(accepted[listingOf(sku)] ?? [])].sort((a, b) => a.at - b.at);
    let cursor = 0;
    times.forEach((at, index) => {
      const counted = before[sku] - (index + 1);
      while (cursor < log.length && log[cursor].quantity > counted) cursor++;
      found.push(cursor < log.length ? Math.max(0, log[cursor].at - at) : Infinity);
    });
  }
  return found.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN);

async function availability(system: TestSystem): Promise<Record<string, number>> {
  const data = await gqlOk(system.url, 'query($s: [ID!]!) { availability(channel: "web", skus: $s) { sku { code } available } }', { s: SKUS });
  return Object.fromEntries(data.availability.map((entry: { sku: { code: string }; available: number }) => [entry.sku.code, entry.available]));
}

async function changesFor(system: TestSystem, channel: string): Promise<number> {
  const [row] = await system.subgraphs.inventory.db.query("SELECT COUNT(*) AS n FROM outbox WHERE topic = 'inventory.availability-changed' AND payload LIKE ?", [`%"channel":"${channel}"%`]);
  return Number(row.n);
}

async function run(): Promise<SummaryRow[]> {
  const system = await startTestSystem({ SYNC_RECONCILE_MS: '0', RESERVATION_SWEEP_MS: '1000', OUTBOX_POLL_MS: '500', LOG_LEVEL: 'silent' });
  const fakes = await startChannelFakes({
    shopify: { maximum: 1000, restoreRate: 50 }, amazon: { perSecond: 5, burst: 10 },
    variants: SKUS.map((_, i) => variantOf(i)), sellerSkus: SKUS.map(sellerSkuOf),
  });
  const listingOf: Record<ChannelCode, (sku: string) => string> = { shop: (sku) => variantOf(SKUS.indexOf(sku)), amazon: sellerSkuOf };
  try {
    heading(`sync: ${SKUS.length} SKUs listed on a Shopify-style store (cost bucket 1000, 50/s) and an Amazon-style marketplace (5 requests/s, bursts of 10), fakes in a worker thread; ${system.config.databaseUrl ? 'MySQL/MariaDB' : 'SQLite'}`);
    await setUp(system, fakes);

    // Quiet: one sale at a time, each on its own, to see latency with nothing queued.
    const quietBefore = await availability(system);
    const quietSales: Sale[] = [];
    for (let i = 0; i < QUIET_SALES; i++) {
      quietSales.push(...(await sell(system, [SKUS[(i * 7) % SKUS.length]], 1, 1, `quiet-${i}`)));
      await drained(system, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    const before = await availability(system);
    const changesBefore = { shop: await changesFor(system, 'shop'), amazon: await changesFor(system, 'amazon') };
    const reportBefore = await fakes.report();
    const burstSkus = Array.from({ length: SALES }, (_, n) => SKUS[n % 7 === 0 ? n % 5 : n % SKUS.length]);
    const started = Date.now();
    const sales = await sell(system, burstSkus, CALLERS, PER_REQUEST, 'burst');
    const recordedMs = Date.now() - started;
    const tailMs = await drained(system, 600_000);
    const report = await fakes.report();
    line(`${SALES} sales recorded in ${(recordedMs / 1000).toFixed(1)} s (${Math.round((SALES * 1000) / recordedMs)}/s, ${CALLERS} connections, ${PER_REQUEST} checkouts a request); every listing pushed ${(tailMs / 1000).toFixed(1)} s after the last`);

    const rows: string[][] = [];
    const summary: SummaryRow[] = [];
    for (const channel of CHANNELS) {
      const quiet = latencies(quietSales, quietBefore, report[channel].accepted, listingOf[channel]);
      const burst = latencies(sales, before, report[channel].accepted, listingOf[channel]);
      const changes = (await changesFor(system, channel)) - changesBefore[channel];
      const pushes = Object.values(report[channel].accepted).reduce((sum, log) => sum + log.length, 0) - Object.values(reportBefore[channel].accepted).reduce((sum, log) => sum + log.length, 0);
      const requests = channel === 'shop' ? report.shop.stats.mutations - reportBefore.shop.stats.mutations : report.amazon.stats.patches - reportBefore.amazon.stats.patches;
      const refused = report[channel].stats.throttled;
      rows.push([channel, ms(percentile(quiet, 50)), ms(percentile(quiet, 99)), ms(percentile(burst, 50)), ms(percentile(burst, 99)), String(changes), String(requests), String(pushes), (requests / changes).toFixed(3), String(refused)]);
      summary.push({
        benchmark: `sync ${channel}: sale → channel, p99 under ${SALES} sales`,
        measured: ms(percentile(burst, 99)), baseline: `p50 ${ms(percentile(burst, 50))}`, ratio: null,
        target: `< ${TARGET_P99_MS} ms, 0 over the limit`, met: percentile(burst, 99) < TARGET_P99_MS && refused === 0,
      });
      summary.push({
        benchmark: `sync ${channel}: pushes (requests) per change`, measured: (requests / changes).toFixed(3), baseline: `${changes} changes`, ratio: null,
        target: 'far below 1', met: requests / changes < 0.25,
      });
    }
    table(['channel', 'quiet p50', 'quiet p99', 'burst p50', 'burst p99', 'changes', 'pushes (requests)', 'listing values', 'pushes/change', 'over limit'], rows);
    line('A push is one request to the channel; Shopify\'s carries up to 100 listing values, Amazon\'s one. Latency counts from the checkout\'s answer to the first value the channel accepted that includes the sale (0 when the push was accepted before the answer reached the client).');
    line(`An Amazon-style channel takes one listing per request: at 5/s (4.5/s kept by the client) it can refresh ${SKUS.length} changing listings at best every ${(SKUS.length / 4.5).toFixed(0)} s, whatever the pipeline does.`);
    return summary;
  } finally {
    await system.close();
    await fakes.close();
  }
}

export const syncBenchmark: Benchmark = { name: 'sync', run };
