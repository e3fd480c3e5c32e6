import { codeOf, collect, gql, gqlOk, wsClient } from '../support/client';
import { seedShop } from '../support/shop';
import { everyRow, settledRows } from '../support/state';
import { startTestSystem, type TestSystem } from '../support/system';

const EVERY_READ = ['availability:read', 'reservations:write', 'orders:read', 'orders:write', 'routing:read', 'alerts:read', 'catalog:write', 'inventory:write'];
const IMPORT = 'mutation($i: ImportOrderInput!) { importOrder(input: $i) { id } }';

let system: TestSystem;
let webOnly: string;
let amazonReservation: string;
let amazonCursor: string;
let amazonOrder: string;
let webOrder: string;
beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url);
  await gqlOk(system.url, 'mutation { upsertListing(input: { channel: "amazon", externalId: "AMZ-A", sku: "A" }) { externalId } }');
  await gqlOk(system.url, 'mutation { upsertListing(input: { channel: "web", externalId: "WEB-A", sku: "A" }) { externalId } }');
  amazonReservation = (await gqlOk(system.url, 'mutation { reserve(input: { channel: "amazon", idempotencyKey: "amz-1", lines: [{ sku: "A", quantity: 1 }], ttlSeconds: 3600 }) { id } }')).reserve.id;
  const created = await gqlOk(system.url, 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }', { i: { name: 'web partner', scopes: EVERY_READ, channels: ['web'] } });
  webOnly = created.createApiKey.secret;
  amazonOrder = (await gqlOk(system.url, IMPORT, { i: { channel: 'amazon', externalId: 'AMZ-ORDER', lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 500 }], shipTo: { country: 'US' } } })).importOrder.id;
  webOrder = (await gqlOk(system.url, IMPORT, { i: { channel: 'web', externalId: 'WEB-ORDER', lines: [{ sku: 'A', quantity: 1 }], shipTo: { country: 'US' } } })).importOrder.id;
  // Orders are routed, and an oversold one raises its alert, a moment after they are taken.
  for (let attempt = 0; attempt < 100; attempt++) {
    const data = await gqlOk(system.url, `{ a: routingDecision(orderId: "${amazonOrder}") { split } w: routingDecision(orderId: "${webOrder}") { split } alerts(kind: OVERSOLD) { id } }`);
    if (data.a && data.w && data.alerts.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The amazon hold is logged as a change of amazon's availability; find its cursor.
  for (let cursor = 1; !amazonCursor && cursor < 200; cursor++) {
    const change = (await gqlOk(system.url, '{ availabilityChange(cursor: "' + cursor + '") { channel { code } } }')).availabilityChange;
    if (change?.channel.code === 'amazon') amazonCursor = String(cursor);
  }
});
afterAll(() => system.close());

const asPartner = (query: string, variables: Record<string, unknown> = {}) => gql(system.url, query, variables, webOnly);

