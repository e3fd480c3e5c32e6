import { createLogger } from '../../shared/logger';
import { OutboxRelay } from '../../shared/outbox';
import { collect, gqlOk, wsClient } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';

const STREAM = 'subscription($after: ID, $snapshot: Boolean) { availabilityChanged(channel: "web", skus: ["A", "B"], after: $after, snapshot: $snapshot) { sku { code } available cursor } }';
const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }';

let system: TestSystem;
let keys = 0;
const receive = (sku: string, quantity: number) => gqlOk(system.url, RECORD, {
  e: [{ idempotencyKey: `r-${++keys}`, source: 'wms', type: 'RECEIPT', sku, location: 'east', quantity, occurredAt: new Date().toISOString() }],
});
type Change = { availabilityChanged: { sku: { code: string }; available: number; cursor: string } };

beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url);
});
afterAll(() => system.close());

describe('resumable availability streams', () => {
  it('a client that reconnects with its cursor receives exactly the changes it missed, in order, then live ones', async () => {
    const first = wsClient(system.url);
    const one = collect<Change>(first, 'subscription { availabilityChanged(channel: "web", skus: ["A"], snapshot: true) { sku { code } available cursor } }', {}, 2, 10_000, 1);
    await one.ready;
    await receive('A', 1);
    const [, seen] = await one.done;
    await first.dispose();

    await receive('A', 1);
    await receive('B', 1);
    await receive('A', 1);

    const second = wsClient(system.url);
    const resumed = collect<Change>(second, STREAM, { after: seen.availabilityChanged.cursor }, 4);
    await resumed.ready;
    await receive('B', 2);
    const events = (await resumed.done).map((e) => e.availabilityChanged);
    expect(events.map((e) => [e.sku.code, e.available])).toEqual([['A', 17], ['B', 4], ['A', 18], ['B', 6]]);
    const cursors = events.map((e) => Number(e.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(4);
    await second.dispose();
  });

  it('with snapshot, starts with the current value of every SKU asked for, then live changes', async () => {
    const client = wsClient(system.url);
    const stream = collect<Change>(client, STREAM, { snapshot: true }, 3, 10_000, 2);
    await stream.ready;
    const now = await gqlOk(system.url, '{ availability(channel: "web", skus: ["A", "B"]) { available } }');
    await receive('B', 1);
    const events = (await stream.done).map((e) => [e.availabilityChanged.sku.code, e.availabilityChanged.available]);
    expect(events).toEqual([['A', now.availability[0].available], ['B', now.availability[1].available], ['B', now.availability[1].available + 1]]);
    await client.dispose();
  });

  it('a cursor older than the retained log gets CURSOR_EXPIRED, telling the client to take a snapshot', async () => {
    const relay = new OutboxRelay(system.subgraphs.inventory.db, system.bus, 'inventory', createLogger('silent'));
    expect(await relay.prune(new Date(Date.now() + 60_000))).toBeGreaterThan(0);
    const client = wsClient(system.url);
    const stream = collect<Change>(client, STREAM, { after: '1' }, 1, 3000);
    await expect(stream.done).rejects.toThrow(/CURSOR_EXPIRED/);
    await client.dispose();
  });

  it('refuses a stream of a channel the key is not bound to with FORBIDDEN', async () => {
    const { createApiKey } = await gqlOk(system.url, 'mutation { createApiKey(input: { name: "partner", scopes: ["availability:read"], channels: ["amazon"] }) { secret } }');
    const client = wsClient(system.url, createApiKey.secret);
    const stream = collect<Change>(client, STREAM, {}, 1, 3000);
    await expect(stream.done).rejects.toThrow(/FORBIDDEN/);
    await client.dispose();
  });
});
