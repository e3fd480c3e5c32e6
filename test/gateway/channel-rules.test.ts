import { storedViolations } from '../inventory/stock-invariants';
import { CANCEL, importOrder, SHIP } from '../orders/order-api';
import { codeOf, gql, gqlOk } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';

const AVAILABLE = 'query($c: ID!, $s: [ID!]!) { availability(channel: $c, skus: $s) { sku { code } available } }';
const CHANNEL = 'mutation($i: UpsertChannelInput!) { upsertChannel(input: $i) { code bufferUnits paused maxUnits sharePercent locations { code } } }';
const RESERVE = 'mutation($i: ReserveInput!) { reserve(input: $i) { id status } }';
const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied duplicates rejected { idempotencyKey code message } } }';

let system: TestSystem;
let keys = 0;
const key = () => `k-${++keys}`;
const event = (fields: Record<string, unknown>) => ({ idempotencyKey: key(), source: 'wms', occurredAt: new Date().toISOString(), ...fields });
const available = async (channel: string, sku: string) => (await gqlOk(system.url, AVAILABLE, { c: channel, s: [sku] })).availability[0].available as number;
const channel = (input: Record<string, unknown>) => gqlOk(system.url, CHANNEL, { i: { name: String(input.code), locations: ['east', 'west'], ...input } });

beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url, {
    stock: { A: { east: 10, west: 5 }, B: { east: 3 }, C: { east: 40 }, D: { east: 0 }, M: { east: 4 }, S: { east: 10 }, R: { east: 10 } },
    bundles: { KIT: [{ sku: 'M', quantity: 2 }, { sku: 'S', quantity: 1 }] },
  });
});
afterAll(() => system.close());

describe('channel rules', () => {
  it('sells the stock of its own locations only, less its buffer', async () => {
    await channel({ code: 'east-only', locations: ['east'], bufferUnits: 2 });
    expect(await available('east-only', 'A')).toBe(8);
  });

  it('a paused channel shows nothing available and takes no reservation', async () => {
    await channel({ code: 'paused', paused: true });
    expect(await available('paused', 'A')).toBe(0);
    expect(codeOf(await gql(system.url, RESERVE, { i: { channel: 'paused', idempotencyKey: key(), lines: [{ sku: 'A', quantity: 1 }] } }))).toBe('INSUFFICIENT_STOCK');
  });

  it('a buffer larger than the stock shows zero, never a negative number', async () => {
    await channel({ code: 'big-buffer', bufferUnits: 100 });
    expect(await available('big-buffer', 'A')).toBe(0);
  });

  it('a promotion cap shows at most that many units', async () => {
    await channel({ code: 'capped', maxUnits: 5 });
    expect(await available('capped', 'C')).toBe(5);
    expect(codeOf(await gql(system.url, RESERVE, { i: { channel: 'capped', idempotencyKey: key(), lines: [{ sku: 'C', quantity: 6 }] } }))).toBe('INSUFFICIENT_STOCK');
  });

  it('a promotion share shows at most that percentage of the pooled units', async () => {
    await channel({ code: 'quarter', sharePercent: 25 });
    expect(await available('quarter', 'C')).toBe(10);
  });

  it('a dedicated allocation is sold by its channel alone', async () => {
    await channel({ code: 'vip' });
    await channel({ code: 'other' });
    await gqlOk(system.url, 'mutation { setChannelAllocation(input: { channel: "vip", sku: "B", units: 2 }) { code } }');
    expect(await available('vip', 'B')).toBe(3);
    expect(await available('other', 'B')).toBe(1);
    expect(codeOf(await gql(system.url, RESERVE, { i: { channel: 'other', idempotencyKey: key(), lines: [{ sku: 'B', quantity: 2 }] } }))).toBe('INSUFFICIENT_STOCK');
    await gqlOk(system.url, RESERVE, { i: { channel: 'vip', idempotencyKey: key(), lines: [{ sku: 'B', quantity: 2 }] } });
    expect(await available('other', 'B')).toBe(1);
    expect(await available('vip', 'B')).toBe(1);
  });

  it('a dedicated allocation follows what its channel holds through holds, orders, shipments and cancellations', async () => {
    await channel({ code: 'fenced', locations: ['east'] });
    await channel({ code: 'rest', locations: ['east'] });
    await gqlOk(system.url, 'mutation { setChannelAllocation(input: { channel: "fenced", sku: "R", units: 4 }) { code } }');
    const hold = (units: number, ttlSeconds = 600) =>
      gqlOk(system.url, RESERVE, { i: { channel: 'fenced', idempotencyKey: key(), ttlSeconds, lines: [{ sku: 'R', quantity: units }] } }).then((data) => data.reserve.id as string);
    // [what the other channel sees, what the fenced channel sees]: 10 units at east, 4 set aside for `fenced`.
    const seen = async () => [await available('rest', 'R'), await available('fenced', 'R')];
    expect(await seen()).toEqual([6, 10]);
    // Holds that end leave nothing behind: many of them, so a fence that kept counting them would show it.
    for (let i = 0; i < 20; i++) await gqlOk(system.url, 'mutation($id: ID!) { releaseReservation(id: $id) { status } }', { id: await hold(1) });
    expect(await seen()).toEqual([6, 10]);
    // The fenced channel's holds use its allocation first.
    await hold(3);
    expect(await seen()).toEqual([6, 7]);
    // A lapsed hold stops counting at once, before the sweeper.
    await hold(1, 1);
    expect(await seen()).toEqual([6, 6]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await seen()).toEqual([6, 7]);
    // An order confirming a hold keeps its units the channel's; shipping them gives the allocation back.
    const confirming = await hold(2);
    expect(await seen()).toEqual([5, 5]);
    const order = await importOrder(system.url, { channel: 'fenced', externalId: 'fenced-1', reservationId: confirming, lines: [{ sku: 'R', quantity: 2 }] });
    expect(await seen()).toEqual([5, 5]);
    await gqlOk(system.url, SHIP, { i: { orderId: order.id, location: 'east', lines: [{ sku: 'R', quantity: 2 }] } });
    expect(await seen()).toEqual([4, 5]);
    // An order's commitment uses the allocation too, until the order is canceled.
    await importOrder(system.url, { channel: 'fenced', externalId: 'fenced-2', lines: [{ sku: 'R', quantity: 1 }] });
    expect(await seen()).toEqual([4, 4]);
    await gqlOk(system.url, CANCEL, { c: 'fenced', e: 'fenced-2' });
    expect(await seen()).toEqual([4, 5]);
    expect(await storedViolations(system.subgraphs.inventory.db)).toEqual([]);
  });

  it('a rule change is visible at once', async () => {
    await channel({ code: 'flip' });
    expect(await available('flip', 'A')).toBe(15);
    await channel({ code: 'flip', paused: true });
    expect(await available('flip', 'A')).toBe(0);
  });
});

