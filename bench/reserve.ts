import { InProcessBus, type EventBus } from '../shared/event-bus';
import { createLogger } from '../shared/logger';
import { createInventory, type InventoryRuntime } from '../subgraphs/inventory';
import type { TestSystem } from '../test/support/system';
import { gqlOk } from '../test/support/client';
import { bareRows, HOT_SKU, HOT_STOCK, rawHolder } from './hold-baselines';
import { outboxWatch } from './inventory-db';
import { compareLoads } from './load';
import { heading, line, ms, PHASE_MS, percent, rate, ROUNDS, table, WARMUP_MS, type Benchmark, type SummaryRow } from './report';
import { createKey, seedShop, startBenchSystem, storeOf } from './shop';
import { alternate, type Contender, type PhaseResult } from './turns';

/** Connections in the raw baseline's pool, and HTTP connections. */
const CALLERS = 16;
/**
 * Concurrent in-process callers of the engine comparison, each count a run of its own: 16, as many
 * as the baseline's connections, and 256, a flash sale's crowd of checkouts (the raw statement
 * still gets 16 connections, which is all it can use).
 */
const ENGINE_CALLERS = (process.env.BENCH_RESERVE_CALLERS ?? '16,256').split(',').map(Number).filter((n) => n > 0);
/** A hot SKU with units set aside for the channel that holds it (a flash sale's allocation): every hold reads the fence. */
const FENCED_SKU = 'HOT-FENCED';
const FENCED_UNITS = 1000;
const SPREAD_SKUS = Array.from({ length: 1000 }, (_, index) => `SP-${String(index).padStart(4, '0')}`);
/** Far more than any phase can hold, so no hold ever fails for lack of stock. */
const SPREAD_STOCK = 1_000_000;
const RESERVE_MUTATION = 'mutation($i: ReserveInput!) { reserve(input: $i) { id status } }';
const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306';

async function mysqlReachable(databaseUrl: string): Promise<string | null> {
  try {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({ uri: databaseUrl, connectTimeout: 2000 });
    await connection.end();
    return null;
  } catch (error) {
    return String((error as Error).message ?? error);
  }
}

/**
 * A second inventory runtime on the system's database, as a second process of the scaled-out
 * topology would be: its own connections, group queue and kept reads. Whichever relay holds the
 * outbox lease publishes to the system's consumers; its own consumers (of order events, which
 * this benchmark sends none of) and listeners are on a bus of their own, so nothing is consumed
 * twice.
 */
async function secondInventory(system: TestSystem): Promise<InventoryRuntime> {
  const own = new InProcessBus();
  own.ready();
  const bus: EventBus = {
    publish: (events) => system.bus.publish(events),
    consume: (group, topics, handler) => own.consume(group, topics, handler),
    consumeBatches: (group, topics, handler) => own.consumeBatches(group, topics, handler),
    listen: (topics, handler) => own.listen(topics, handler),
    close: () => own.close(),
  };
  return createInventory({ config: system.config, bus, logger: createLogger('silent') });
}

