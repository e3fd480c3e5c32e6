import { identityHeaders } from '../../shared/auth';
import { codeOf, collect, gql, gqlOk, wsClient } from '../support/client';
import { startScaledOut, INTERNAL_SECRET, type ScaledOutSystem } from '../support/scaled-out';
import { seedShop } from '../support/shop';

const AVAILABILITY = 'query($c: ID!, $s: [ID!]!) { availability(channel: $c, skus: $s) { sku { code title } available } }';

let system: ScaledOutSystem;
beforeAll(async () => {
  system = await startScaledOut();
  await seedShop(system.url);
  // Over Redis, inventory learns of new SKUs a moment after the catalog commits them.
  for (let i = 0; i < 50; i++) {
    const result = await gql(system.url, AVAILABILITY, { c: 'web', s: ['A', 'B'] });
    if (!result.errors) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
afterAll(() => system.close());

describe('the scaled-out topology', () => {
  it('plans queries across subgraphs called over HTTP', async () => {
    const data = await gqlOk(system.url, AVAILABILITY, { c: 'web', s: ['A', 'B'] });
    expect(data.availability).toEqual([
      { sku: { code: 'A', title: 'Product A' }, available: 15 },
      { sku: { code: 'B', title: 'Product B' }, available: 3 },
    ]);
  });

  it('reserves and releases through the inventory subgraph process', async () => {
    const { reserve } = await gqlOk(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "so-1", lines: [{ sku: "A", quantity: 2 }] }) { id status } }');
    expect(reserve.status).toBe('ACTIVE');
    expect((await gqlOk(system.url, AVAILABILITY, { c: 'web', s: ['A'] })).availability[0].available).toBe(13);
    await gqlOk(system.url, 'mutation($id: ID!) { releaseReservation(id: $id) { status } }', { id: reserve.id });
    expect((await gqlOk(system.url, AVAILABILITY, { c: 'web', s: ['A'] })).availability[0].available).toBe(15);
  });

  it('keeps the error code a subgraph raised', async () => {
    const result = await gql(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "so-2", lines: [{ sku: "A", quantity: 1000 }] }) { id } }');
    expect(codeOf(result)).toBe('INSUFFICIENT_STOCK');
  });

  it('streams availability changes from the inventory process over graphql-ws, enriched by the catalog', async () => {
    const client = wsClient(system.url);
    const sub = collect(client, 'subscription { availabilityChanged(channel: "web", skus: ["B"]) { sku { title } available } }', {}, 1);
    await sub.ready;
    await gqlOk(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "so-3", lines: [{ sku: "B", quantity: 1 }] }) { id } }');
    const [event] = await sub.done;
    expect(event.availabilityChanged).toEqual({ sku: { title: 'Product B' }, available: 2 });
    await client.dispose();
  });

  it('a subgraph called directly without the gateway identity refuses the request', async () => {
    const response = await fetch(system.subgraphs.inventory.url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ alerts { id } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('a subgraph accepts a request the gateway signed', async () => {
    const identity = { keyId: 'k', name: 'ops', scopes: ['alerts:read'], channels: null };
    const response = await fetch(system.subgraphs.inventory.url, {
      method: 'POST', headers: { 'content-type': 'application/json', ...identityHeaders(identity, INTERNAL_SECRET) }, body: JSON.stringify({ query: '{ alerts { id } }' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toEqual({ alerts: [] });
  });

  it('routes and commits an order over the bus, each step in its own subgraph process', async () => {
    const importOrder = 'mutation($i: ImportOrderInput!) { importOrder(input: $i) { id status } }';
    const input = { channel: 'web', externalId: 'so-order-1', lines: [{ sku: 'A', quantity: 2 }], shipTo: { country: 'US' } };
    // Orders learns of channels and SKUs from events too: until it has, the order is refused as unknown.
    let imported = await gql(system.url, importOrder, { i: input });
    for (let i = 0; i < 150 && codeOf(imported) === 'BAD_USER_INPUT'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      imported = await gql(system.url, importOrder, { i: input });
    }
    expect(imported.errors).toBeUndefined();
    const query = '{ order(channel: "web", externalId: "so-order-1") { status routing { assignments { location { code } lines { quantity } } } } }';
    let order = (await gqlOk(system.url, query)).order;
    // Orders and routing each hear inventory's commitment in their own time.
    for (let i = 0; i < 200 && (order.status === 'ACCEPTED' || !order.routing); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      order = (await gqlOk(system.url, query)).order;
    }
    expect(order).toEqual({ status: 'ROUTED', routing: { assignments: [{ location: { code: 'east' }, lines: [{ quantity: 2 }] }] } });
    const { sku } = await gqlOk(system.url, '{ sku(code: "A") { stock { location { code } committed } } }');
    expect(sku.stock).toContainEqual({ location: { code: 'east' }, committed: 2 });
  });

  it('reports every subgraph ready', async () => {
    const response = await fetch(system.url.replace('/graphql', '/ready'));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { checks: Record<string, string> }).checks).toEqual({ gateway: 'ok', catalog: 'ok', inventory: 'ok', orders: 'ok', routing: 'ok', sync: 'ok' });
  });
});
