import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { insertStatements, mysqlDatabaseName } from '../shared/database';
import { InProcessBus, type EventBus } from '../shared/event-bus';
import { newId } from '../shared/ids';
import { createLogger } from '../shared/logger';
import { LEDGER_COLUMNS } from '../subgraphs/inventory/store/stock-store';
import { createInventory, type InventoryRuntime } from '../subgraphs/inventory';
import type { TestSystem } from '../test/support/system';
import { gqlOk } from '../test/support/client';
import { compareLoads } from './load';
import { heading, line, ms, PHASE_MS, percent, rate, ROUNDS, table, WARMUP_MS, type Benchmark, type SummaryRow } from './report';
import { createKey, seedShop, startBenchSystem, storeOf } from './shop';

/** Connections in the raw baseline's pool, and HTTP connections. */
const CALLERS = 16;
/**
 * Concurrent in-process callers of the engine comparison, each count a run of its own: 16, as many
 * as the baseline's connections, and 256, a flash sale's crowd of checkouts (the raw statement
 * still gets 16 connections, which is all it can use).
 */
const ENGINE_CALLERS = (process.env.BENCH_RESERVE_CALLERS ?? '16,256').split(',').map(Number).filter((n) => n > 0);
const HOT_SKU = 'HOT';
/** A hot SKU with units set aside for the channel that holds it (a flash sale's allocation): every hold reads the fence. */
const FENCED_SKU = 'HOT-FENCED';
const FENCED_UNITS = 1000;
const SPREAD_SKUS = Array.from({ length: 1000 }, (_, index) => `SP-${String(index).padStart(4, '0')}`);
/** Far more than any phase can hold, so no hold ever fails for lack of stock. */
const HOT_STOCK = 1_000_000_000;
const SPREAD_STOCK = 1_000_000;
/** The statement a hold boils down to: take one unit while one is sellable. */
const RAW_HOLD = 'UPDATE stock_level SET reserved = reserved + 1 WHERE sku_code = ? AND location_code = ? AND on_hand - committed - reserved - damaged - quality_control - safety_stock >= 1';
const RESERVE_MUTATION = 'mutation($i: ReserveInput!) { reserve(input: $i) { id status } }';
const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306';

/** One contender of a comparison: `callers` concurrent loops of `work`, each call worth `weight` holds. */
interface Contender {
  callers: number;
  /** Gets a sequence number; false counts as failed. */
  work: (i: number) => Promise<boolean>;
  weight?: number;
  /** A running count (of statements, say) to report per measured turns. */
  count?: () => number;
}

interface PhaseResult {
  /** Holds done in the measured turns. */
  done: number;
  failed: number;
  firstFailure: string | null;
  /** Holds per second over the measured turns, each turn timed until what it published was consumed. */
  rate: number;
  /** The rate in the first and in the last measured turn: shows a rate that sinks as holds pile up. */
  firstTurn: number;
  lastTurn: number;
  /** How much `count` grew over the measured turns. */
  counted?: number;
}

