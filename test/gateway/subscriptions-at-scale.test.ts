import WebSocket from 'ws';
import type { InventoryRuntime } from '../../subgraphs/inventory';
import { collect, gqlOk, wsClient } from '../support/client';
import { seedShop } from '../support/shop';
import { startScaledOut } from '../support/scaled-out';
import { startTestSystem, type TestSystem } from '../support/system';
import { createEmbeddedClient } from '../support/raw-socket';
import { createLogger } from '../../shared/logger';
import { startEmbedded } from '../../system';

const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }';
let keys = 0;
const receipt = (sku: string, quantity = 1) => ({ idempotencyKey: `s-${++keys}`, source: 'wms', type: 'RECEIPT' as const, sku, location: 'east', quantity, occurredAt: new Date().toISOString() });

describe('subscriptions on one gateway', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
    await seedShop(system.url);
    await gqlOk(system.url, 'mutation { upsertListing(input: { channel: "web", externalId: "web-a", sku: "A" }) { externalId } }');
  });
  afterAll(() => system.close());

  it('resolves fields of other subgraphs in every event, as a query would', async () => {
    const client = wsClient(system.url);
    const stream = collect(client, 'subscription { availabilityChanged(channel: "web", skus: ["A"], snapshot: true) { sku { title listings { externalId } } channel { name } available } }', {}, 2, 10_000, 1);
    await stream.ready;
    await gqlOk(system.url, RECORD, { e: [receipt('A')] });
    const [snapshot, event] = await stream.done;
    expect(snapshot.availabilityChanged).toEqual({ sku: { title: 'Product A', listings: [{ externalId: 'web-a' }] }, channel: { name: 'web' }, available: 15 });
    expect(event.availabilityChanged).toEqual({ sku: { title: 'Product A', listings: [{ externalId: 'web-a' }] }, channel: { name: 'web' }, available: 16 });
    await client.dispose();
  });

  it('serves many identical subscribers every event', async () => {
    const clients = Array.from({ length: 20 }, () => wsClient(system.url));
    const values: number[][] = clients.map(() => []);
    const stops = clients.map((client, index) => client.subscribe<{ availabilityChanged: { available: number } }>(
      { query: 'subscription { availabilityChanged(channel: "web", skus: ["B"]) { sku { title } available } }' },
      { next: (value) => { if (value.data) values[index].push(value.data.availabilityChanged.available); }, error: () => undefined, complete: () => undefined },
    ));
    // Live once every subscriber has heard a change; from then on each must hear every one.
    for (let attempt = 0; values.some((seen) => seen.length === 0) && attempt < 100; attempt++) {
      await gqlOk(system.url, RECORD, { e: [receipt('B')] });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await gqlOk(system.url, RECORD, { e: [receipt('B')] });
    await gqlOk(system.url, RECORD, { e: [receipt('B')] });
    const [{ availability }] = [await gqlOk(system.url, '{ availability(channel: "web", skus: ["B"]) { available } }')];
    const last = availability[0].available;
    for (let attempt = 0; values.some((seen) => seen[seen.length - 1] !== last) && attempt < 100; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const seen of values) {
      expect(seen[seen.length - 1]).toBe(last);
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => seen[0] + i));
    }
    stops.forEach((stop) => stop());
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('a client that reads nothing while stock moves still ends with the latest value of every SKU', async () => {
    const socket = await createEmbeddedClient(system.url, 'subscription { availabilityChanged(channel: "web") { sku { code } available } }');
    socket.pause();
    const skus = ['A', 'B'];
    for (let round = 0; round < 20; round++) {
      await (system.subgraphs.inventory as InventoryRuntime).services.events.record(Array.from({ length: 50 }, (_, i) => ({ ...receipt(skus[i % 2]), occurredAt: new Date() })));
    }
    const expected = await gqlOk(system.url, '{ availability(channel: "web", skus: ["A", "B"]) { sku { code } available } }');
    const latest = await socket.resumeUntil((values) => expected.availability.every((a: { sku: { code: string }; available: number }) => values.get(a.sku.code) === a.available), 60_000);
    expect(latest.received).toBeLessThanOrEqual(1000);
    socket.close();
  });

  it('closes the socket of a key revoked while it streams', async () => {
    const { createApiKey } = await gqlOk(system.url, 'mutation { createApiKey(input: { name: "storefront", scopes: ["availability:read"] }) { key { id } secret } }');
    const socket = new WebSocket(system.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: createApiKey.secret } }));
    await new Promise((resolve) => socket.once('message', resolve));
    await gqlOk(system.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: createApiKey.key.id });
    const started = Date.now();
    expect(await closed).toBe(4403);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('graceful shutdown', () => {
  it('tells open streams why they close, and a client resumes after restart from its cursor', async () => {
    const system = await startTestSystem();
    await seedShop(system.url);
    const socket = await createEmbeddedClient(system.url, 'subscription { availabilityChanged(channel: "web", skus: ["A"]) { available cursor } }');
    await gqlOk(system.url, RECORD, { e: [receipt('A')] });
    const seen = await socket.resumeUntil((values, last) => last !== null);
    const closing = socket.closed();
    await system.stop();
    const { code, reason } = await closing;
    expect(code).toBe(1001);
    expect(reason).toMatch(/after/);

    const again = await startEmbedded(system.config, createLogger('silent'));
    const url = again.gateway.url.replace('localhost', '127.0.0.1');
    try {
      await gqlOk(url, RECORD, { e: [receipt('A', 2)] });
      const client = wsClient(url);
      const resumed = collect(client, 'subscription($after: ID) { availabilityChanged(channel: "web", skus: ["A"], after: $after) { available } }', { after: seen.lastCursor }, 1);
      expect((await resumed.done)[0].availabilityChanged.available).toBe(18);
      await client.dispose();
    } finally {
      await again.stop();
      await system.close().catch(() => undefined);
    }
  });
});

const redis = process.env.TEST_REDIS_URL ? describe : describe.skip;
redis('two gateways over Redis', () => {
  it('a change made through gateway A reaches a subscriber on gateway B', async () => {
    const a = await startScaledOut();
    const b = await startScaledOut({ sharing: a.config });
    try {
      await seedShop(a.url);
      const client = wsClient(b.url);
      const stream = collect(client, 'subscription { availabilityChanged(channel: "web", skus: ["A"], snapshot: true) { sku { title } available } }', {}, 2, 10_000, 1);
      await stream.ready;
      await gqlOk(a.url, RECORD, { e: [receipt('A', 3)] });
      expect((await stream.done)[1].availabilityChanged).toEqual({ sku: { title: 'Product A' }, available: 18 });
      await client.dispose();
    } finally {
      await b.close();
      await a.close();
    }
  });
});
