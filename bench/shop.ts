import type { Identity } from '../shared/auth';
import { createLogger } from '../shared/logger';
import { startEmbedded, type RunningSystem } from '../system';
import { gqlOk } from '../test/support/client';
import { dropTestDatabases, testConfig } from '../test/support/config';
import type { TestSystem } from '../test/support/system';

/** Both channels sell from both warehouses; every benchmark uses `web`. */
const CHANNELS = [{ code: 'web', locations: ['east', 'west'] }, { code: 'amazon', locations: ['west', 'east'] }];
const BATCH = 50;

const running = new Set<TestSystem>();

/**
 * The embedded topology on an ephemeral port with fresh data. `database` picks the store:
 * `sqlite`, a MySQL URL (a random prefix is added), or `default`, which is SQLite unless
 * TEST_MYSQL_URL is set, like the tests. Background timers keep their production defaults; the
 * per-key rate limit and the execution time-out are raised out of reach (not switched off, so
 * their cost stays in the figures).
 * Its data is removed on `close`, when it fails to start, and when the run is interrupted.
 */
export async function startBenchSystem(database: 'default' | 'sqlite' | string = 'default'): Promise<TestSystem> {
  const overrides: Record<string, string> = {
    RESERVATION_SWEEP_MS: '1000', OUTBOX_POLL_MS: '500', RATE_LIMIT_REQUESTS: '100000000',
    // A seeding batch on MariaDB (one fsync'd transaction per SKU) can outlast the default 10 s.
    EXECUTION_TIMEOUT_MS: '120000',
  };
  if (database === 'sqlite') overrides.DATABASE_URL = '';
  else if (database !== 'default') overrides.DATABASE_URL = `${database.replace(/\/+$/, '')}/b${Math.random().toString(16).slice(2, 10)}`;
  const config = testConfig(overrides);
  let embedded: RunningSystem;
  try {
    embedded = await startEmbedded(config, createLogger(config.logLevel));
  } catch (error) {
    await dropTestDatabases(config).catch(() => undefined);
    throw error;
  }
  const system: TestSystem = {
    ...embedded,
    url: embedded.gateway.url.replace('localhost', '127.0.0.1'),
    config,
    close: async () => {
      running.delete(system);
      try {
        await embedded.stop();
      } finally {
        await dropTestDatabases(config);
      }
    },
  };
  running.add(system);
  return system;
}

/** Ctrl-C in the middle of a phase still removes the temporary directories and MySQL databases. */
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`\n${signal}: removing benchmark data\n`);
    void Promise.allSettled([...running].map((system) => system.close())).then(() => process.exit(130));
  });
}

export const storeOf = (system: TestSystem) => (system.config.databaseUrl ? 'MySQL/MariaDB' : 'SQLite');

/** Runs one mutation per item in batches, each batch one request with aliased fields. */
async function batched<T>(url: string, items: T[], inputType: string, field: string, toInput: (item: T) => unknown): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) {
    const chunk = items.slice(start, start + BATCH);
    const variables = Object.fromEntries(chunk.map((item, index) => [`i${index}`, toInput(item)]));
    const declarations = chunk.map((_, index) => `$i${index}: ${inputType}!`).join(', ');
    const fields = chunk.map((_, index) => `m${index}: ${field}(input: $i${index}) { __typename }`).join(' ');
    await gqlOk(url, `mutation(${declarations}) { ${fields} }`, variables);
  }
}

/**
 * Sets up a shop through the public API with the admin key: two warehouses, two channels, and
 * the given SKUs received at the given quantities. Waits until inventory's copy of the catalog
 * knows every SKU, so holds and reads see them all.
 */
export async function seedShop(system: TestSystem, stock: Record<string, Partial<Record<'east' | 'west', number>>>): Promise<void> {
  const { url } = system;
  await batched(url, ['east', 'west'], 'UpsertLocationInput', 'upsertLocation', (code) => ({ code, name: code, kind: 'WAREHOUSE', country: 'US' }));
  await batched(url, CHANNELS, 'UpsertChannelInput', 'upsertChannel', (channel) => ({ name: channel.code, ...channel }));
  const skus = Object.keys(stock);
  await batched(url, skus, 'UpsertSkuInput', 'upsertSku', (code) => ({ code, title: `Product ${code}` }));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [row] = await system.subgraphs.inventory.db.query('SELECT COUNT(*) AS n FROM sku_ref');
    if (Number(row.n) >= skus.length) break;
    if (Date.now() > deadline) throw new Error(`inventory learned only ${row.n} of ${skus.length} SKUs`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const occurredAt = new Date().toISOString();
  const events = Object.entries(stock).flatMap(([sku, byLocation]) => Object.entries(byLocation).map(([location, quantity]) => ({
    idempotencyKey: `bench-${sku}-${location}`, source: 'bench', type: 'RECEIPT', sku, location, quantity, occurredAt,
  })));
  for (let start = 0; start < events.length; start += BATCH) {
    const data = await gqlOk(url, 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { rejected { idempotencyKey message } } }', { e: events.slice(start, start + BATCH) });
    const rejected = data.recordInventoryEvents.rejected;
    if (rejected.length) throw new Error(`seeding stock: ${rejected.length} receipts rejected, e.g. ${JSON.stringify(rejected[0])}`);
  }
}

/** An API key as a storefront or checkout service would hold one: few scopes, bound to `web`. */
export async function createKey(system: TestSystem, name: string, scopes: string[]): Promise<{ secret: string; identity: Identity }> {
  const channels = ['web'];
  const data = await gqlOk(system.url, 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret key { id } } }', { i: { name, scopes, channels } });
  return { secret: data.createApiKey.secret, identity: { keyId: data.createApiKey.key.id, name, scopes, channels } };
}
