import { reservedOf, storedViolations } from './stock-invariants';
import { startInventory, type InventoryUnderTest } from './inventory-under-test';

let inventory: InventoryUnderTest;

// The sweeper is set to run once an hour, so anything below happens before any sweep.
beforeAll(async () => {
  inventory = await startInventory({ overrides: { RESERVATION_SWEEP_MS: '3600000' } });
  const { setup } = inventory.services;
  await setup.upsertLocation({ code: 'east', name: 'East', kind: 'WAREHOUSE', country: 'US' });
  await setup.upsertChannel({ code: 'web', name: 'Web', locations: ['east'] });
  await inventory.knowSkus(['LAPSE', 'RETAKE', 'LATE', 'CROWD']);
  await inventory.receive([
    { type: 'RECEIPT', sku: 'LAPSE', location: 'east', quantity: 10 },
    { type: 'RECEIPT', sku: 'RETAKE', location: 'east', quantity: 10 },
    { type: 'RECEIPT', sku: 'LATE', location: 'east', quantity: 10 },
    { type: 'RECEIPT', sku: 'CROWD', location: 'east', quantity: 600 },
  ]);
});
afterAll(() => inventory.close());

const availability = (sku: string) => inventory.services.reader.availability([{ channel: 'web', sku }]).then(([value]) => value);
const storedStatus = async (id: string) => (await inventory.services.db.query('SELECT status FROM reservation WHERE id = ?', [id]))[0].status;
const untilLapsed = (expiresAt: Date) => new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt.getTime() - Date.now()) + 50));

