import { performance } from 'node:perf_hooks';
import { gqlOk, wsClient } from '../test/support/client';
import type { TestSystem } from '../test/support/system';
import { compareLoads } from './load';
import { heading, line, ms, PHASE_MS, rate, ROUNDS, table, WARMUP_MS, type Benchmark, type SummaryRow } from './report';
import { createKey, seedShop, startBenchSystem, storeOf } from './shop';

const CONNECTIONS = 16;
const SKUS = Array.from({ length: 1000 }, (_, index) => `OR-${String(index).padStart(4, '0')}`);
/** Far more than a phase can commit, so no order is backordered: every one is routed and committed. */
const STOCK = 1_000_000;
const IMPORT = 'mutation($i: ImportOrderInput!) { importOrder(input: $i) { id status } }';
const RESERVE = 'mutation($i: ReserveInput!) { reserve(input: $i) { id status } }';
/** Probe orders go to their own channel, so the probe's subscription hears only them. */
const PROBE_CHANNEL = 'probe';
const PROBE_GAP_MS = 20;
const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN;
};

/**
 * Import to routingDecided, as a client sees it: a probe imports one order at a time on its own
 * channel and times it from sending the mutation to receiving the decision on a routingDecided
 * subscription through the gateway (the subscriber runs in this process, like the server).
 */
