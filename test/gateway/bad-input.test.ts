import { gql, gqlOk, type GraphQLResponse } from '../support/client';
import { seedShop } from '../support/shop';
import { settledRows, everyRow } from '../support/state';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
let keyId: string;
let orderId: string;
beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url);
  keyId = (await gqlOk(system.url, 'mutation { createApiKey(input: { name: "partner", scopes: ["availability:read"] }) { key { id } } }')).createApiKey.key.id;
  // A live reservation, so a reuse of its idempotency key with another payload is a conflict.
  await gqlOk(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "held", lines: [{ sku: "A", quantity: 1 }], ttlSeconds: 3600 }) { id } }');
  // An order already taken, so a changed re-import is a conflict and shipments and returns have an order to name.
  orderId = (await gqlOk(system.url, IMPORT, { i: order })).importOrder.id;
});
afterAll(() => system.close());

const UPSERT_LOCATION = 'mutation($i: UpsertLocationInput!) { upsertLocation(input: $i) { code } }';
const UPSERT_CHANNEL = 'mutation($i: UpsertChannelInput!) { upsertChannel(input: $i) { code } }';
const UPSERT_SKU = 'mutation($i: UpsertSkuInput!) { upsertSku(input: $i) { code } }';
const UPSERT_LISTING = 'mutation($i: UpsertListingInput!) { upsertListing(input: $i) { externalId } }';
const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied duplicates rejected { idempotencyKey code } } }';
const RESERVE = 'mutation($i: ReserveInput!) { reserve(input: $i) { id } }';
const RELEASE = 'mutation($id: ID!) { releaseReservation(id: $id) { id } }';
const CREATE_KEY = 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key { id } } }';
const REVOKE_KEY = 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }';
const ROTATE_KEY = 'mutation($id: ID!, $s: Int) { rotateApiKey(id: $id, overlapSeconds: $s) { key { id } } }';
const UPDATE_KEY = 'mutation($i: UpdateApiKeyInput!) { updateApiKey(input: $i) { id } }';
const IMPORT = 'mutation($i: ImportOrderInput!) { importOrder(input: $i) { id } }';
const CANCEL = 'mutation($c: ID!, $e: ID!) { cancelOrder(channel: $c, externalId: $e) { id } }';
const SHIP = 'mutation($i: RecordShipmentInput!) { recordShipment(input: $i) { id } }';
const RETURN = 'mutation($i: RecordReturnInput!) { recordReturn(input: $i) { id } }';

const location = { code: 'north', name: 'North', kind: 'WAREHOUSE', country: 'US' };
const channel = { code: 'shop2', name: 'Shop 2', locations: ['east'] };
const event = { idempotencyKey: 'bad-event', source: 'wms', type: 'RECEIPT', sku: 'A', location: 'east', quantity: 1, occurredAt: '2026-01-01T00:00:00Z' };
const reservation = { channel: 'web', idempotencyKey: 'bad-cart', lines: [{ sku: 'A', quantity: 1 }] };
const future = new Date(Date.now() + 86_400_000).toISOString();
const order = { channel: 'web', externalId: 'W-1', lines: [{ sku: 'B', quantity: 1 }], shipTo: { country: 'US' } };
const noOrder = '00000000-0000-0000-0000-000000000000';

type Case = [what: string, query: string, variables: () => Record<string, unknown>, code: string];

