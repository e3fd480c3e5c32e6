import { codeOf, collect, gql, gqlOk, wsClient } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';
import { importOrder, placements, RULES, stockOf } from './order-api';

let system: TestSystem;
const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }';

beforeAll(async () => {
  system = await startTestSystem();
  await gqlOk(system.url, 'mutation { upsertLocation(input: { code: "north", name: "North", kind: STORE, country: "US" }) { code } }');
  await seedShop(system.url, {
    channels: [{ code: 'web', locations: ['east', 'west'] }, { code: 'amazon', locations: ['west'] }],
    stock: { A: { east: 2, west: 10 }, B: { east: 5, west: 3 }, X: { east: 20 }, P: { east: 1, west: 1 }, Q: { east: 4, west: 4 }, L: { east: 1 } },
  });
  await gqlOk(system.url, RECORD, { e: [{ idempotencyKey: 'north-x', source: 'seed', type: 'RECEIPT', sku: 'X', location: 'north', quantity: 50, occurredAt: new Date().toISOString() }] });
});
afterAll(() => system.close());

describe('routing', () => {
  it('never sends an order to a location outside its channel\'s list', async () => {
    const order = await importOrder(system.url, { channel: 'amazon', externalId: 'amz-x', lines: [{ sku: 'X', quantity: 1 }] });
    expect(order.status).toBe('BACKORDERED');
    expect(placements(order)).toEqual({});
    expect(order.routing.reasons[0]).toBe("Only channel amazon's locations were considered: west");
    expect((await stockOf(system.url, 'X')).east.committed).toBe(0);
    expect((await stockOf(system.url, 'X')).north.committed).toBe(0);
  });

  it('does not split an order one location covers, even when stock is spread over two', async () => {
    const order = await importOrder(system.url, { externalId: 'web-whole', lines: [{ sku: 'A', quantity: 4 }, { sku: 'B', quantity: 2 }] });
    expect(order.routing.split).toBe(false);
    expect(placements(order)).toEqual({ west: { A: 4, B: 2 } });
    expect(order.routing.reasons).toContain('east passed over: cannot ship the whole order alone (A: has 2, needs 4)');
  });

  it('splits only when no single location can cover the order', async () => {
    const order = await importOrder(system.url, { externalId: 'web-split', lines: [{ sku: 'P', quantity: 2 }] });
    expect(order.routing.split).toBe(true);
    expect(placements(order)).toEqual({ east: { P: 1 }, west: { P: 1 } });
    expect(order.routing.reasons).toContain('No single location can ship the whole order, so it is split');
  });

  it('sends an express order to the location that can still meet its cut-off', async () => {
    await gqlOk(system.url, RULES, { i: { channel: 'web', strategies: ['KEEP_PROMISE', 'FEWEST_SHIPMENTS', 'RANKED'], locations: [
      { location: 'east', cutoffHourUtc: 0 },
      { location: 'west', cutoffHourUtc: 24 },
    ] } });
    const standard = await importOrder(system.url, { externalId: 'web-standard', lines: [{ sku: 'Q', quantity: 1 }] });
    expect(placements(standard)).toEqual({ east: { Q: 1 } });
    const express = await importOrder(system.url, { externalId: 'web-express', express: true, placedAt: new Date().toISOString(), lines: [{ sku: 'Q', quantity: 1 }] });
    expect(placements(express)).toEqual({ west: { Q: 1 } });
    expect(express.routing.atRisk).toBe(false);
    expect(express.routing.reasons.some((reason: string) => reason.startsWith('east passed over (keep the promise)') && reason.includes('cut-off has passed'))).toBe(true);
  });

  it('refuses routing rules for a location the channel does not sell from', async () => {
    const result = await gql(system.url, RULES, { i: { channel: 'amazon', strategies: ['RANKED'], locations: [{ location: 'east', cutoffHourUtc: 12 }] } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain("east is not one of channel amazon's locations");
  });

  it('shows a channel\'s rules with defaults for the locations it did not set', async () => {
    const { routingRules } = await gqlOk(system.url, '{ routingRules(channel: "amazon") { strategies locations { location { code } handlingDays cutoffHourUtc } } }');
    expect(routingRules).toEqual({ strategies: ['KEEP_PROMISE', 'FEWEST_SHIPMENTS', 'FASTEST', 'RANKED'], locations: [{ location: { code: 'west' }, handlingDays: 0, cutoffHourUtc: null }] });
  });

  it('lists an order whose promise no location can keep among the orders at risk, with its earliest honest date', async () => {
    await gqlOk(system.url, RECORD, { e: [{ idempotencyKey: 'l-in', source: 'erp', type: 'INCOMING', sku: 'L', location: 'east', quantity: 10, occurredAt: new Date().toISOString(), expectedAt: '2099-01-10T08:00:00Z' }] });
    const shipBy = new Date(Date.now() + 86_400_000).toISOString();
    const order = await importOrder(system.url, { externalId: 'web-late', shipBy, lines: [{ sku: 'L', quantity: 3 }] });
    expect(order.status).toBe('BACKORDERED');
    expect(order.routing.atRisk).toBe(true);
    // The units arrive at east on the 10th, after its cut-off (00:00 UTC, set above): they ship the next day.
    expect(order.routing.promisedShipDate.slice(0, 10)).toBe('2099-01-11');
    const query = 'query($c: ID, $l: ID) { ordersAtRisk(channel: $c, location: $l) { order { externalId status } locations { code } promisedShipDate reason } }';
    const risks = (await gqlOk(system.url, query, { c: 'web', l: 'east' })).ordersAtRisk;
    expect(risks).toContainEqual(expect.objectContaining({ order: { externalId: 'web-late', status: 'BACKORDERED' }, locations: [{ code: 'east' }] }));
    // Other orders of the test ship today and would only be listed once today is over.
    const externalIds = async (variables: Record<string, string>) => (await gqlOk(system.url, query, variables)).ordersAtRisk.map((risk: { order: { externalId: string } }) => risk.order.externalId);
    expect(await externalIds({ c: 'web', l: 'west' })).not.toContain('web-late');
    expect(await externalIds({ c: 'amazon' })).not.toContain('web-late');
  });
});

describe('routingDecided', () => {
  it('streams every decision, with fields of the orders subgraph resolved through the gateway', async () => {
    const client = wsClient(system.url);
    const sub = collect(client, 'subscription { routingDecided(channel: "web") { order { externalId status } assignments { location { code } lines { sku { code } quantity } } reasons } }', {}, 1);
    await sub.ready;
    await importOrder(system.url, { channel: 'amazon', externalId: 'amz-other', lines: [{ sku: 'A', quantity: 1 }] });
    await importOrder(system.url, { externalId: 'web-streamed', lines: [{ sku: 'B', quantity: 1 }] });
    const [event] = await sub.done;
    expect(event.routingDecided.order).toEqual({ externalId: 'web-streamed', status: 'ROUTED' });
    expect(event.routingDecided.assignments).toEqual([{ location: { code: 'east' }, lines: [{ sku: { code: 'B' }, quantity: 1 }] }]);
    await client.dispose();
  });

  it('refuses a key bound to other channels', async () => {
    const { createApiKey } = await gqlOk(system.url, 'mutation { createApiKey(input: { name: "amz", scopes: ["routing:read"], channels: ["amazon"] }) { secret } }');
    const client = wsClient(system.url, createApiKey.secret);
    const sub = collect(client, 'subscription { routingDecided(channel: "web") { id } }', {}, 1, 3000);
    await expect(sub.done).rejects.toThrow(/FORBIDDEN|may not use channel/);
    await client.dispose();
  });
});
