import { identityHeaders } from '../shared/auth';
import { createLogger } from '../shared/logger';
import { serveSubgraph } from '../subgraphs/serve';
import { gqlOk } from '../test/support/client';
import type { TestSystem } from '../test/support/system';
import { compareLoads } from './load';
import { heading, line, ms, PHASE_MS, percent, rate, ROUNDS, table, WARMUP_MS, type Benchmark, type SummaryRow } from './report';
import { createKey, seedShop, startBenchSystem, storeOf } from './shop';

const STOREFRONT_QUERY = 'query($c: ID!, $s: [ID!]!) { availability(channel: $c, skus: $s) { sku { title } available } }';
/** What the inventory subgraph alone can answer: the same query less the catalog's `title`. */
const INVENTORY_QUERY = 'query($c: ID!, $s: [ID!]!) { availability(channel: $c, skus: $s) { sku { code } available } }';
const CONNECTIONS = 50;
const QUERY_SKUS = 50;
const ROUND_TRIP_SIZES = [5, 50, 200];
const INTERNAL_SECRET = 'bench-internal-secret-not-for-production';

const skuCode = (index: number) => `AV-${String(index).padStart(4, '0')}`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Statements each subgraph database receives for one storefront query through the gateway,
 * by number of SKUs asked for. Requests go one at a time and the median of several is kept,
 * so the relay's and the sweeper's background polls do not blur the count.
 */
async function countRoundTrips(system: TestSystem, apiKey: string): Promise<{ skus: number; inventory: number; catalog: number }[]> {
  const { inventory, catalog } = system.subgraphs;
  const counts = [];
  for (const size of ROUND_TRIP_SIZES) {
    const skus = Array.from({ length: size }, (_, index) => skuCode(index));
    const perRequest = { inventory: [] as number[], catalog: [] as number[] };
    for (let attempt = 0; attempt < 9; attempt++) {
      const before = { inventory: inventory.db.queries, catalog: catalog.db.queries };
      const data = await gqlOk(system.url, STOREFRONT_QUERY, { c: 'web', s: skus }, apiKey);
      perRequest.inventory.push(inventory.db.queries - before.inventory);
      perRequest.catalog.push(catalog.db.queries - before.catalog);
      const answers = data.availability as { sku: { title: string }; available: number }[];
      if (answers.length !== size || answers[size - 1].sku.title !== `Product ${skus[size - 1]}`) throw new Error(`unexpected answer for ${size} SKUs`);
    }
    counts.push({ skus: size, inventory: median(perRequest.inventory), catalog: median(perRequest.catalog) });
  }
  return counts;
}

async function run(): Promise<SummaryRow[]> {
  heading(`availability: storefront query for ${QUERY_SKUS} SKUs, gateway vs the inventory subgraph alone, ${CONNECTIONS} connections, ${PHASE_MS / 1000} s each in ${ROUNDS} alternating turns`);
  const system = await startBenchSystem();
  let served: Awaited<ReturnType<typeof serveSubgraph>> | null = null;
  try {
    const total = Math.max(...ROUND_TRIP_SIZES);
    await seedShop(system, Object.fromEntries(Array.from({ length: total }, (_, index) => [skuCode(index), { east: 100 + index, west: 50 }])));
    const storefront = await createKey(system, 'bench storefront', ['availability:read']);
    served = await serveSubgraph('inventory', { ...system.config, port: 0, host: '127.0.0.1', internalSecret: INTERNAL_SECRET }, createLogger('silent'));
    line(`store: ${storeOf(system)}; gateway embedded (subgraphs in-process) at ${system.url}; inventory subgraph alone at ${served.url} on the same data`);

    const trips = await countRoundTrips(system, storefront.secret);
    line('database statements per storefront query (BEGIN/COMMIT included; +1 API-key lookup on the gateway\'s own database, not counted):');
    table(['SKUs', 'inventory', 'catalog', 'total'], trips.map((t) => [String(t.skus), String(t.inventory), String(t.catalog), String(t.inventory + t.catalog)]));
    const totals = trips.map((t) => t.inventory + t.catalog);
    const constant = totals.every((value) => value === totals[0]);

    const variables = { c: 'web', s: Array.from({ length: QUERY_SKUS }, (_, index) => skuCode(index)) };
    const common = { connections: CONNECTIONS, durationMs: PHASE_MS };
    const [gateway, subgraph] = await compareLoads([
      { ...common, url: system.url, headers: { 'x-api-key': storefront.secret }, body: JSON.stringify({ query: STOREFRONT_QUERY, variables }) },
      { ...common, url: served.url, headers: identityHeaders(storefront.identity, INTERNAL_SECRET), body: JSON.stringify({ query: INVENTORY_QUERY, variables }) },
    ], ROUNDS, WARMUP_MS);
    table(['path', 'req/s', 'p50', 'p99', 'failed'], [
      ['gateway (x-api-key, with title)', rate(gateway.rps, ''), ms(gateway.p50Ms), ms(gateway.p99Ms), String(gateway.failed)],
      ['inventory subgraph alone (signed identity)', rate(subgraph.rps, ''), ms(subgraph.p50Ms), ms(subgraph.p99Ms), String(subgraph.failed)],
    ]);
    for (const [name, result] of [['gateway', gateway], ['subgraph', subgraph]] as const) {
      if (result.firstFailure) line(`${name} failure: ${result.firstFailure}`);
    }
    const ratio = gateway.rps / subgraph.rps;
    line(`gateway / subgraph: ${percent(ratio)} (target >= 70%)`);
    return [
      { benchmark: `availability ${QUERY_SKUS} SKUs: gateway vs inventory alone`, measured: rate(gateway.rps, ' req/s'), baseline: rate(subgraph.rps, ' req/s'), ratio, target: '>= 70%', met: ratio >= 0.7 },
      {
        benchmark: 'availability: DB statements per query',
        measured: trips.map((t) => `${t.skus} SKUs: ${t.inventory + t.catalog}`).join(', '),
        baseline: '—', ratio: null, target: 'constant in SKUs', met: constant,
      },
    ];
  } finally {
    await served?.stop();
    await system.close();
  }
}

export const availabilityBenchmark: Benchmark = { name: 'availability', run };
