import { codeOf, collect, gql, gqlOk, wsClient } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';

const AVAILABILITY = 'query($c: ID!, $s: [ID!]!) { availability(channel: $c, skus: $s) { sku { code title } channel { code name } available } }';
const RESERVE = 'mutation($i: ReserveInput!) { reserve(input: $i) { id status expiresAt channel { code } lines { sku { code title } quantity } } }';
const RELEASE = 'mutation($id: ID!) { releaseReservation(id: $id) { id status } }';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url);
});
afterAll(() => system.close());

const availableOf = async (channel: string, sku: string) =>
  (await gqlOk(system.url, AVAILABILITY, { c: channel, s: [sku] })).availability[0].available as number;

describe('the gateway serves the contract slice', () => {
  it('answers availability with the title resolved from the catalog', async () => {
    const data = await gqlOk(system.url, AVAILABILITY, { c: 'web', s: ['A', 'B'] });
    expect(data.availability).toEqual([
      { sku: { code: 'A', title: 'Product A' }, channel: { code: 'web', name: 'web' }, available: 15 },
      { sku: { code: 'B', title: 'Product B' }, channel: { code: 'web', name: 'web' }, available: 3 },
    ]);
  });

  it('refuses a request without an API key with 401 and UNAUTHENTICATED', async () => {
    const result = await gql(system.url, '{ sku(code: "A") { title } }', {}, null);
    expect(result.status).toBe(401);
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });

  it('refuses an unknown API key with 401', async () => {
    const result = await gql(system.url, '{ sku(code: "A") { title } }', {}, 'sk_nope');
    expect(result.status).toBe(401);
  });

  it('holds stock with a reservation and gives it back on release', async () => {
    const before = await availableOf('web', 'A');
    const { reserve } = await gqlOk(system.url, RESERVE, { i: { channel: 'web', idempotencyKey: 'cart-1', lines: [{ sku: 'A', quantity: 4 }] } });
    expect(reserve).toMatchObject({ status: 'ACTIVE', channel: { code: 'web' }, lines: [{ sku: { code: 'A', title: 'Product A' }, quantity: 4 }] });
    expect(await availableOf('web', 'A')).toBe(before - 4);
    const { releaseReservation } = await gqlOk(system.url, RELEASE, { id: reserve.id });
    expect(releaseReservation.status).toBe('RELEASED');
    expect(await availableOf('web', 'A')).toBe(before);
  });

  it('returns the same reservation for a retried idempotency key', async () => {
    const input = { channel: 'web', idempotencyKey: 'cart-retry', lines: [{ sku: 'B', quantity: 1 }] };
    const first = await gqlOk(system.url, RESERVE, { i: input });
    const second = await gqlOk(system.url, RESERVE, { i: input });
    expect(second.reserve.id).toBe(first.reserve.id);
    const conflict = await gql(system.url, RESERVE, { i: { ...input, lines: [{ sku: 'B', quantity: 2 }] } });
    expect(codeOf(conflict)).toBe('IDEMPOTENCY_CONFLICT');
    await gqlOk(system.url, RELEASE, { id: first.reserve.id });
  });

  it('refuses a reservation larger than what the channel may sell, holding nothing', async () => {
    const before = await availableOf('web', 'A');
    const result = await gql(system.url, RESERVE, { i: { channel: 'web', idempotencyKey: 'too-many', lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 99 }] } });
    expect(codeOf(result)).toBe('INSUFFICIENT_STOCK');
    expect(await availableOf('web', 'A')).toBe(before);
  });

  it.each([
    ['an unknown SKU', { channel: 'web', idempotencyKey: 'bad-1', lines: [{ sku: 'NOPE', quantity: 1 }] }],
    ['an unknown channel', { channel: 'nowhere', idempotencyKey: 'bad-2', lines: [{ sku: 'A', quantity: 1 }] }],
    ['a quantity below 1', { channel: 'web', idempotencyKey: 'bad-3', lines: [{ sku: 'A', quantity: 0 }] }],
  ])('refuses a reservation with %s as BAD_USER_INPUT and changes nothing', async (_what, input) => {
    const before = await availableOf('web', 'A');
    expect(codeOf(await gql(system.url, RESERVE, { i: input }))).toBe('BAD_USER_INPUT');
    expect(await availableOf('web', 'A')).toBe(before);
  });

  it('applies a receipt once however often it is sent', async () => {
    const before = await availableOf('web', 'B');
    const event = { idempotencyKey: 'rcpt-77', source: 'wms-east', type: 'RECEIPT', sku: 'B', location: 'east', quantity: 5, occurredAt: '2026-01-01T00:00:00Z' };
    const record = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied duplicates rejected { idempotencyKey code message } } }';
    expect((await gqlOk(system.url, record, { e: [event] })).recordInventoryEvents).toEqual({ applied: 1, duplicates: 0, rejected: [] });
    expect((await gqlOk(system.url, record, { e: [event] })).recordInventoryEvents).toEqual({ applied: 0, duplicates: 1, rejected: [] });
    expect(await availableOf('web', 'B')).toBe(before + 5);
  });

  it('lets exactly as many racing reservations succeed as there are units', async () => {
    await gqlOk(system.url, 'mutation($i: UpsertSkuInput!) { upsertSku(input: $i) { code } }', { i: { code: 'HOT', title: 'Flash sale item' } });
    await gqlOk(system.url, 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }', {
      e: [{ idempotencyKey: 'hot-in', source: 'seed', type: 'RECEIPT', sku: 'HOT', location: 'east', quantity: 50, occurredAt: new Date().toISOString() }],
    });
    const attempts = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      gql(system.url, RESERVE, { i: { channel: 'web', idempotencyKey: `race-${i}`, lines: [{ sku: 'HOT', quantity: 1 }] } })));
    expect(attempts.filter((r) => r.data?.reserve).length).toBe(50);
    expect(attempts.filter((r) => codeOf(r) === 'INSUFFICIENT_STOCK').length).toBe(150);
    expect(await availableOf('web', 'HOT')).toBe(0);
  });
});