describe('a hold that reaches its expiry', () => {
  it('stops counting at once, reads EXPIRED, and after the sweep its units are back with an EXPIRE ledger entry', async () => {
    const { reservations, db } = inventory.services;
    const hold = await reservations.reserve({ channel: 'web', idempotencyKey: 'lapse-1', lines: [{ sku: 'LAPSE', quantity: 4 }], ttlSeconds: 1 });
    expect(await availability('LAPSE')).toBe(6);
    expect((await reservations.get(hold.id))!.status).toBe('ACTIVE');

    await untilLapsed(hold.expiresAt);
    // Not swept yet: the row still says ACTIVE and the units are still in `reserved`...
    expect(await storedStatus(hold.id)).toBe('ACTIVE');
    expect(await reservedOf(db, 'LAPSE')).toBe(4);
    // ...yet the hold no longer counts and reads as EXPIRED.
    expect(await availability('LAPSE')).toBe(10);
    expect((await reservations.get(hold.id))!.status).toBe('EXPIRED');

    expect(await reservations.expireDue()).toBe(1);
    expect(await storedStatus(hold.id)).toBe('EXPIRED');
    expect(await reservedOf(db, 'LAPSE')).toBe(0);
    expect(await availability('LAPSE')).toBe(10);
    const ledger = await db.query("SELECT event_type, d_reserved FROM ledger_entry WHERE idempotency_key = ? ORDER BY id", [hold.id]);
    expect(ledger.map((entry) => [entry.event_type, Number(entry.d_reserved)])).toEqual([['RESERVE', 4], ['EXPIRE', -4]]);
    expect(await storedViolations(db)).toEqual([]);
  });

  it('lets a new hold take its units before the sweep, and the sweep then returns only the lapsed units', async () => {
    const { reservations, db } = inventory.services;
    const lapsed = await reservations.reserve({ channel: 'web', idempotencyKey: 'retake-1', lines: [{ sku: 'RETAKE', quantity: 7 }], ttlSeconds: 1 });
    await expect(reservations.reserve({ channel: 'web', idempotencyKey: 'retake-early', lines: [{ sku: 'RETAKE', quantity: 10 }] }))
      .rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_STOCK' } });
    await untilLapsed(lapsed.expiresAt);

    const fresh = await reservations.reserve({ channel: 'web', idempotencyKey: 'retake-2', lines: [{ sku: 'RETAKE', quantity: 10 }] });
    expect(fresh.status).toBe('ACTIVE');
    expect(await availability('RETAKE')).toBe(0);
    // Both holds are in `reserved` until the sweep: 7 lapsed + 10 live on 10 units.
    expect(await reservedOf(db, 'RETAKE')).toBe(17);

    expect(await reservations.expireDue()).toBe(1);
    expect(await reservedOf(db, 'RETAKE')).toBe(10);
    expect(await availability('RETAKE')).toBe(0);
    expect(await storedViolations(db)).toEqual([]);
  });

  it('a release that arrives after the expiry changes nothing, and the sweep records it as EXPIRED', async () => {
    const { reservations, db } = inventory.services;
    const hold = await reservations.reserve({ channel: 'web', idempotencyKey: 'late-1', lines: [{ sku: 'LATE', quantity: 3 }], ttlSeconds: 1 });
    await untilLapsed(hold.expiresAt);
    expect((await reservations.release(hold.id)).status).toBe('EXPIRED');
    expect(await availability('LATE')).toBe(10);

    await reservations.expireDue();
    expect(await storedStatus(hold.id)).toBe('EXPIRED');
    const types = await db.query('SELECT event_type FROM ledger_entry WHERE idempotency_key = ? ORDER BY id', [hold.id]);
    expect(types.map((entry) => entry.event_type)).toEqual(['RESERVE', 'EXPIRE']);
    expect(await reservedOf(db, 'LATE')).toBe(0);
  });

  it('the sweep leaves holds that have not reached their expiry alone', async () => {
    const { reservations, db } = inventory.services;
    const hold = await reservations.reserve({ channel: 'web', idempotencyKey: 'late-live', lines: [{ sku: 'LATE', quantity: 2 }], ttlSeconds: 600 });
    expect(await reservations.expireDue()).toBe(0);
    expect(await storedStatus(hold.id)).toBe('ACTIVE');
    expect(await availability('LATE')).toBe(8);
    await reservations.expireDue(new Date(hold.expiresAt.getTime() + 1));
    expect(await storedStatus(hold.id)).toBe('EXPIRED');
    expect(await availability('LATE')).toBe(10);
    expect(await reservedOf(db, 'LATE')).toBe(0);
  });

  it('a flash sale\'s abandoned checkouts are expired 500 to a transaction, each with its own EXPIRE entry following the one before', async () => {
    const { reservations, db } = inventory.services;
    const holds = await Promise.all(Array.from({ length: 600 }, (_, index) =>
      reservations.reserve({ channel: 'web', idempotencyKey: `crowd-${index}`, lines: [{ sku: 'CROWD', quantity: 1 }], ttlSeconds: 1 })));
    expect(await availability('CROWD')).toBe(0);
    await untilLapsed(new Date(Math.max(...holds.map((hold) => hold.expiresAt.getTime()))));

    const statementsBefore = db.queries;
    expect(await reservations.expireDue()).toBe(500);
    expect(db.queries - statementsBefore).toBeLessThan(40);
    expect(await reservations.expireDue()).toBe(100);
    expect(await reservations.expireDue()).toBe(0);

    expect(await reservedOf(db, 'CROWD')).toBe(0);
    expect(await availability('CROWD')).toBe(600);
    const entries = await db.query("SELECT idempotency_key, d_reserved, reserved FROM ledger_entry WHERE sku_code = 'CROWD' AND event_type = 'EXPIRE' ORDER BY id");
    expect(new Set(entries.map((entry) => entry.idempotency_key))).toEqual(new Set(holds.map((hold) => hold.id)));
    expect(entries.map((entry) => Number(entry.reserved))).toEqual(entries.map((_, index) => 599 - index));
    expect(entries.every((entry) => Number(entry.d_reserved) === -1)).toBe(true);
    expect(await storedViolations(db)).toEqual([]);
  });
});