/** Each contract mutation with each kind of invalid argument, and the code the caller must get. */
const CASES: Case[] = [
  ['upsertLocation with an empty code', UPSERT_LOCATION, () => ({ i: { ...location, code: '' } }), 'BAD_USER_INPUT'],
  ['upsertLocation with an empty name', UPSERT_LOCATION, () => ({ i: { ...location, name: ' ' } }), 'BAD_USER_INPUT'],
  ['upsertLocation with an unknown kind', UPSERT_LOCATION, () => ({ i: { ...location, kind: 'MOON_BASE' } }), 'BAD_USER_INPUT'],
  ['upsertLocation with a country that is no ISO code', UPSERT_LOCATION, () => ({ i: { ...location, country: 'United States' } }), 'BAD_USER_INPUT'],
  ['upsertLocation without a required field', UPSERT_LOCATION, () => ({ i: { code: 'north', name: 'North', kind: 'WAREHOUSE' } }), 'BAD_USER_INPUT'],
  ['upsertChannel with an unknown location', UPSERT_CHANNEL, () => ({ i: { ...channel, locations: ['atlantis'] } }), 'BAD_USER_INPUT'],
  ['upsertChannel with a negative buffer', UPSERT_CHANNEL, () => ({ i: { ...channel, bufferUnits: -1 } }), 'BAD_USER_INPUT'],
  ['upsertChannel listing a location twice', UPSERT_CHANNEL, () => ({ i: { ...channel, locations: ['east', 'east'] } }), 'BAD_USER_INPUT'],
  ['upsertChannel with an empty code', UPSERT_CHANNEL, () => ({ i: { ...channel, code: '' } }), 'BAD_USER_INPUT'],
  ['upsertChannel with a string for bufferUnits', UPSERT_CHANNEL, () => ({ i: { ...channel, bufferUnits: 'two' } }), 'BAD_USER_INPUT'],
  ['upsertSku with an empty code', UPSERT_SKU, () => ({ i: { code: '', title: 'Nothing' } }), 'BAD_USER_INPUT'],
  ['upsertSku with an empty title', UPSERT_SKU, () => ({ i: { code: 'NEW', title: '' } }), 'BAD_USER_INPUT'],
  ['upsertSku with an unknown component', UPSERT_SKU, () => ({ i: { code: 'KIT', title: 'Kit', components: [{ sku: 'NOPE', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['upsertSku with a component quantity of 0', UPSERT_SKU, () => ({ i: { code: 'KIT', title: 'Kit', components: [{ sku: 'A', quantity: 0 }] } }), 'BAD_USER_INPUT'],
  ['upsertSku containing itself', UPSERT_SKU, () => ({ i: { code: 'KIT', title: 'Kit', components: [{ sku: 'KIT', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['upsertListing with an unknown channel', UPSERT_LISTING, () => ({ i: { channel: 'nowhere', externalId: 'X1', sku: 'A' } }), 'BAD_USER_INPUT'],
  ['upsertListing with an unknown SKU', UPSERT_LISTING, () => ({ i: { channel: 'web', externalId: 'X1', sku: 'NOPE' } }), 'BAD_USER_INPUT'],
  ['upsertListing with 0 units per listing', UPSERT_LISTING, () => ({ i: { channel: 'web', externalId: 'X1', sku: 'A', unitsPerListing: 0 } }), 'BAD_USER_INPUT'],
  ['upsertListing with an empty external id', UPSERT_LISTING, () => ({ i: { channel: 'web', externalId: '', sku: 'A' } }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents with an unknown event type', RECORD, () => ({ e: [{ ...event, type: 'TELEPORT' }] }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents without occurredAt', RECORD, () => ({ e: [{ ...event, occurredAt: undefined }] }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents with a date that is no date', RECORD, () => ({ e: [{ ...event, occurredAt: 'yesterday' }] }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents with a receipt of 0 units', RECORD, () => ({ e: [{ ...event, quantity: 0 }] }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents with an unknown SKU', RECORD, () => ({ e: [{ ...event, sku: 'NOPE' }] }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents with an unknown location', RECORD, () => ({ e: [{ ...event, location: 'atlantis' }] }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents with more damaged than received', RECORD, () => ({ e: [{ ...event, quantity: 1, damagedQuantity: 2 }] }), 'BAD_USER_INPUT'],
  ['recordInventoryEvents with a fractional quantity', RECORD, () => ({ e: [{ ...event, quantity: 1.5 }] }), 'BAD_USER_INPUT'],
  ['reserve with a quantity below 1', RESERVE, () => ({ i: { ...reservation, lines: [{ sku: 'A', quantity: 0 }] } }), 'BAD_USER_INPUT'],
  ['reserve with an unknown SKU', RESERVE, () => ({ i: { ...reservation, lines: [{ sku: 'NOPE', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['reserve on an unknown channel', RESERVE, () => ({ i: { ...reservation, channel: 'nowhere' } }), 'BAD_USER_INPUT'],
  ['reserve with no lines', RESERVE, () => ({ i: { ...reservation, lines: [] } }), 'BAD_USER_INPUT'],
  ['reserve with a SKU on two lines', RESERVE, () => ({ i: { ...reservation, lines: [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['reserve with a time-to-live of 0', RESERVE, () => ({ i: { ...reservation, ttlSeconds: 0 } }), 'BAD_USER_INPUT'],
  ['reserve with an empty idempotency key', RESERVE, () => ({ i: { ...reservation, idempotencyKey: '' } }), 'BAD_USER_INPUT'],
  ['reserve with more than can be sold', RESERVE, () => ({ i: { ...reservation, lines: [{ sku: 'A', quantity: 10_000 }] } }), 'INSUFFICIENT_STOCK'],
  ['reserve reusing an idempotency key with another payload', RESERVE, () => ({ i: { ...reservation, idempotencyKey: 'held', lines: [{ sku: 'A', quantity: 2 }], ttlSeconds: 3600 } }), 'IDEMPOTENCY_CONFLICT'],
  ['releaseReservation of an unknown reservation', RELEASE, () => ({ id: 'no-such-reservation' }), 'NOT_FOUND'],
  ['releaseReservation without an id', RELEASE, () => ({ id: null }), 'BAD_USER_INPUT'],
  ['createApiKey with an empty name', CREATE_KEY, () => ({ i: { name: '', scopes: ['availability:read'] } }), 'BAD_USER_INPUT'],
  ['createApiKey with no scope', CREATE_KEY, () => ({ i: { name: 'k', scopes: [] } }), 'BAD_USER_INPUT'],
  ['createApiKey with an unknown scope', CREATE_KEY, () => ({ i: { name: 'k', scopes: ['root'] } }), 'BAD_USER_INPUT'],
  ['createApiKey with an empty channel list', CREATE_KEY, () => ({ i: { name: 'k', scopes: ['availability:read'], channels: [] } }), 'BAD_USER_INPUT'],
  ['createApiKey expiring in the past', CREATE_KEY, () => ({ i: { name: 'k', scopes: ['availability:read'], expiresAt: '2020-01-01T00:00:00Z' } }), 'BAD_USER_INPUT'],
  ['createApiKey with a depth limit of 0', CREATE_KEY, () => ({ i: { name: 'k', scopes: ['availability:read'], expiresAt: future, limits: { maxDepth: 0 } } }), 'BAD_USER_INPUT'],
  ['revokeApiKey of an unknown key', REVOKE_KEY, () => ({ id: '00000000-0000-0000-0000-000000000000' }), 'NOT_FOUND'],
  ['rotateApiKey of an unknown key', ROTATE_KEY, () => ({ id: '00000000-0000-0000-0000-000000000000' }), 'NOT_FOUND'],
  ['rotateApiKey with a negative overlap', ROTATE_KEY, () => ({ id: keyId, s: -1 }), 'BAD_USER_INPUT'],
  ['updateApiKey with a negative rate limit', UPDATE_KEY, () => ({ i: { id: keyId, limits: { rateLimit: -5 } } }), 'BAD_USER_INPUT'],
  ['importOrder on an unknown channel', IMPORT, () => ({ i: { ...order, externalId: 'N-1', channel: 'nowhere' } }), 'BAD_USER_INPUT'],
  ['importOrder of an unknown SKU', IMPORT, () => ({ i: { ...order, externalId: 'N-2', lines: [{ sku: 'NOPE', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['importOrder of an unknown listing', IMPORT, () => ({ i: { ...order, externalId: 'N-3', lines: [{ listingExternalId: 'NOPE', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['importOrder with a quantity of 0', IMPORT, () => ({ i: { ...order, externalId: 'N-4', lines: [{ sku: 'A', quantity: 0 }] } }), 'BAD_USER_INPUT'],
  ['importOrder with a line naming both a SKU and a listing', IMPORT, () => ({ i: { ...order, externalId: 'N-5', lines: [{ sku: 'A', listingExternalId: 'L', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['importOrder with a line naming neither', IMPORT, () => ({ i: { ...order, externalId: 'N-6', lines: [{ quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['importOrder with no lines', IMPORT, () => ({ i: { ...order, externalId: 'N-7', lines: [] } }), 'BAD_USER_INPUT'],
  ['importOrder with an empty external id', IMPORT, () => ({ i: { ...order, externalId: '' } }), 'BAD_USER_INPUT'],
  ['importOrder reusing an order number with other lines', IMPORT, () => ({ i: { ...order, lines: [{ sku: 'B', quantity: 2 }] } }), 'IDEMPOTENCY_CONFLICT'],
  ['cancelOrder of an unknown order', CANCEL, () => ({ c: 'web', e: 'NO-SUCH-ORDER' }), 'NOT_FOUND'],
  ['recordShipment of an unknown order', SHIP, () => ({ i: { orderId: noOrder, location: 'east', lines: [{ sku: 'B', quantity: 1 }] } }), 'NOT_FOUND'],
  ['recordShipment from an unknown location', SHIP, () => ({ i: { orderId, location: 'atlantis', lines: [{ sku: 'B', quantity: 1 }] } }), 'BAD_USER_INPUT'],
  ['recordShipment of 0 units', SHIP, () => ({ i: { orderId, location: 'east', lines: [{ sku: 'B', quantity: 0 }] } }), 'BAD_USER_INPUT'],
  ['recordShipment of more than was ordered', SHIP, () => ({ i: { orderId, location: 'east', lines: [{ sku: 'B', quantity: 5 }] } }), 'BAD_USER_INPUT'],
  ['recordReturn of an unknown order', RETURN, () => ({ i: { orderId: noOrder, location: 'east', lines: [{ sku: 'B', quantity: 1, resellable: true }] } }), 'NOT_FOUND'],
  ['recordReturn of units never shipped', RETURN, () => ({ i: { orderId, location: 'east', lines: [{ sku: 'B', quantity: 1, resellable: true }] } }), 'BAD_USER_INPUT'],
  ['recordReturn without saying whether it is resellable', RETURN, () => ({ i: { orderId, location: 'east', lines: [{ sku: 'B', quantity: 1 }] } }), 'BAD_USER_INPUT'],
];

/** The code of the first error, or of the first event a batch rejected. */
function codeOf(result: GraphQLResponse): string | undefined {
  return result.errors?.[0]?.extensions?.code ?? result.data?.recordInventoryEvents?.rejected?.[0]?.code;
}

describe('every contract mutation refuses invalid arguments and changes nothing', () => {
  it.each(CASES)('%s', async (_what, query, variables, code) => {
    const before = await settledRows(system);
    const result = await gql(system.url, query, variables());
    expect({ code: codeOf(result), errors: result.errors?.length ?? 0 }).toEqual({ code, errors: result.data?.recordInventoryEvents ? 0 : 1 });
    if (result.data?.recordInventoryEvents) expect(result.data.recordInventoryEvents).toMatchObject({ applied: 0, duplicates: 0 });
    expect(await everyRow(system)).toEqual(before);
  });
});
