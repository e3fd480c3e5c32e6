import { codeOf, collect, gql, gqlOk, wsClient } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';
import { CANCEL, importOrder, placements, RETURN, SHIP, stockOf } from './order-api';

let system: TestSystem;
const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied rejected { message } } }';
const ALERTS = '{ alerts(kind: OVERSOLD) { sku { code } channel { code } message resolvedAt } }';
let receipts = 0;
const receive = (sku: string, location: string, quantity: number) => gqlOk(system.url, RECORD, {
  e: [{ idempotencyKey: `lifecycle-${++receipts}`, source: 'wms', type: 'RECEIPT', sku, location, quantity, occurredAt: new Date().toISOString() }],
});

beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url, {
    channels: [{ code: 'web', locations: ['east', 'west'] }, { code: 'amazon', locations: ['west'] }],
    stock: { A: { east: 10 }, B: { west: 2 }, C: { east: 5 }, D: { east: 6 }, E: { east: 4 }, F: { west: 0 } },
  });
});
afterAll(() => system.close());

describe('an oversold order', () => {
  it('is accepted, backordered and alerted, committing the units there are', async () => {
    const order = await importOrder(system.url, { channel: 'amazon', externalId: 'amz-oversold', lines: [{ sku: 'B', quantity: 5 }] });
    expect(order.status).toBe('BACKORDERED');
    expect(placements(order)).toEqual({ west: { B: 2 } });
    expect(order.routing.backordered).toEqual([{ sku: { code: 'B' }, quantity: 3 }]);
    const alerts = (await gqlOk(system.url, ALERTS)).alerts.filter((alert: { sku: { code: string } }) => alert.sku.code === 'B');
    expect(alerts).toEqual([expect.objectContaining({ channel: { code: 'amazon' }, resolvedAt: null })]);
    expect(alerts[0].message).toContain('amz-oversold');
    expect(alerts[0].message).toContain('amazon');
  });

  it('is routed once stock arrives, oldest order first, and its alert resolved', async () => {
    const younger = await importOrder(system.url, { channel: 'amazon', externalId: 'amz-younger', lines: [{ sku: 'B', quantity: 2 }] });
    expect(younger.status).toBe('BACKORDERED');
    await receive('B', 'west', 3);
    const [oldest, next] = await Promise.all(['amz-oversold', 'amz-younger'].map(async (e) =>
      (await gqlOk(system.url, 'query($e: ID!) { order(channel: "amazon", externalId: $e) { status routing { backordered { quantity } reasons } } }', { e })).order));
    expect(oldest.status).toBe('ROUTED');
    expect(oldest.routing.backordered).toEqual([]);
    expect(oldest.routing.reasons).toContain('B arrived at west: the backordered units are routed again');
    expect(next.status).toBe('BACKORDERED');
    expect((await stockOf(system.url, 'B')).west).toMatchObject({ onHand: 5, committed: 5, available: 0 });
    const alerts = (await gqlOk(system.url, '{ alerts(kind: OVERSOLD, open: false) { message } }')).alerts;
    expect(alerts.some((alert: { message: string }) => alert.message.includes('amz-oversold'))).toBe(true);
  });
});

describe('alertRaised', () => {
  it('streams an OVERSOLD alert as the order is backordered, with the SKU\'s title from the catalog', async () => {
    const client = wsClient(system.url);
    const sub = collect(client, 'subscription { alertRaised(kinds: [OVERSOLD]) { kind sku { code title } channel { code } message } }', {}, 1);
    await sub.ready;
    await importOrder(system.url, { channel: 'amazon', externalId: 'amz-streamed', lines: [{ sku: 'F', quantity: 1 }] });
    const [event] = await sub.done;
    expect(event.alertRaised).toMatchObject({ kind: 'OVERSOLD', sku: { code: 'F', title: 'Product F' }, channel: { code: 'amazon' } });
    expect(event.alertRaised.message).toContain('amz-streamed');
    await client.dispose();
  });
});

