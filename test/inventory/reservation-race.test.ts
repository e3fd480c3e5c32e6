import { activeAllocations, reservedOf, storedViolations } from './stock-invariants';
import { settle, startWithWarehouses, type InventoryUnderTest } from './inventory-under-test';

let inventory: InventoryUnderTest;

beforeAll(async () => {
  inventory = await startWithWarehouses({ web: ['east', 'west'], amazon: ['west', 'east'] });
  await inventory.knowSkus(['HOT', 'RARE', 'PLENTY', 'LAST']);
  await inventory.receive([
    { type: 'RECEIPT', sku: 'HOT', location: 'east', quantity: 60 },
    { type: 'RECEIPT', sku: 'HOT', location: 'west', quantity: 40 },
    { type: 'RECEIPT', sku: 'RARE', location: 'west', quantity: 30 },
    { type: 'RECEIPT', sku: 'PLENTY', location: 'east', quantity: 1000 },
    { type: 'RECEIPT', sku: 'LAST', location: 'east', quantity: 3 },
  ]);
});
afterAll(() => inventory.close());

const availability = (channel: string, sku: string) => inventory.services.reader.availability([{ channel, sku }]).then(([value]) => value);
const reservationCount = async () => Number((await inventory.services.db.query('SELECT COUNT(*) AS n FROM reservation'))[0].n);

describe('concurrent checkouts never hold more than there is', () => {
  it('500 single-unit holds over two channels for 100 units hold exactly 100', async () => {
    const { reservations } = inventory.services;
    const attempts = Array.from({ length: 500 }, (_, i) => reservations.reserve({
      channel: i % 2 ? 'amazon' : 'web', idempotencyKey: `hot-${i}`, lines: [{ sku: 'HOT', quantity: 1 }],
    }));
    const { ok, failed } = await settle(attempts);

    expect(ok).toHaveLength(100);
    expect(new Set(failed)).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(await availability('web', 'HOT')).toBe(0);
    expect(await availability('amazon', 'HOT')).toBe(0);
    expect(await reservedOf(inventory.services.db, 'HOT')).toBe(100);
    expect(await reservationCount()).toBe(100);
    expect(await storedViolations(inventory.services.db)).toEqual([]);
  });

  it('200 two-line holds competing for 30 units of one line: at most 30 hold, and a failed one holds nothing', async () => {
    const { reservations, db } = inventory.services;
    const before = await reservationCount();
    const attempts = Array.from({ length: 200 }, (_, i) => reservations.reserve({
      channel: i % 2 ? 'amazon' : 'web',
      idempotencyKey: `pair-${i}`,
      // Half list the scarce line first, so the lines' order never decides the lock order.
      lines: i % 3 ? [{ sku: 'PLENTY', quantity: 2 }, { sku: 'RARE', quantity: 1 }] : [{ sku: 'RARE', quantity: 1 }, { sku: 'PLENTY', quantity: 2 }],
    }));
    const { ok, failed } = await settle(attempts);

    expect(ok.length).toBeLessThanOrEqual(30);
    // Every request sees the same stock, so the first 30 to lock it all succeed.
    expect(ok).toHaveLength(30);
    expect(new Set(failed)).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(await reservationCount()).toBe(before + ok.length);
    const ids = ok.map((reservation) => reservation.id);
    const lines = await db.query(`SELECT DISTINCT reservation_id FROM reservation_allocation WHERE sku_code IN ('RARE', 'PLENTY')`);
    expect(new Set(lines.map((row) => row.reservation_id))).toEqual(new Set(ids));
    expect(await reservedOf(db, 'RARE')).toBe(ok.length);
    expect(await reservedOf(db, 'PLENTY')).toBe(2 * ok.length);
    expect(await availability('web', 'RARE')).toBe(0);
    expect(await availability('web', 'PLENTY')).toBe(1000 - 2 * ok.length);
    expect((await activeAllocations(db)).get('PLENTY|east')).toBe(2 * ok.length);
    expect(await storedViolations(db)).toEqual([]);
  });

  it('the same checkout sent several times at once holds once, and every copy answers with that one reservation', async () => {
    const { reservations, db } = inventory.services;
    // Only enough for one copy: the others must find the winner's hold, not report a shortage.
    const input = { channel: 'web', idempotencyKey: 'double-click', lines: [{ sku: 'LAST', quantity: 2 }] };
    const { ok, failed } = await settle(Array.from({ length: 5 }, () => reservations.reserve(input)));
    expect(failed).toEqual([]);
    expect(new Set(ok.map((reservation) => reservation.id)).size).toBe(1);
    expect(await reservedOf(db, 'LAST')).toBe(2);
    expect(await storedViolations(db)).toEqual([]);
  });

  it('the same checkout sent several times at once with plenty of stock still holds once', async () => {
    const { reservations, db } = inventory.services;
    const before = await reservedOf(db, 'PLENTY');
    const input = { channel: 'amazon', idempotencyKey: 'double-click-plenty', lines: [{ sku: 'PLENTY', quantity: 4 }] };
    const { ok, failed } = await settle(Array.from({ length: 5 }, () => reservations.reserve(input)));
    expect(failed).toEqual([]);
    expect(new Set(ok.map((reservation) => reservation.id)).size).toBe(1);
    expect(await reservedOf(db, 'PLENTY')).toBe(before + 4);
    expect(await storedViolations(db)).toEqual([]);
  });
});