describe('reservations across locations and bundles', () => {
  it('takes units from the preferred location first and splits a line when it must', async () => {
    await channel({ code: 'west-first', locations: ['west', 'east'] });
    await gqlOk(system.url, RESERVE, { i: { channel: 'west-first', idempotencyKey: key(), lines: [{ sku: 'A', quantity: 7 }] } });
    const { sku } = await gqlOk(system.url, '{ sku(code: "A") { stock { location { code } reserved } } }');
    const reserved = Object.fromEntries(sku.stock.map((s: { location: { code: string }; reserved: number }) => [s.location.code, s.reserved]));
    expect(reserved).toEqual({ west: 5, east: 2 });
  });

  it('shows a bundle as the least of its components and holds its components together', async () => {
    await channel({ code: 'kits' });
    expect(await available('kits', 'KIT')).toBe(2);
    await gqlOk(system.url, RESERVE, { i: { channel: 'kits', idempotencyKey: key(), lines: [{ sku: 'KIT', quantity: 2 }] } });
    expect(await available('kits', 'M')).toBe(0);
    expect(await available('kits', 'S')).toBe(8);
    expect(await available('kits', 'KIT')).toBe(0);
  });

  it('an expired hold stops counting at once and reads EXPIRED', async () => {
    await channel({ code: 'short' });
    const before = await available('short', 'C');
    const { reserve } = await gqlOk(system.url, RESERVE, { i: { channel: 'short', idempotencyKey: key(), ttlSeconds: 1, lines: [{ sku: 'C', quantity: 3 }] } });
    expect(await available('short', 'C')).toBe(before - 3);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await available('short', 'C')).toBe(before);
    expect((await gqlOk(system.url, 'query($id: ID!) { reservation(id: $id) { status } }', { id: reserve.id })).reservation.status).toBe('EXPIRED');
  });
});

