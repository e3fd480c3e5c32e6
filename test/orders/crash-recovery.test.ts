import type { Config, SubgraphName } from '../../shared/config';
import { InProcessBus, type BusEvent } from '../../shared/event-bus';
import { createLogger } from '../../shared/logger';
import { TOPICS } from '../../shared/topics';
import type { SubgraphRuntime } from '../../shared/subgraph';
import { startGateway } from '../../gateway';
import { SUBGRAPH_FACTORIES } from '../../subgraphs/registry';
import { gqlOk } from '../support/client';
import { dropTestDatabases, testConfig } from '../support/config';
import { seedShop } from '../support/shop';
import { importOrder, ORDER, placements, stockOf } from './order-api';

const logger = createLogger('silent');

/** A bus in a process that dies the moment it is asked to publish `topic`: the commit before it stands, nothing after it happens. */
class DyingBus extends InProcessBus {
  constructor(private readonly topic: string | null) {
    super();
  }

  override async publish(events: BusEvent[]): Promise<void> {
    if (this.topic && events.some((event) => event.topic === this.topic)) throw new Error(`the process died before publishing ${this.topic}`);
    return super.publish(events);
  }
}

/** The embedded topology on `config`'s data, on the given bus: a process that can be stopped and started again. */
async function startProcess(config: Config, bus: InProcessBus) {
  const subgraphs = {} as Record<SubgraphName, SubgraphRuntime<any>>;
  for (const name of Object.keys(SUBGRAPH_FACTORIES) as SubgraphName[]) {
    subgraphs[name] = await SUBGRAPH_FACTORIES[name]({ config, bus, logger });
  }
  bus.ready();
  const gateway = await startGateway({ config, logger, embedded: subgraphs });
  return {
    url: gateway.url.replace('localhost', '127.0.0.1'),
    subgraphs,
    bus,
    stop: async () => {
      await gateway.stop();
      for (const runtime of Object.values(subgraphs).reverse()) await runtime.stop();
      await bus.close();
    },
  };
}

type Process = Awaited<ReturnType<typeof startProcess>>;

const COMMITS = 'query($s: ID!) { sku(code: $s) { movements(location: "east", first: 100) { movements { type idempotencyKey } } } }';
const commitsOf = async (url: string, sku: string, orderId: string) => (await gqlOk(url, COMMITS, { s: sku })).sku.movements.movements
  .filter((movement: { type: string; idempotencyKey: string }) => movement.type === 'COMMIT' && movement.idempotencyKey.startsWith(orderId)).length;

/**
 * Runs an import in a process that dies right after one step committed, restarts on the same
 * data, and returns the order as the restarted process knows it.
 */
async function crashAfter(topic: string, sku: string, externalId: string): Promise<{ before: any; after: any; restarted: Process }> {
  const config = configs[configs.length - 1];
  const dying = await startProcess(config, new DyingBus(topic));
  let before;
  try {
    before = await importOrder(dying.url, { externalId, lines: [{ sku, quantity: 2 }] });
    // A dead process's relay leases would hold its successor's relays back for a few seconds: let them run out now.
    for (const runtime of Object.values(dying.subgraphs)) await runtime.db.transaction((em) => em.query('UPDATE outbox_state SET lease_until = 0, holder = NULL'));
  } finally {
    await dying.stop();
  }
  const restarted = await startProcess(config, new InProcessBus());
  processes.push(restarted);
  const { order: after } = await gqlOk(restarted.url, ORDER, { c: 'web', e: externalId });
  return { before, after, restarted };
}

const configs: Config[] = [];
const processes: Process[] = [];

beforeAll(async () => {
  // No relay timer during the test: only a restart may publish what the dead process left.
  configs.push(testConfig({ OUTBOX_POLL_MS: '60000' }));
  const first = await startProcess(configs[0], new InProcessBus());
  await seedShop(first.url, { stock: { A: { east: 10 }, B: { east: 10 }, C: { east: 10 } } });
  await first.stop();
});

afterAll(async () => {
  for (const process of processes) await process.stop();
  for (const config of configs) await dropTestDatabases(config);
});

describe('a crash between the steps of an order', () => {
  it('after intake, before routing: the order is routed exactly once after restart', async () => {
    const { before, after, restarted } = await crashAfter(TOPICS.orderAccepted, 'A', 'crash-intake');
    expect(before.status).toBe('ACCEPTED');
    expect(before.routing).toBeNull();
    expect(after.status).toBe('ROUTED');
    expect(placements(after)).toEqual({ east: { A: 2 } });
    expect((await stockOf(restarted.url, 'A')).east).toMatchObject({ committed: 2, available: 8 });
    expect(await commitsOf(restarted.url, 'A', after.id)).toBe(1);
    await restarted.stop();
    processes.splice(processes.indexOf(restarted), 1);
  });

  it('after routing decided, before inventory committed: committed exactly once after restart', async () => {
    const { before, after, restarted } = await crashAfter(TOPICS.routingDecided, 'B', 'crash-decision');
    expect(before.status).toBe('ACCEPTED');
    expect(after.status).toBe('ROUTED');
    expect((await stockOf(restarted.url, 'B')).east).toMatchObject({ committed: 2, available: 8 });
    expect(await commitsOf(restarted.url, 'B', after.id)).toBe(1);
    await restarted.stop();
    processes.splice(processes.indexOf(restarted), 1);
  });

  it('after inventory committed, before orders heard: the order is routed after restart and nothing is committed twice', async () => {
    const { before, after, restarted } = await crashAfter(TOPICS.orderCommitted, 'C', 'crash-outcome');
    expect(before.status).toBe('ACCEPTED');
    expect(after.status).toBe('ROUTED');
    expect((await stockOf(restarted.url, 'C')).east).toMatchObject({ committed: 2, available: 8 });
    expect(await commitsOf(restarted.url, 'C', after.id)).toBe(1);
  });

  it('an order event delivered again after the restart changes nothing', async () => {
    const restarted = processes[processes.length - 1];
    const [row] = await restarted.subgraphs.orders.db.query("SELECT id, topic, aggregate_key, payload, created_at FROM outbox WHERE topic = ? ORDER BY id DESC LIMIT 1", [TOPICS.orderAccepted]);
    await restarted.bus.publish([{ id: `orders:${row.id}`, topic: row.topic, key: row.aggregate_key, payload: JSON.parse(row.payload), at: row.created_at }]);
    const { order } = await gqlOk(restarted.url, ORDER, { c: 'web', e: 'crash-outcome' });
    expect(order.status).toBe('ROUTED');
    expect((await stockOf(restarted.url, 'C')).east).toMatchObject({ committed: 2, available: 8 });
    expect(await commitsOf(restarted.url, 'C', order.id)).toBe(1);
  });
});