/** Engine vs raw statement, on one hot SKU and spread over 1,000 SKUs, each measured in alternating turns with its baseline. */
async function engineVsRaw(system: TestSystem, store: string, callers: number): Promise<SummaryRow[]> {
  const inventory = system.subgraphs.inventory as InventoryRuntime;
  const mysql = Boolean(system.config.databaseUrl);
  const raw = await rawHolder(system, CALLERS);
  const bare = await bareRows(system, callers);
  // Scaled out, two inventory processes hold the same hot SKU: each group leaves the other's kept reads out of date.
  const second = mysql ? await secondInventory(system) : null;
  const outbox = await outboxWatch(system);
  const rows: SummaryRow[] = [];
  const printed: string[][] = [];
  try {
    /** The engine's holds on `skus` in turn; counts the statements its runtimes send (their relays' and consumers' included). */
    const engine = (name: string, skus: readonly string[], runtimes: readonly InventoryRuntime[] = [inventory]): Contender => {
      const tag = `${name}-${Math.random().toString(36).slice(2, 8)}`;
      return {
        callers,
        count: () => runtimes.reduce((sum, runtime) => sum + runtime.db.queries, 0),
        work: async (i) => {
          // With two runtimes, requests take turns between them, as a load balancer's round robin sends them.
          const runtime = runtimes[i % runtimes.length];
          await runtime.services.reservations.reserve({ channel: 'web', lines: [{ sku: skus[i % skus.length], quantity: 1 }], idempotencyKey: `${tag}-${i}`, ttlSeconds: 600 });
          return true;
        },
      };
    };
    const rawOn = (skus: readonly string[]): Contender => ({ callers, work: (i) => raw.hold(skus[i % skus.length]) });
    const show = (name: string, result: PhaseResult, statements: string) => {
      printed.push([name, rate(result.rate, ''), `${Math.round(result.firstTurn)} -> ${Math.round(result.lastTurn)}`, String(result.failed), statements]);
      if (result.firstFailure) line(`${name} failed: ${result.firstFailure}`);
    };
    const perHold = (result: PhaseResult) => ((result.counted ?? 0) / result.done).toFixed(1);
    const beside = (benchmark: string, result: PhaseResult, direct: PhaseResult, target = '—'): SummaryRow => {
      const ratio = result.rate / direct.rate;
      return {
        benchmark, measured: rate(result.rate, ' holds/s'), baseline: `${rate(direct.rate, ' UPDATE/s')} raw`, ratio, target, met: target === '—' ? null : ratio >= 1,
      };
    };
    const settled = outbox.published;

    const [hot, direct, fenced, bareRun, shared] = await alternate([
      engine('hot', [HOT_SKU]), rawOn([HOT_SKU]), engine('fenced', [FENCED_SKU]),
      // On MySQL a bare transaction is one request, counted as one like the engine's; on SQLite each row is a statement.
      { callers: 1, weight: callers, work: bare.write },
      ...(second ? [engine('two', [HOT_SKU], [inventory, second])] : []),
    ], settled);
    show('engine reserve(), hot SKU', hot, perHold(hot));
    show('raw UPDATE, hot SKU', direct, '1');
    show(`engine reserve(), hot SKU with ${FENCED_UNITS} set aside`, fenced, perHold(fenced));
    if (shared) show('engine reserve(), hot SKU, two inventory runtimes', shared, perHold(shared));
    show(`bare rows of ${callers} holds a transaction`, bareRun, (mysql ? 1 / callers : (4 * callers + 3) / callers).toFixed(1));
    rows.push(
      beside(`reserve engine, ${store}, hot SKU, ${callers} callers`, hot, direct, '>= 100%'),
      beside(`reserve engine, ${store}, hot SKU with a dedicated allocation, ${callers} callers`, fenced, direct),
      ...(shared ? [beside(`reserve engine, ${store}, hot SKU, two inventory runtimes, ${callers} callers`, shared, direct)] : []),
      beside(`rows of a hold alone, ${store}, ${callers} a transaction`, bareRun, direct),
    );

    const [spread, spreadDirect] = await alternate([engine('spread', SPREAD_SKUS), rawOn(SPREAD_SKUS)], settled);
    show('engine reserve(), 1,000 SKUs', spread, perHold(spread));
    show('raw UPDATE, 1,000 SKUs', spreadDirect, '1');
    rows.push(beside(`reserve engine, ${store}, 1,000 SKUs, ${callers} callers`, spread, spreadDirect));
  } finally {
    await outbox.close();
    await second?.stop();
    await bare.close();
    await raw.close();
  }
  table([`in-process, ${callers} callers`, 'per s', '1st turn -> last', 'failed', 'stmts/hold'], printed);
  for (const row of rows) line(`${row.benchmark}: ${percent(row.ratio)} of the raw statement${row.target === '—' ? '' : ` (target ${row.target})`}`);
  return rows;
}

