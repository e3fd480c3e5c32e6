import type { Config } from '../../shared/config';
import { InProcessBus } from '../../shared/event-bus';
import { createLogger } from '../../shared/logger';
import { TOPICS } from '../../shared/topics';
import { createInventory, type InventoryRuntime } from '../../subgraphs/inventory';
import type { InventoryServices } from '../../subgraphs/inventory/graphql/context';
import type { InventoryEventInput } from '../../subgraphs/inventory/store/event-recorder';
import { dropTestDatabases, testConfig } from '../support/config';

export interface InventoryUnderTest {
  config: Config;
  bus: InProcessBus;
  runtime: InventoryRuntime;
  services: InventoryServices;
  /** Tells inventory about SKUs the way the catalog would: by publishing sku-upserted events. */
  knowSkus(skus: (string | { code: string; components: { sku: string; quantity: number }[] })[]): Promise<void>;
  /** Records events that must all apply. */
  receive(events: Omit<InventoryEventInput, 'source' | 'idempotencyKey' | 'occurredAt'>[]): Promise<void>;
  stop(): Promise<void>;
  /** Stops inventory and drops its data. */
  close(): Promise<void>;
}

let published = 0;
let received = 0;

/** The inventory subgraph alone, in-process, on a fresh database (SQLite, or MySQL with TEST_MYSQL_URL). */
export async function startInventory(options: { config?: Config; overrides?: Record<string, string> } = {}): Promise<InventoryUnderTest> {
  const config = options.config ?? testConfig(options.overrides);
  const bus = new InProcessBus();
  const runtime = await createInventory({ config, bus, logger: createLogger('silent') });
  const services = runtime.services;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await runtime.stop();
    await bus.close();
  };
  return {
    config,
    bus,
    runtime,
    services,
    async knowSkus(skus) {
      const at = new Date().toISOString();
      await bus.publish(skus.map((sku) => {
        const { code, components } = typeof sku === 'string' ? { code: sku, components: [] } : sku;
        return { id: `test:${process.pid}:${++published}`, topic: TOPICS.skuUpserted, key: `sku:${code}`, payload: { code, title: code, components }, at };
      }));
    },
    async receive(events) {
      const result = await services.events.record(events.map((event) => ({
        idempotencyKey: `setup-${++received}`, source: 'test-setup', occurredAt: new Date('2026-01-01T00:00:00Z'), ...event,
      })));
      if (result.rejected.length) throw new Error(`setup events rejected: ${JSON.stringify(result.rejected)}`);
    },
    stop,
    async close() {
      await stop();
      await dropTestDatabases(config);
    },
  };
}

/**
 * An inventory with warehouses `east` and `west` and the given channels (each selling from its
 * locations in that order), whose sweeper runs once an hour: no hold is swept during a test.
 */
export async function startWithWarehouses(channels: Record<string, string[]>, overrides: Record<string, string> = {}): Promise<InventoryUnderTest> {
  const inventory = await startInventory({ overrides: { RESERVATION_SWEEP_MS: '3600000', ...overrides } });
  const { setup } = inventory.services;
  await setup.upsertLocation({ code: 'east', name: 'East', kind: 'WAREHOUSE', country: 'US' });
  await setup.upsertLocation({ code: 'west', name: 'West', kind: 'WAREHOUSE', country: 'US' });
  for (const [code, locations] of Object.entries(channels)) {
    await setup.upsertChannel({ code, name: code[0].toUpperCase() + code.slice(1), locations });
  }
  return inventory;
}


/** Resolves with what each promise did, keeping the error code of each failure. */
export async function settle<T>(promises: Promise<T>[]): Promise<{ ok: T[]; failed: string[] }> {
  const results = await Promise.allSettled(promises);
  const ok: T[] = [];
  const failed: string[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') ok.push(result.value);
    else failed.push(String((result.reason as { extensions?: { code?: string } }).extensions?.code ?? (result.reason as Error).message));
  }
  return { ok, failed };
}

/** Resolves once nothing has been sent to `db` for 50 ms: the relay has published the last events and nothing else is sending. */
export async function quiet(db: { queries: number }): Promise<void> {
  for (let last = -1; last !== db.queries;) {
    last = db.queries;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