/** Runs `work` from `callers` concurrent loops until `durationMs` has passed; returns the calls that succeeded. */
async function closedLoop(callers: number, durationMs: number, work: (i: number) => Promise<boolean>, sequence: { next: number },
  failures: { failed: number; first: string | null }): Promise<number> {
  let done = 0;
  const deadline = performance.now() + durationMs;
  const caller = async () => {
    while (performance.now() < deadline) {
      try {
        if (await work(sequence.next++)) done++;
        else { failures.failed++; failures.first ??= 'no row changed'; }
      } catch (error) {
        failures.failed++;
        failures.first ??= String((error as Error).message ?? error);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return done;
}

/**
 * Measures the contenders side by side: a warm-up turn each, then `ROUNDS` turns each in
 * alternation (A B C A B C …), `PHASE_MS` in all for each, so whatever else the machine does
 * weighs on all of them alike. A turn ends once `settled` resolves (the events its holds
 * published have been consumed), and that wait counts in its time: the engine pays for the
 * relay's and the consumers' work its holds caused, and the next contender starts on a quiet system.
 */
async function alternate(contenders: Contender[], settled: () => Promise<void>): Promise<PhaseResult[]> {
  const state = contenders.map(() => ({ sequence: { next: 0 }, failures: { failed: 0, first: null as string | null }, done: 0, elapsed: 0, counted: 0, turns: [] as number[] }));
  const turn = async (index: number, durationMs: number) => {
    const { callers, work, weight = 1, count = () => 0 } = contenders[index];
    const { sequence, failures } = state[index];
    const started = performance.now();
    const countedBefore = count();
    const done = (await closedLoop(callers, durationMs, work, sequence, failures)) * weight;
    await settled();
    return { done, elapsed: performance.now() - started, counted: count() - countedBefore };
  };
  for (const index of contenders.keys()) await turn(index, WARMUP_MS);
  // Failures in the warm-up are not the measurement's.
  for (const entry of state) Object.assign(entry.failures, { failed: 0, first: null });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, entry] of state.entries()) {
      const { done, elapsed, counted } = await turn(index, PHASE_MS / ROUNDS);
      entry.done += done;
      entry.elapsed += elapsed;
      entry.counted += counted;
      entry.turns.push((done * 1000) / elapsed);
    }
  }
  return state.map((entry) => ({
    done: entry.done, failed: entry.failures.failed, firstFailure: entry.failures.first, rate: (entry.done * 1000) / entry.elapsed,
    firstTurn: entry.turns[0], lastTurn: entry.turns[entry.turns.length - 1], counted: entry.counted,
  }));
}

const UNPUBLISHED = "SELECT COUNT(*) AS n FROM outbox WHERE seq IS NULL OR seq > (SELECT published_through FROM outbox_state WHERE name = 'relay')";

/**
 * Waits until every event written to inventory's outbox so far has been published (and so, on
 * the embedded bus, consumed). On a connection of its own, so its polls are not counted among
 * the engine's statements.
 */