/** `reserve` mutations through the gateway beside the gateway's cheapest possible request. */
async function throughGateway(system: TestSystem): Promise<SummaryRow> {
  const checkout = await createKey(system, 'bench checkout', ['reservations:write']);
  const common = { url: system.url, headers: { 'x-api-key': checkout.secret }, connections: CALLERS, durationMs: PHASE_MS };
  const [trivial, reserve] = await compareLoads([
    { ...common, body: JSON.stringify({ query: '{ __typename }' }) },
    {
      ...common,
      skus: SPREAD_SKUS,
      body: JSON.stringify({ query: RESERVE_MUTATION, variables: { i: { channel: 'web', lines: [{ sku: '{{sku}}', quantity: 1 }], idempotencyKey: 'gw-{{i}}' } } }),
    },
  ], ROUNDS, WARMUP_MS);
  table([`gateway over HTTP, ${CALLERS} connections`, 'req/s', 'p50', 'p99', 'failed'], [
    ['{ __typename }', rate(trivial.rps, ''), ms(trivial.p50Ms), ms(trivial.p99Ms), String(trivial.failed)],
    ['reserve, 1 line, 1,000 SKUs', rate(reserve.rps, ''), ms(reserve.p50Ms), ms(reserve.p99Ms), String(reserve.failed)],
  ]);
  for (const [name, result] of [['__typename', trivial], ['reserve', reserve]] as const) {
    if (result.firstFailure) line(`${name} failure: ${result.firstFailure}`);
  }
  const ratio = reserve.rps / trivial.rps;
  line(`reserve / { __typename }: ${percent(ratio)} (target >= 80%)`);
  return {
    benchmark: `reserve via gateway, ${storeOf(system)}`, measured: rate(reserve.rps, ' req/s'), baseline: `${rate(trivial.rps, ' req/s')} __typename`,
    ratio, target: '>= 80%', met: ratio >= 0.8,
  };
}

const reserveStock = () => ({ [HOT_SKU]: { east: HOT_STOCK }, [FENCED_SKU]: { east: HOT_STOCK }, ...Object.fromEntries(SPREAD_SKUS.map((sku) => [sku, { east: SPREAD_STOCK }])) });

async function run(): Promise<SummaryRow[]> {
  const rows: SummaryRow[] = [];
  const mysqlUrl = process.env.BENCH_MYSQL_URL || process.env.TEST_MYSQL_URL || DEFAULT_MYSQL_URL;
  const mysqlDown = await mysqlReachable(mysqlUrl);
  // The HTTP part runs on the store the embedded default would use: SQLite, or MySQL with TEST_MYSQL_URL.
  const gatewayStore = process.env.TEST_MYSQL_URL && !mysqlDown ? 'mysql' : 'sqlite';
  const stores: ['sqlite' | 'mysql', string][] = [['sqlite', 'sqlite']];
  if (mysqlDown) {
    heading('reserve on MariaDB skipped');
    line(`cannot connect to ${mysqlUrl} (${mysqlDown}); set BENCH_MYSQL_URL to a server to include it`);
  } else stores.push(['mysql', mysqlUrl]);

  for (const [kind, database] of stores) {
    const store = kind === 'mysql' ? 'MariaDB' : 'SQLite';
    let system: TestSystem;
    try {
      system = await startBenchSystem(database);
    } catch (error) {
      // A shared server can be out of connections; the SQLite figures still stand on their own.
      if (kind !== 'mysql') throw error;
      heading('reserve on MariaDB skipped');
      line(`could not start on ${mysqlUrl}: ${(error as Error).message}`);
      continue;
    }
    try {
      await seedShop(system, reserveStock());
      await gqlOk(system.url, 'mutation($i: ChannelAllocationInput!) { setChannelAllocation(input: $i) { code } }', { i: { channel: 'web', sku: FENCED_SKU, units: FENCED_UNITS } });
      if (kind === gatewayStore) {
        heading(`reserve through the gateway over HTTP (${storeOf(system)}): reserve vs { __typename }, ${CALLERS} connections, ${PHASE_MS / 1000} s each in ${ROUNDS} alternating turns`);
        rows.push(await throughGateway(system));
      }
      for (const callers of ENGINE_CALLERS) {
        heading(`reserve engine on ${store}: services.reservations.reserve() in-process vs the raw conditional UPDATE, ${callers} callers, ${PHASE_MS / 1000} s each in ${ROUNDS} alternating turns`);
        rows.push(...(await engineVsRaw(system, store, callers)));
      }
    } finally {
      await system.close();
    }
  }
  return rows;
}

export const reserveBenchmark: Benchmark = { name: 'reserve', run };