describe('availabilityChanged over graphql-ws', () => {
  it('emits on every reserve, release and receipt, with fields from the catalog', async () => {
    const client = wsClient(system.url);
    const sub = collect(client, 'subscription { availabilityChanged(channel: "web", skus: ["A"], snapshot: true) { sku { code title } available cursor } }', {}, 4, 10_000, 1);
    await sub.ready;
    const before = await availableOf('web', 'A');
    const { reserve } = await gqlOk(system.url, RESERVE, { i: { channel: 'web', idempotencyKey: 'ws-1', lines: [{ sku: 'A', quantity: 2 }] } });
    await gqlOk(system.url, RELEASE, { id: reserve.id });
    await gqlOk(system.url, 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }', {
      e: [{ idempotencyKey: 'ws-rcpt', source: 'seed', type: 'RECEIPT', sku: 'A', location: 'west', quantity: 1, occurredAt: new Date().toISOString() }],
    });
    const [snapshot, ...events] = await sub.done;
    expect(snapshot.availabilityChanged.available).toBe(before);
    expect(events.map((e) => e.availabilityChanged.available)).toEqual([before - 2, before, before + 1]);
    expect(events[0].availabilityChanged.sku).toEqual({ code: 'A', title: 'Product A' });
    const cursors = events.map((e) => Number(e.availabilityChanged.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    await client.dispose();
  });

  it('refuses a socket without a valid key', async () => {
    const client = wsClient(system.url, 'wrong');
    const sub = collect(client, 'subscription { availabilityChanged(channel: "web") { available } }', {}, 1, 3000);
    await expect(sub.done).rejects.toBeTruthy();
    await client.dispose();
  });
});