describe('a key bound to one channel is refused everywhere outside it', () => {
  it('reads availability of its own channel', async () => {
    const result = await asPartner('{ availability(channel: "web", skus: ["A"]) { available } }');
    expect(result.errors).toBeUndefined();
    expect(result.data.availability[0].available).toBeGreaterThan(0);
  });

  it.each([
    ['availability', '{ availability(channel: "amazon", skus: ["A"]) { available } }'],
    ['a SKU\'s availability', '{ sku(code: "A") { availability(channel: "amazon") { available } } }'],
  ])('gets FORBIDDEN for another channel\'s %s', async (_what, query) => {
    expect(codeOf(await asPartner(query))).toBe('FORBIDDEN');
  });

  it.each([
    ['reserve', 'mutation { reserve(input: { channel: "amazon", idempotencyKey: "p-1", lines: [{ sku: "A", quantity: 1 }] }) { id } }', 'FORBIDDEN'],
    ['upsertChannel', 'mutation { upsertChannel(input: { code: "amazon", name: "Mine now", locations: ["east"] }) { code } }', 'FORBIDDEN'],
    ['upsertListing', 'mutation { upsertListing(input: { channel: "amazon", externalId: "AMZ-B", sku: "B" }) { externalId } }', 'FORBIDDEN'],
    ['setChannelAllocation', 'mutation { setChannelAllocation(input: { channel: "amazon", sku: "A", units: 1 }) { code } }', 'FORBIDDEN'],
  ])('cannot %s on another channel, and nothing changes', async (_what, mutation, code) => {
    const before = await settledRows(system);
    expect(codeOf(await asPartner(mutation))).toBe(code);
    expect(await everyRow(system)).toEqual(before);
  });

  it('cannot release another channel\'s reservation, which stays held', async () => {
    expect(codeOf(await asPartner('mutation($id: ID!) { releaseReservation(id: $id) { id } }', { id: amazonReservation }))).toBe('NOT_FOUND');
    expect((await gqlOk(system.url, '{ reservation(id: "' + amazonReservation + '") { status } }')).reservation.status).toBe('ACTIVE');
  });

  it('sees no reservation, listing or change of another channel', async () => {
    expect(amazonCursor).toBeTruthy();
    const data = (await asPartner(`{
      reservation(id: "${amazonReservation}") { id }
      listing(channel: "amazon", externalId: "AMZ-A") { externalId }
      change: availabilityChange(cursor: "${amazonCursor}") { available }
      sku(code: "A") { listings { channel { code } externalId } }
    }`)).data;
    expect(data).toEqual({ reservation: null, listing: null, change: null, sku: { listings: [{ channel: { code: 'web' }, externalId: 'WEB-A' }] } });
  });

  it('sees only alerts about its own channels', async () => {
    const alerts = (await asPartner('{ alerts(open: null) { channel { code } } }')).data.alerts as { channel: { code: string } | null }[];
    expect(alerts.every((alert) => alert.channel?.code === 'web')).toBe(true);
  });

  it('cannot subscribe to another channel\'s availability', async () => {
    const client = wsClient(system.url, webOnly);
    const sub = collect(client, 'subscription { availabilityChanged(channel: "amazon") { available } }', {}, 1, 3000);
    await expect(sub.done).rejects.toThrow(/FORBIDDEN|may not use channel/);
    await client.dispose();
  });

  it('reads its own channel\'s order, its routing decision and the order through the decision', async () => {
    const data = (await asPartner(`{ order(channel: "web", externalId: "WEB-ORDER") { id routing { order { externalId } } } routingDecision(orderId: "${webOrder}") { order { externalId status } } }`)).data;
    expect(data.order).toEqual({ id: webOrder, routing: { order: { externalId: 'WEB-ORDER' } } });
    expect(data.routingDecision.order.externalId).toBe('WEB-ORDER');
  });

  it('sees no order, routing decision or oversell alert of another channel, by any path', async () => {
    const data = (await asPartner(`{
      order(channel: "amazon", externalId: "AMZ-ORDER") { id }
      orderById(id: "${amazonOrder}") { id }
      routingDecision(orderId: "${amazonOrder}") { order { id } }
      alerts(kind: OVERSOLD) { channel { code } }
      ordersAtRisk { order { id } }
    }`)).data;
    expect(data).toMatchObject({ order: null, orderById: null, routingDecision: null, alerts: [] });
    expect((await gqlOk(system.url, '{ alerts(kind: OVERSOLD) { channel { code } } }')).alerts).toContainEqual({ channel: { code: 'amazon' } });
    expect(JSON.stringify(data.ordersAtRisk)).not.toContain(amazonOrder);
  });

  it('cannot ask the gateway for another channel\'s order as a federation entity', async () => {
    const result = await asPartner(`{ _entities(representations: [{ __typename: "Order", id: "${amazonOrder}" }]) { ... on Order { externalId } } }`);
    expect(JSON.stringify(result.data ?? {})).not.toContain('AMZ-ORDER');
  });

  it.each([
    ['cancel', 'mutation { cancelOrder(channel: "amazon", externalId: "AMZ-ORDER") { status } }'],
    ['ship', `mutation { recordShipment(input: { orderId: "AMZ", location: "west", lines: [{ sku: "A", quantity: 1 }] }) { status } }`],
    ['import', 'mutation { importOrder(input: { channel: "amazon", externalId: "P-1", lines: [{ sku: "A", quantity: 1 }], shipTo: { country: "US" } }) { id } }'],
  ])('cannot %s an order of another channel, and nothing changes', async (_what, mutation) => {
    const before = await settledRows(system);
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(await asPartner(mutation.replace('"AMZ"', `"${amazonOrder}"`))));
    expect(await everyRow(system)).toEqual(before);
  });

  it('cannot subscribe to another channel\'s routing decisions', async () => {
    const client = wsClient(system.url, webOnly);
    const sub = collect(client, 'subscription { routingDecided(channel: "amazon") { order { id } } }', {}, 1, 3000);
    await expect(sub.done).rejects.toThrow(/FORBIDDEN|may not use channel/);
    await client.dispose();
  });
});

describe('scopes hold on entities reached through references', () => {
  it('a key that may read routing but not orders gets no order fields through a routing decision', async () => {
    const { secret } = (await gqlOk(system.url, 'mutation { createApiKey(input: { name: "router", scopes: ["routing:read"] }) { secret } }')).createApiKey;
    const result = await gql(system.url, `{ routingDecision(orderId: "${webOrder}") { split order { id externalId } } }`, {}, secret);
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(JSON.stringify(result.data ?? {})).not.toContain('WEB-ORDER');
  });
});