async function probeLatency(system: TestSystem, durationMs: number): Promise<number[]> {
  const heard = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const client = wsClient(system.url);
  const stop = client.subscribe<{ routingDecided: { order: { id: string } } }>(
    { query: `subscription { routingDecided(channel: "${PROBE_CHANNEL}") { id order { id } } }` },
    {
      next: (value) => {
        const id = value.data?.routingDecided.order.id;
        if (!id) return;
        const at = performance.now();
        const resolve = waiting.get(id);
        if (resolve) resolve(at);
        else heard.set(id, at);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const latencies: number[] = [];
  const until = performance.now() + durationMs;
  try {
    for (let n = 0; performance.now() < until; n++) {
      const sent = performance.now();
      const input = { channel: PROBE_CHANNEL, externalId: `probe-${Math.random().toString(36).slice(2)}-${n}`, lines: [{ sku: SKUS[n % SKUS.length], quantity: 1 }], shipTo: { country: 'US' } };
      const { importOrder } = await gqlOk(system.url, IMPORT, { i: input });
      const at = heard.get(importOrder.id) ?? await Promise.race([
        new Promise<number>((resolve) => waiting.set(importOrder.id, resolve)),
        new Promise<number>((resolve) => setTimeout(() => resolve(NaN), 10_000)),
      ]);
      waiting.delete(importOrder.id);
      if (Number.isFinite(at)) latencies.push(at - sent);
      await new Promise((resolve) => setTimeout(resolve, PROBE_GAP_MS));
    }
  } finally {
    stop();
    await client.dispose();
  }
  return latencies;
}

/** Orders of a channel by status, from the orders subgraph's own database. */
async function statuses(system: TestSystem, channel: string): Promise<Record<string, number>> {
  const rows = await system.subgraphs.orders.db.query('SELECT status, COUNT(*) AS n FROM channel_order WHERE channel_code = ? GROUP BY status', [channel]);
  return Object.fromEntries(rows.map((row: { status: string; n: number }) => [row.status, Number(row.n)]));
}

async function measure(system: TestSystem, store: string): Promise<SummaryRow[]> {
  await seedShop(system, Object.fromEntries(SKUS.map((sku) => [sku, { east: STOCK, west: STOCK }])));
  await gqlOk(system.url, 'mutation { upsertChannel(input: { code: "probe", name: "probe", locations: ["east", "west"] }) { code } }');
  const connector = await createKey(system, 'bench channel connector', ['orders:write', 'reservations:write']);
  const common = { url: system.url, headers: { 'x-api-key': connector.secret }, connections: CONNECTIONS, durationMs: PHASE_MS, skus: SKUS };
  const orderBody = JSON.stringify({ query: IMPORT, variables: { i: { channel: 'web', externalId: 'bench-{{i}}', lines: [{ sku: '{{sku}}', quantity: 1 }], shipTo: { country: 'US', postalCode: '10001' } } } });
  const reserveBody = JSON.stringify({ query: RESERVE, variables: { i: { channel: 'web', lines: [{ sku: '{{sku}}', quantity: 1 }], idempotencyKey: 'bench-{{i}}' } } });

  const idle = await probeLatency(system, 2000);
  const [reserve, orders] = await compareLoads([{ ...common, body: reserveBody }, { ...common, body: orderBody }], ROUNDS, WARMUP_MS);
  const [underLoad, [during]] = await Promise.all([
    probeLatency(system, PHASE_MS),
    compareLoads([{ ...common, body: orderBody }], 1, 0),
  ]);
  const counted = await statuses(system, 'web');
  const accepted = Object.values(counted).reduce((sum, n) => sum + n, 0);

  table([`${store}, ${CONNECTIONS} connections`, 'per s', 'p50', 'p99', 'failed'], [
    ['importOrder: import, routing decision, commitment', rate(orders.rps, ''), ms(orders.p50Ms), ms(orders.p99Ms), String(orders.failed)],
    ['reserve, 1 line (one subgraph, for scale)', rate(reserve.rps, ''), ms(reserve.p50Ms), ms(reserve.p99Ms), String(reserve.failed)],
  ]);
  for (const [name, result] of [['importOrder', orders], ['reserve', reserve]] as const) {
    if (result.firstFailure) line(`${name} failure: ${result.firstFailure}`);
  }
  line(`orders on web: ${accepted} accepted, ${counted.ROUTED ?? 0} routed, ${counted.BACKORDERED ?? 0} backordered, ${counted.ACCEPTED ?? 0} not yet routed`);
  table(['import → routingDecided (probe on its own channel)', 'samples', 'p50', 'p99'], [
    ['idle', String(idle.length), ms(percentile(idle, 50)), ms(percentile(idle, 99))],
    [`while ${CONNECTIONS} connections import ${rate(during.rps, ' orders/s')}`, String(underLoad.length), ms(percentile(underLoad, 50)), ms(percentile(underLoad, 99))],
  ]);
  return [
    {
      benchmark: `orders imported and routed, ${store}`, measured: rate(orders.rps, ' orders/s'), baseline: `${rate(reserve.rps, ' reserve/s')}`,
      ratio: orders.rps / reserve.rps, target: '—', met: counted.ACCEPTED ? false : null,
    },
    {
      benchmark: `import → routingDecided, ${store}, under load`, measured: `p50 ${ms(percentile(underLoad, 50))}, p99 ${ms(percentile(underLoad, 99))}`,
      baseline: `idle p50 ${ms(percentile(idle, 50))}, p99 ${ms(percentile(idle, 99))}`, ratio: null, target: '—', met: null,
    },
  ];
}

/**
 * Orders end to end through the gateway: each importOrder is accepted, routed and committed
 * before it answers (the embedded bus runs routing and inventory in the request), so the rate
 * of answered imports is the rate of routed orders; the run checks that every one was routed.
 */
async function run(): Promise<SummaryRow[]> {
  heading(`orders: importOrder through the gateway, 1 line over ${SKUS.length} SKUs, ${CONNECTIONS} connections, ${PHASE_MS / 1000} s; import → routingDecided latency`);
  const rows: SummaryRow[] = [];
  const mysqlUrl = process.env.BENCH_MYSQL_URL || process.env.TEST_MYSQL_URL || DEFAULT_MYSQL_URL;
  for (const [store, database] of [['SQLite', 'sqlite'], ['MariaDB', mysqlUrl]] as const) {
    let system: TestSystem;
    try {
      system = await startBenchSystem(database);
    } catch (error) {
      if (store === 'SQLite') throw error;
      heading(`orders on ${store} skipped`);
      line(`could not start on ${mysqlUrl}: ${(error as Error).message}; set BENCH_MYSQL_URL to a server to include it`);
      continue;
    }
    try {
      line(`store: ${storeOf(system)}`);
      rows.push(...(await measure(system, store)));
    } finally {
      await system.close();
    }
  }
  return rows;
}

export const ordersBenchmark: Benchmark = { name: 'orders', run };