describe('cancellation', () => {
  it('releases the units a routed order holds', async () => {
    await importOrder(system.url, { externalId: 'web-cancel', lines: [{ sku: 'C', quantity: 3 }] });
    expect((await stockOf(system.url, 'C')).east).toMatchObject({ committed: 3, available: 2 });
    const { cancelOrder } = await gqlOk(system.url, CANCEL, { c: 'web', e: 'web-cancel' });
    expect(cancelOrder.status).toBe('CANCELED');
    expect((await stockOf(system.url, 'C')).east).toMatchObject({ committed: 0, available: 5 });
  });

  it('canceling again changes nothing', async () => {
    const { cancelOrder } = await gqlOk(system.url, CANCEL, { c: 'web', e: 'web-cancel' });
    expect(cancelOrder.status).toBe('CANCELED');
    expect((await stockOf(system.url, 'C')).east).toMatchObject({ committed: 0, available: 5 });
  });

  it('shipping a canceled order is BAD_USER_INPUT and changes nothing', async () => {
    const order = (await gqlOk(system.url, 'query { order(channel: "web", externalId: "web-cancel") { id } }')).order;
    const result = await gql(system.url, SHIP, { i: { orderId: order.id, location: 'east', lines: [{ sku: 'C', quantity: 1 }] } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect((await stockOf(system.url, 'C')).east).toMatchObject({ onHand: 5, committed: 0 });
  });
});

describe('shipments', () => {
  let orderId: string;
  beforeAll(async () => {
    orderId = (await importOrder(system.url, { externalId: 'web-ship', lines: [{ sku: 'D', quantity: 4 }] })).id;
  });

  it('a partial shipment lowers onHand and committed and leaves the rest committed', async () => {
    const { recordShipment } = await gqlOk(system.url, SHIP, { i: { orderId, location: 'east', lines: [{ sku: 'D', quantity: 1 }], trackingNumber: '1Z1' } });
    expect(recordShipment.status).toBe('PARTIALLY_SHIPPED');
    expect(recordShipment.progress).toEqual([{ sku: { code: 'D' }, quantity: 4, shipped: 1, returned: 0 }]);
    expect((await stockOf(system.url, 'D')).east).toMatchObject({ onHand: 5, committed: 3, available: 2 });
  });

  it('shipping more than ordered is BAD_USER_INPUT and changes nothing', async () => {
    const result = await gql(system.url, SHIP, { i: { orderId, location: 'east', lines: [{ sku: 'D', quantity: 4 }] } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect((await stockOf(system.url, 'D')).east).toMatchObject({ onHand: 5, committed: 3 });
  });

  it('a location ships only what is committed there for the order', async () => {
    const result = await gql(system.url, SHIP, { i: { orderId, location: 'west', lines: [{ sku: 'D', quantity: 1 }] } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain('west holds 0');
  });

  it('shipping the rest ships the order, once however often it is retried', async () => {
    const input = { orderId, location: 'east', lines: [{ sku: 'D', quantity: 3 }], idempotencyKey: 'wms-ship-2' };
    expect((await gqlOk(system.url, SHIP, { i: input })).recordShipment.status).toBe('SHIPPED');
    expect((await gqlOk(system.url, SHIP, { i: input })).recordShipment.status).toBe('SHIPPED');
    expect((await stockOf(system.url, 'D')).east).toMatchObject({ onHand: 2, committed: 0, available: 2 });
    const shipments = (await gqlOk(system.url, 'query($id: ID!) { orderById(id: $id) { shipments { location { code } lines { quantity } trackingNumber } } }', { id: orderId })).orderById.shipments;
    expect(shipments).toEqual([
      { location: { code: 'east' }, lines: [{ quantity: 1 }], trackingNumber: '1Z1' },
      { location: { code: 'east' }, lines: [{ quantity: 3 }], trackingNumber: null },
    ]);
  });

  it('a shipped order cannot be canceled', async () => {
    expect(codeOf(await gql(system.url, CANCEL, { c: 'web', e: 'web-ship' }))).toBe('BAD_USER_INPUT');
  });

  it('a resellable return lands in available, an unsellable one in damaged', async () => {
    const before = (await stockOf(system.url, 'D')).east;
    const { recordReturn } = await gqlOk(system.url, RETURN, { i: { orderId, location: 'east', lines: [{ sku: 'D', quantity: 2, resellable: true }, { sku: 'D', quantity: 1, resellable: false }] } });
    expect(recordReturn.progress[0]).toMatchObject({ shipped: 4, returned: 3 });
    expect((await stockOf(system.url, 'D')).east).toMatchObject({ onHand: before.onHand + 3, available: before.available + 2, damaged: before.damaged + 1 });
  });

  it('returning more than shipped is BAD_USER_INPUT and changes nothing', async () => {
    const before = (await stockOf(system.url, 'D')).east;
    const result = await gql(system.url, RETURN, { i: { orderId, location: 'east', lines: [{ sku: 'D', quantity: 2, resellable: true }] } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect((await stockOf(system.url, 'D')).east).toEqual(before);
  });
});

describe('a reservation confirmed by an order', () => {
  it('turns the held units into the order\'s commitment', async () => {
    const { reserve } = await gqlOk(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "checkout-9", lines: [{ sku: "E", quantity: 3 }] }) { id } }');
    expect((await stockOf(system.url, 'E')).east).toMatchObject({ reserved: 3, committed: 0, available: 1 });
    const order = await importOrder(system.url, { externalId: 'web-reserved', reservationId: reserve.id, lines: [{ sku: 'E', quantity: 3 }] });
    expect(order.status).toBe('ROUTED');
    expect(placements(order)).toEqual({ east: { E: 3 } });
    expect(order.routing.reasons[0]).toBe(`Confirms reservation ${reserve.id}: 3 × E already held at east`);
    expect((await stockOf(system.url, 'E')).east).toMatchObject({ reserved: 0, committed: 3, available: 1 });
    expect((await gqlOk(system.url, 'query($id: ID!) { reservation(id: $id) { status } }', { id: reserve.id })).reservation.status).toBe('CONFIRMED');
  });

  it('an order naming a reservation that cannot be confirmed takes stock anew', async () => {
    const order = await importOrder(system.url, { externalId: 'web-no-hold', reservationId: 'no-such-hold', lines: [{ sku: 'E', quantity: 1 }] });
    expect(order.status).toBe('ROUTED');
    expect(order.routing.reasons[0]).toContain('could not be confirmed (unknown)');
    expect((await stockOf(system.url, 'E')).east).toMatchObject({ committed: 4, available: 0 });
  });
});

describe('channel-bound keys', () => {
  let webKey: string;
  beforeAll(async () => {
    const data = await gqlOk(system.url, 'mutation { createApiKey(input: { name: "web connector", scopes: ["orders:read", "orders:write", "routing:read"], channels: ["web"] }) { secret } }');
    webKey = data.createApiKey.secret;
  });

  it('import orders of their own channels only', async () => {
    expect((await importOrder(system.url, { externalId: 'web-bound', lines: [{ sku: 'A', quantity: 1 }] }, webKey)).status).toBe('ROUTED');
    const other = await gql(system.url, 'mutation { importOrder(input: { channel: "amazon", externalId: "amz-bound", lines: [{ sku: "A", quantity: 1 }], shipTo: { country: "US" } }) { id } }', {}, webKey);
    expect(codeOf(other)).toBe('FORBIDDEN');
  });

  it('see neither the orders nor the routing of other channels', async () => {
    const data = await gqlOk(system.url, '{ order(channel: "amazon", externalId: "amz-oversold") { id } }', {}, webKey);
    expect(data.order).toBeNull();
    const { order } = await gqlOk(system.url, '{ order(channel: "amazon", externalId: "amz-oversold") { id } }');
    expect((await gqlOk(system.url, 'query($id: ID!) { routingDecision(orderId: $id) { id } }', { id: order.id }, webKey)).routingDecision).toBeNull();
  });

  it('cannot ship another channel\'s order', async () => {
    const { order } = await gqlOk(system.url, '{ order(channel: "amazon", externalId: "amz-oversold") { id } }');
    expect(codeOf(await gql(system.url, SHIP, { i: { orderId: order.id, location: 'west', lines: [{ sku: 'B', quantity: 1 }] } }, webKey))).toBe('NOT_FOUND');
  });

  it('a key without orders:write cannot import', async () => {
    const data = await gqlOk(system.url, 'mutation { createApiKey(input: { name: "reader", scopes: ["orders:read"] }) { secret } }');
    expect(codeOf(await gql(system.url, 'mutation { importOrder(input: { channel: "web", externalId: "nope", lines: [{ sku: "A", quantity: 1 }], shipTo: { country: "US" } }) { id } }', {}, data.createApiKey.secret))).toBe('FORBIDDEN');
  });
});