async function outboxWatch(system: TestSystem): Promise<{ published: () => Promise<void>; close: () => Promise<void> }> {
  let unpublished: () => Promise<number>;
  let close: () => Promise<void>;
  if (system.config.databaseUrl) {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({ uri: inventoryMysqlUrl(system) });
    unpublished = async () => Number(((await connection.query(UNPUBLISHED))[0] as { n: number }[])[0].n);
    close = () => connection.end();
  } else {
    const connection = openInventorySqlite(system);
    const statement = connection.prepare(UNPUBLISHED);
    unpublished = async () => Number((statement.get() as { n: number }).n);
    close = async () => { connection.close(); };
  }
  const published = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const left = await unpublished();
      if (left === 0) return;
      if (Date.now() > deadline) throw new Error(`inventory's outbox still held ${left} unpublished events after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return { published, close };
}

/** The raw conditional UPDATE, on the system's own inventory database, with its own connections. */
interface RawHolder {
  hold(sku: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A connection of its own to the system's inventory database, set up as the engine's are. */
function openInventorySqlite(system: TestSystem): SqliteDatabase.Database {
  const connection = new SqliteDatabase(path.join(system.config.dataDir, 'inventory.sqlite'));
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 10000');
  return connection;
}

function rawSqlite(system: TestSystem): RawHolder {
  // better-sqlite3 is synchronous: one connection, as the engine has one writer; callers take turns.
  const connection = openInventorySqlite(system);
  const statement = connection.prepare(RAW_HOLD);
  return {
    hold: async (sku) => statement.run(sku, 'east').changes === 1,
    close: async () => { connection.close(); },
  };
}

/** The system's inventory database on MySQL. */
function inventoryMysqlUrl(system: TestSystem): string {
  const url = new URL(system.config.databaseUrl!);
  url.pathname = `/${mysqlDatabaseName(system.config.databaseUrl!, 'inventory')}`;
  return url.toString();
}

async function rawMysql(system: TestSystem): Promise<RawHolder> {
  const mysql = await import('mysql2/promise');
  const pool = mysql.createPool({ uri: inventoryMysqlUrl(system), connectionLimit: CALLERS });
  return {
    hold: async (sku) => {
      const [result] = await pool.query(RAW_HOLD, [sku, 'east']);
      return (result as { affectedRows: number }).affectedRows === 1;
    },
    close: () => pool.end(),
  };
}

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

/** The columns of the rows a grouped hold leaves, table by table. */
const BARE_TABLES = {
  reservation: ['id', 'channel_code', 'idempotency_key', 'payload_hash', 'status', 'expires_at', 'created_at', 'updated_at'],
  reservation_line: ['reservation_id', 'line_no', 'sku_code', 'quantity'],
  reservation_allocation: ['reservation_id', 'sku_code', 'location_code', 'quantity'],
  ledger_entry: LEDGER_COLUMNS,
} as const;

/** The rows `group` one-unit holds of the hot SKU leave, numbered from `first`, per table of `BARE_TABLES`. */
function bareHoldRows(group: number, first: number, tag: string): Record<keyof typeof BARE_TABLES, unknown[][]> {
  const now = new Date();
  const at = now.toISOString();
  // Held for 600 s like the engine's: a hold that lapsed here would give the sweeper work in the phases after.
  const expiresAt = new Date(now.getTime() + 600_000).toISOString();
  const rows: Record<keyof typeof BARE_TABLES, unknown[][]> = { reservation: [], reservation_line: [], reservation_allocation: [], ledger_entry: [] };
  for (let i = 0; i < group; i++) {
    const id = newId();
    rows.reservation.push([id, 'web', `bare-${tag}-${first + i}`, '0'.repeat(64), 'ACTIVE', expiresAt, at, at]);
    rows.reservation_line.push([id, 0, HOT_SKU, 1]);
    rows.reservation_allocation.push([id, HOT_SKU, 'east', 1]);
    rows.ledger_entry.push([HOT_SKU, 'east', 'RESERVE', null, 'reservation', id, at, at, 0, 0, 1, 0, 0, 0, 0, HOT_STOCK, 0, first + i, 0, 0, 0, 0]);
  }
  return rows;
}

/** One unit of the hot SKU taken `n` times over, the way a group takes its units: one conditional UPDATE. */
const TAKE_MANY = RAW_HOLD.replace('reserved + 1', 'reserved + ?').replace('>= 1', '>= ?');

/**
 * The least a hold can cost: the rows a grouped hold leaves (its reservation, line, allocation
 * and ledger entry, and one UPDATE of the stock row per group), written in transactions of
 * `group` holds on a connection of its own, with no decision, no idempotency check, no
 * availability and no events: how far the raw UPDATE is from anything that records each hold.
 * On SQLite a bare loop of prepared statements; on MySQL one request a transaction (its start,
 * a multi-row INSERT a table, the UPDATE and the COMMIT), as the engine sends its writes.
 * `write(i)` writes the i-th transaction.
 */
async function bareRows(system: TestSystem, group: number): Promise<{ write: (i: number) => Promise<boolean>; close: () => Promise<void> }> {
  const tag = Math.random().toString(36).slice(2, 8);
  const tables = Object.keys(BARE_TABLES) as (keyof typeof BARE_TABLES)[];
  if (system.config.databaseUrl) {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({ uri: inventoryMysqlUrl(system), multipleStatements: true });
    return {
      write: async (i) => {
        const rows = bareHoldRows(group, i * group, tag);
        const statements = [
          { sql: 'START TRANSACTION', params: [] },
          ...tables.flatMap((table) => insertStatements(table, BARE_TABLES[table], rows[table])),
          { sql: TAKE_MANY, params: [group, HOT_SKU, 'east', group] },
          { sql: 'COMMIT', params: [] },
        ];
        const results = await connection.query(statements.map((statement) => statement.sql).join(';\n'), statements.flatMap((statement) => statement.params));
        return (results[0] as { affectedRows: number }[])[statements.length - 2].affectedRows === 1;
      },
      close: () => connection.end(),
    };
  }
  const connection = openInventorySqlite(system);
  const take = connection.prepare(TAKE_MANY);
  const inserts = tables.map((table) => [table, connection.prepare(insertStatements(table, BARE_TABLES[table], [BARE_TABLES[table].map(() => null)])[0].sql)] as const);
  const hold = connection.transaction((i: number) => {
    if (take.run(group, HOT_SKU, 'east', group).changes !== 1) return false;
    const rows = bareHoldRows(group, i * group, tag);
    for (const [table, insert] of inserts) for (const row of rows[table]) insert.run(row);
    return true;
  });
  return { write: async (i) => hold(i), close: async () => { connection.close(); } };
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
  const raw = mysql ? await rawMysql(system) : rawSqlite(system);
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
