import { codeOf, gql, gqlOk } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';

const RESERVE = 'mutation($i: ReserveInput!) { reserve(input: $i) { id } }';
const LISTING = 'mutation($i: UpsertListingInput!) { upsertListing(input: $i) { externalId unitsPerListing sku { code } } }';
const IMPORT = 'mutation($i: ImportListingsInput!) { importListings(input: $i) { applied rejected { line reason } } }';
const STOCK = 'query($s: [ID!]!) { availability(channel: "web", skus: $s) { sku { code } available } }';

let system: TestSystem;
let keys = 0;
const key = () => `m-${++keys}`;
const availability = async (skus: string[]) =>
  Object.fromEntries((await gqlOk(system.url, STOCK, { s: skus })).availability.map((a: { sku: { code: string }; available: number }) => [a.sku.code, a.available]));

beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url, {
    channels: [{ code: 'web', locations: ['east', 'west'] }, { code: 'amazon', locations: ['east'] }],
    stock: { A: { east: 10 }, B: { east: 7 }, SOCK: { east: 10 }, R1: { east: 1 }, R2: { east: 1 } },
    bundles: { PAIR: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] },
  });
});
afterAll(() => system.close());

describe('listings and bundles', () => {
  it('a multipack listing of 3 shows whole packs', async () => {
    await gqlOk(system.url, LISTING, { i: { channel: 'amazon', externalId: 'SOCK-3PK', sku: 'SOCK', unitsPerListing: 3 } });
    const data = await gqlOk(system.url, '{ availabilityForListings(channel: "amazon", externalIds: ["SOCK-3PK"]) { sku { code title } available } }');
    expect(data.availabilityForListings).toEqual([{ sku: { code: 'SOCK', title: 'Product SOCK' }, available: 3 }]);
  });

  it('an unknown listing reference is BAD_USER_INPUT naming it', async () => {
    const result = await gql(system.url, '{ availabilityForListings(channel: "amazon", externalIds: ["SOCK-3PK", "NOPE-9"]) { available } }');
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain('NOPE-9');
  });

  it('a bundle of 2×A + 1×B shows the least its components allow', async () => {
    expect(await availability(['PAIR', 'A', 'B'])).toEqual({ PAIR: 5, A: 10, B: 7 });
  });

  it('reserving bundles holds all their components or nothing', async () => {
    expect(codeOf(await gql(system.url, RESERVE, { i: { channel: 'web', idempotencyKey: key(), lines: [{ sku: 'PAIR', quantity: 6 }] } }))).toBe('INSUFFICIENT_STOCK');
    expect(await availability(['A', 'B'])).toEqual({ A: 10, B: 7 });
    const { reserve } = await gqlOk(system.url, RESERVE, { i: { channel: 'web', idempotencyKey: key(), lines: [{ sku: 'PAIR', quantity: 5 }] } });
    expect(await availability(['A', 'B', 'PAIR'])).toEqual({ A: 0, B: 2, PAIR: 0 });
    await gqlOk(system.url, 'mutation($id: ID!) { releaseReservation(id: $id) { status } }', { id: reserve.id });
    expect(await availability(['A', 'B', 'PAIR'])).toEqual({ A: 10, B: 7, PAIR: 5 });
  });

  it('racing reservations of a bundle and of its components never oversell a component', async () => {
    const attempts = await Promise.all(Array.from({ length: 60 }, (_, i) => {
      const lines = i % 3 === 0 ? [{ sku: 'PAIR', quantity: 1 }] : i % 3 === 1 ? [{ sku: 'A', quantity: 1 }] : [{ sku: 'B', quantity: 1 }];
      return gql(system.url, RESERVE, { i: { channel: 'web', idempotencyKey: `race-${i}`, lines } }).then((result) => ({ lines, ok: Boolean(result.data?.reserve) }));
    }));
    const held = { A: 0, B: 0 };
    for (const attempt of attempts.filter((a) => a.ok)) {
      for (const line of attempt.lines) {
        if (line.sku === 'PAIR') { held.A += 2; held.B += 1; } else held[line.sku as 'A' | 'B'] += 1;
      }
    }
    expect(held.A).toBeLessThanOrEqual(10);
    expect(held.B).toBeLessThanOrEqual(7);
    const levels = await gqlOk(system.url, '{ a: sku(code: "A") { stock { reserved } } b: sku(code: "B") { stock { reserved } } }');
    expect(levels.a.stock[0].reserved).toBe(held.A);
    expect(levels.b.stock[0].reserved).toBe(held.B);
  });

  it('refuses a second SKU for the same reference and raises a MAPPING_CONFLICT alert naming both', async () => {
    await gqlOk(system.url, LISTING, { i: { channel: 'amazon', externalId: 'ASIN-X', sku: 'A' } });
    const result = await gql(system.url, LISTING, { i: { channel: 'amazon', externalId: 'ASIN-X', sku: 'B' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect((await gqlOk(system.url, '{ listing(channel: "amazon", externalId: "ASIN-X") { sku { code } } }')).listing.sku.code).toBe('A');
    const { alerts } = await gqlOk(system.url, '{ alerts(kind: MAPPING_CONFLICT) { kind message channel { code } sku { code } } }');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].message).toMatch(/ASIN-X.*SKU A.*B/);
    expect(alerts[0].channel.code).toBe('amazon');
  });

  it('finds SKUs with no listing on a channel and listings of retired SKUs', async () => {
    await gqlOk(system.url, LISTING, { i: { channel: 'amazon', externalId: 'R1-L', sku: 'R1' } });
    await gqlOk(system.url, 'mutation { upsertSku(input: { code: "R1", title: "Retired one", retired: true }) { retired } }');
    const data = await gqlOk(system.url, '{ unlistedSkus(channel: "amazon") { code } orphanedListings(channel: "amazon") { problem listing { externalId sku { code } } } }');
    expect(data.unlistedSkus.map((s: { code: string }) => s.code)).toEqual(['B', 'PAIR', 'R2']);
    expect(data.orphanedListings).toEqual([{ problem: 'RETIRED_SKU', listing: { externalId: 'R1-L', sku: { code: 'R1' } } }]);
  });
});

describe('bulk listing import', () => {
  const csv = (rows: string[]) => ['channel,externalId,sku,unitsPerListing', ...rows].join('\n');
  const good = (i: number) => `web,W-${i},${i % 2 ? 'A' : 'B'},${1 + (i % 3)}`;

  it('reports exactly the 3 bad rows out of 1,000 by line number and applies nothing', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => good(i));
    rows[99] = 'web,W-99,NO-SUCH-SKU,1';
    rows[499] = 'web,W-499,A,zero';
    rows[899] = 'web,W-1,A,1';
    const { importListings } = await gqlOk(system.url, IMPORT, { i: { csv: csv(rows) } });
    expect(importListings.applied).toBe(0);
    expect(importListings.rejected.map((r: { line: number }) => r.line)).toEqual([101, 501, 901]);
    expect((await gqlOk(system.url, '{ listing(channel: "web", externalId: "W-5") { sku { code } } }')).listing).toBeNull();
  });

  it('with partial, applies the valid rows and reports the others', async () => {
    const { importListings } = await gqlOk(system.url, IMPORT, { i: { partial: true, csv: csv([good(1), 'web,W-2,ZZZ,1', good(3)]) } });
    expect(importListings).toEqual({ applied: 2, rejected: [{ line: 3, reason: 'unknown SKU "ZZZ"' }] });
    expect((await gqlOk(system.url, '{ listing(channel: "web", externalId: "W-3") { unitsPerListing sku { code } } }')).listing).toEqual({ unitsPerListing: 1, sku: { code: 'A' } });
  });

  it('imports rows given as input, and the mapping reaches availability by listing', async () => {
    const { importListings } = await gqlOk(system.url, IMPORT, { i: { rows: [{ channel: 'web', externalId: 'SOCK-PAIR', sku: 'SOCK', unitsPerListing: 2 }] } });
    expect(importListings).toEqual({ applied: 1, rejected: [] });
    const data = await gqlOk(system.url, '{ availabilityForListings(channel: "web", externalIds: ["SOCK-PAIR"]) { available } }');
    expect(data.availabilityForListings[0].available).toBe(5);
  });

  it('imports 10,000 rows in one go', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `amazon,BULK-${i},${i % 2 ? 'A' : 'B'},1`);
    const started = Date.now();
    const { importListings } = await gqlOk(system.url, IMPORT, { i: { csv: csv(rows) } });
    expect(importListings).toEqual({ applied: 10_000, rejected: [] });
    process.stdout.write(`10,000-row import took ${Date.now() - started} ms\n`);
  }, 180_000);
});