describe('stock events and the ledger', () => {
  beforeAll(() => channel({ code: 'east-plain', locations: ['east'] }));

  it('a partial receipt with damaged units adds only the good ones to available', async () => {
    const before = await available('east-plain', 'D');
    const result = await gqlOk(system.url, RECORD, { e: [event({ type: 'RECEIPT', sku: 'D', location: 'east', quantity: 10, damagedQuantity: 3 })] });
    expect(result.recordInventoryEvents.applied).toBe(1);
    expect(await available('east-plain', 'D')).toBe(before + 7);
  });

  it('a count older than the last one applied is rejected as STALE', async () => {
    const newer = event({ type: 'COUNT', sku: 'D', location: 'east', quantity: 12, occurredAt: '2026-06-02T00:00:00Z' });
    const older = event({ type: 'COUNT', sku: 'D', location: 'east', quantity: 50, occurredAt: '2026-06-01T00:00:00Z' });
    const result = await gqlOk(system.url, RECORD, { e: [newer, older] });
    expect(result.recordInventoryEvents.applied).toBe(1);
    expect(result.recordInventoryEvents.rejected).toEqual([expect.objectContaining({ idempotencyKey: older.idempotencyKey, code: 'STALE' })]);
  });

  it('the same key with another payload is an IDEMPOTENCY_CONFLICT, and a batch applies its good events', async () => {
    const first = event({ type: 'RECEIPT', sku: 'D', location: 'east', quantity: 1 });
    await gqlOk(system.url, RECORD, { e: [first] });
    const result = await gqlOk(system.url, RECORD, { e: [{ ...first, quantity: 2 }, event({ type: 'RECEIPT', sku: 'D', location: 'east', quantity: 1 }), event({ type: 'RECEIPT', sku: 'NOPE', location: 'east', quantity: 1 })] });
    expect(result.recordInventoryEvents.applied).toBe(1);
    expect(result.recordInventoryEvents.rejected.map((r: { code: string }) => r.code)).toEqual(['IDEMPOTENCY_CONFLICT', 'BAD_USER_INPUT']);
  });

  it('promises an honest back-order date from incoming stock', async () => {
    await gqlOk(system.url, RECORD, { e: [
      event({ type: 'INCOMING', sku: 'B', location: 'east', quantity: 20, expectedAt: '2030-03-01T00:00:00Z' }),
      event({ type: 'INCOMING', sku: 'B', location: 'east', quantity: 5, expectedAt: '2030-02-01T00:00:00Z' }),
    ] });
    const query = '{ availability(channel: "east-plain", skus: ["B"]) { available nextIncoming { quantity expectedAt } feb: availableBy(date: "2030-02-15T00:00:00Z") mar: availableBy(date: "2030-03-15T00:00:00Z") } }';
    const [a] = (await gqlOk(system.url, query)).availability;
    expect(a.nextIncoming).toEqual({ quantity: 5, expectedAt: '2030-02-01T00:00:00.000Z' });
    expect(a.feb).toBe(a.available + 5);
    expect(a.mar).toBe(a.available + 25);
    await gqlOk(system.url, RECORD, { e: [event({ type: 'RECEIPT', sku: 'B', location: 'east', quantity: 5 })] });
    const [b] = (await gqlOk(system.url, query)).availability;
    expect(b.nextIncoming).toEqual({ quantity: 20, expectedAt: '2030-03-01T00:00:00.000Z' });
  });

  it('reads the ledger of a SKU page by page, newest first', async () => {
    const first = await gqlOk(system.url, '{ sku(code: "D") { movements(location: "east", first: 2) { movements { id type change { onHand damaged } after { onHand } } nextCursor } } }');
    const page = first.sku.movements;
    expect(page.movements).toHaveLength(2);
    expect(Number(page.movements[0].id)).toBeGreaterThan(Number(page.movements[1].id));
    const second = await gqlOk(system.url, 'query($a: ID) { sku(code: "D") { movements(location: "east", first: 100, after: $a) { movements { id type } nextCursor } } }', { a: page.nextCursor });
    expect(second.sku.movements.movements.map((m: { type: string }) => m.type)).toContain('RECEIPT');
    expect(second.sku.movements.nextCursor).toBeNull();
  });
});
