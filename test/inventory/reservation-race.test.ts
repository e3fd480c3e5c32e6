import { holdGroups } from '../../shared/metrics';
import { activeAllocations, reservedOf, storedViolations } from './stock-invariants';
import { settle, startWithWarehouses, type InventoryUnderTest } from './inventory-under-test';

let inventory: InventoryUnderTest;

beforeAll(async () => {
  inventory = await startWithWarehouses({ web: ['east', 'west'], amazon: ['west', 'east'] });
  await inventory.knowSkus(['HOT', 'RARE', 'PLENTY', 'LAST', 'FENCED']);
  await inventory.receive([
    { type: 'RECEIPT', sku: 'HOT', location: 'east', quantity: 60 },
    { type: 'RECEIPT', sku: 'HOT', location: 'west', quantity: 40 },
    { type: 'RECEIPT', sku: 'RARE', location: 'west', quantity: 30 },
    { type: 'RECEIPT', sku: 'PLENTY', location: 'east', quantity: 1000 },
    { type: 'RECEIPT', sku: 'LAST', location: 'east', quantity: 3 },
    { type: 'RECEIPT', sku: 'FENCED', location: 'east', quantity: 40 },
  ]);
  // A flash sale's allocation: 15 FENCED units set aside for Amazon, which no other channel may sell.
  await inventory.services.setup.setAllocation('amazon', 'FENCED', 15);
});
afterAll(() => inventory.close());

const availability = (channel: string, sku: string) => inventory.services.reader.availability([{ channel, sku }]).then(([value]) => value);
const groupsKept = async () => (await holdGroups.get()).values.find((value) => value.labels.path === 'kept')?.value ?? 0;
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

  it('300 single-unit holds for 40 units, 15 set aside for Amazon, most of them from the webstore: the webstore holds 25, Amazon its 15', async () => {
    const { reservations, db } = inventory.services;
    const keptBefore = await groupsKept();
    // In waves of 20, one per turn of the event loop, so the holds go in several groups of the same SKU.
    const attempts: Promise<string>[] = [];
    for (let i = 0; i < 300; i++) {
      const attempt = reservations.reserve({ channel: i % 6 === 5 ? 'amazon' : 'web', idempotencyKey: `fenced-${i}`, lines: [{ sku: 'FENCED', quantity: 1 }] })
        .then((reservation) => reservation.channel);
      attempt.catch(() => undefined); // refusals are counted below, once every wave is sent
      attempts.push(attempt);
      if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
    const { ok, failed } = await settle(attempts);
    // On MySQL the groups after the first decided from what the group before them left.
    if (db.dialect === 'mysql') expect(await groupsKept()).toBeGreaterThan(keptBefore);

    expect(ok).toHaveLength(40);
    expect(new Set(failed)).toEqual(new Set(['INSUFFICIENT_STOCK']));
    // 250 webstore checkouts could take every unit; the 15 set aside go to Amazon's 50 all the same.
    expect(ok.filter((channel) => channel === 'web')).toHaveLength(25);
    const held = await db.query("SELECT channel_code, units FROM channel_held WHERE sku_code = 'FENCED' AND units <> 0 ORDER BY channel_code");
    expect(held.map((row) => [row.channel_code, Number(row.units)])).toEqual([['amazon', 15], ['web', 25]]);
    expect(await availability('web', 'FENCED')).toBe(0);
    expect(await availability('amazon', 'FENCED')).toBe(0);
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
