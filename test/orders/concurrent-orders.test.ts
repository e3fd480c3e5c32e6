import type { SubgraphName } from '../../shared/config';
import { InProcessBus, type BusEvent } from '../../shared/event-bus';
import { createLogger } from '../../shared/logger';
import type { SubgraphRuntime } from '../../shared/subgraph';
import { TOPICS } from '../../shared/topics';
import { startGateway } from '../../gateway';
import { SUBGRAPH_FACTORIES } from '../../subgraphs/registry';
import { gqlOk } from '../support/client';
import { dropTestDatabases, testConfig } from '../support/config';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';
import { importOrder, placements, stockOf } from './order-api';

describe('orders racing for the same stock', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
    await seedShop(system.url, { stock: { A: { east: 10, west: 10 } } });
  });
  afterAll(() => system.close());

  it('commit no more than there is, route every order once and backorder the rest', async () => {
    const orders = await Promise.all(Array.from({ length: 30 }, (_, i) => importOrder(system.url, { externalId: `race-${i}`, lines: [{ sku: 'A', quantity: 1 }] })));
    const statuses = () => Promise.all(orders.map(async (order) => (await gqlOk(system.url, 'query($e: ID!) { order(channel: "web", externalId: $e) { status } }', { e: order.externalId })).order.status as string));
    // An import whose routing went round another request's drain answers a moment before it is routed.
    let settled = await statuses();
    for (let i = 0; i < 50 && settled.includes('ACCEPTED'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      settled = await statuses();
    }
    expect(settled.filter((status) => status === 'ROUTED')).toHaveLength(20);
    expect(settled.filter((status) => status === 'BACKORDERED')).toHaveLength(10);
    const stock = await stockOf(system.url, 'A');
    expect([stock.east.committed, stock.west.committed]).toEqual([10, 10]);
    expect([stock.east.available, stock.west.available]).toEqual([0, 0]);
  });
});

/** A bus that loses routing's stock figures, as a lagging copy would be: routing decides on what it last heard. */
class StaleStockBus extends InProcessBus {
  stale = false;

  override async publish(events: BusEvent[]): Promise<void> {
    return super.publish(this.stale ? events.filter((event) => event.topic !== TOPICS.stockChanged) : events);
  }
}

describe('a decision made on stock that has moved', () => {
  const config = testConfig();
  const bus = new StaleStockBus();
  let url: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const logger = createLogger('silent');
    const subgraphs = {} as Record<SubgraphName, SubgraphRuntime<any>>;
    for (const name of Object.keys(SUBGRAPH_FACTORIES) as SubgraphName[]) subgraphs[name] = await SUBGRAPH_FACTORIES[name]({ config, bus, logger });
    bus.ready();
    const gateway = await startGateway({ config, logger, embedded: subgraphs });
    url = gateway.url.replace('localhost', '127.0.0.1');
    stop = async () => {
      await gateway.stop();
      for (const runtime of Object.values(subgraphs).reverse()) await runtime.stop();
      await bus.close();
      await dropTestDatabases(config);
    };
    await seedShop(url, { stock: { A: { east: 5, west: 5 } } });
  });
  afterAll(() => stop());

  it('is refused by inventory, and routing decides again from the figures the refusal brings', async () => {
    bus.stale = true;
    await gqlOk(url, 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }', {
      e: [{ idempotencyKey: 'gone', source: 'wms', type: 'ADJUSTMENT', sku: 'A', location: 'east', quantity: -5, occurredAt: new Date().toISOString() }],
    });
    const order = await importOrder(url, { externalId: 'stale-1', lines: [{ sku: 'A', quantity: 2 }] });
    expect(order.status).toBe('ROUTED');
    expect(placements(order)).toEqual({ west: { A: 2 } });
    expect(order.routing.reasons).toContain('Stock moved before decision 1 could be committed (east had 0 of 2 × A): decided again');
    expect((await stockOf(url, 'A')).east).toMatchObject({ onHand: 0, committed: 0 });
  });
});
