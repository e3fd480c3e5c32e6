import { BUCKETS } from '../../subgraphs/inventory/domain/stock';
import { readLedger } from '../../subgraphs/inventory/store/stock-store';
import { reservedOf, storedViolations } from './stock-invariants';
import { quiet, startWithWarehouses, type InventoryUnderTest } from './inventory-under-test';

// Checkouts that arrive while a hold is being written go together in the next transaction. These
// tests send requests in the same instant, so they are decided together, and check that each one is
// still answered on its own: in arrival order, all lines or none, a refusal costing the others nothing.

let inventory: InventoryUnderTest;

beforeAll(async () => {
  // The relay's poll is far off, so requests to the database can be counted while nothing else sends any.
  inventory = await startWithWarehouses({ web: ['east', 'west'], amazon: ['west'] }, { OUTBOX_POLL_MS: '60000' });
  await inventory.knowSkus(['LAMP', 'SHADE', 'BULB', 'VASE', { code: 'LAMP-SET', components: [{ sku: 'LAMP', quantity: 1 }, { sku: 'BULB', quantity: 2 }] },
    { code: 'VASE-PAIR', components: [{ sku: 'VASE', quantity: 2 }] }]);
  await inventory.receive([
    { type: 'RECEIPT', sku: 'LAMP', location: 'east', quantity: 3 },
    { type: 'RECEIPT', sku: 'LAMP', location: 'west', quantity: 2 },
    { type: 'RECEIPT', sku: 'SHADE', location: 'east', quantity: 10 },
    { type: 'RECEIPT', sku: 'BULB', location: 'west', quantity: 4 },
    { type: 'RECEIPT', sku: 'VASE', location: 'east', quantity: 1000 },
  ]);
});
afterAll(() => inventory.close());

type Attempt = { id: string } | { code: string; message: string };
/** Sends every request in the same instant and answers each with its reservation id or its error code. */
async function atOnce(inputs: { channel: string; idempotencyKey: string; lines: { sku: string; quantity: number }[] }[]): Promise<Attempt[]> {
  const answers = await Promise.allSettled(inputs.map((input) => inventory.services.reservations.reserve(input)));
  return answers.map((answer) => (answer.status === 'fulfilled'
    ? { id: answer.value.id }
    : { code: String((answer.reason as { extensions?: { code?: string } }).extensions?.code ?? answer.reason), message: (answer.reason as Error).message }));
}

describe('checkouts decided together', () => {
  it('are decided in arrival order, each all or nothing, and a refused one takes nothing from the others', async () => {
    const { db } = inventory.services;
    const [first, tooMany, unknown, bundle, last] = await atOnce([
      { channel: 'web', idempotencyKey: 'g-1', lines: [{ sku: 'LAMP', quantity: 3 }, { sku: 'SHADE', quantity: 1 }] },
      // 2 LAMPs are left after the first: this asks for 3 together with a SHADE, so neither is held.
      { channel: 'web', idempotencyKey: 'g-2', lines: [{ sku: 'SHADE', quantity: 5 }, { sku: 'LAMP', quantity: 3 }] },
      { channel: 'web', idempotencyKey: 'g-3', lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }, { sku: 'SHADE', quantity: 1 }] },
      // One LAMP and two BULBs: the set is a bundle, held through its components.
      { channel: 'amazon', idempotencyKey: 'g-4', lines: [{ sku: 'LAMP-SET', quantity: 1 }] },
      { channel: 'web', idempotencyKey: 'g-5', lines: [{ sku: 'LAMP', quantity: 1 }, { sku: 'SHADE', quantity: 2 }] },
    ]);
    expect(first).toHaveProperty('id');
    expect(tooMany).toMatchObject({ code: 'INSUFFICIENT_STOCK', message: expect.stringContaining('LAMP: 3 requested, 2 available') });
    expect(unknown).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('NO-SUCH-SKU') });
    expect(bundle).toHaveProperty('id');
    expect(last).toHaveProperty('id');
    expect(await reservedOf(db, 'LAMP')).toBe(5);
    expect(await reservedOf(db, 'SHADE')).toBe(3);
    expect(await reservedOf(db, 'BULB')).toBe(2);
    // Amazon sells from west only, so the set took west's LAMP before the last web checkout.
    const held = await db.query('SELECT reservation_id, sku_code, location_code, quantity FROM reservation_allocation WHERE sku_code = ?', ['LAMP']);
    const parts = held.map((row) => [row.reservation_id, row.location_code, Number(row.quantity)]);
    expect(parts).toHaveLength(3);
    expect(parts).toEqual(expect.arrayContaining([
      [(first as { id: string }).id, 'east', 3],
      [(bundle as { id: string }).id, 'west', 1],
      [(last as { id: string }).id, 'west', 1],
    ]));
    expect(await storedViolations(db)).toEqual([]);
  });

  it('give each hold its own ledger entry, whose figures follow from the one before', async () => {
    await atOnce(Array.from({ length: 40 }, (_, i) => ({ channel: 'web', idempotencyKey: `vase-${i}`, lines: [{ sku: 'VASE', quantity: 1 + (i % 3) }] })));
    const entries = (await readLedger(inventory.services.db, 'VASE', 'east', 100, null)).reverse();
    const holds = entries.filter((entry) => entry.type === 'RESERVE');
    expect(holds).toHaveLength(40);
    expect(new Set(holds.map((entry) => entry.idempotencyKey)).size).toBe(40);
    for (const [index, entry] of entries.entries()) {
      if (index === 0) continue;
      for (const bucket of BUCKETS) expect(entry.after[bucket]).toBe(entries[index - 1].after[bucket] + entry.deltas[bucket]);
    }
    expect(entries.at(-1)!.after.reserved).toBe(await reservedOf(inventory.services.db, 'VASE'));
  });

  it('answer a key sent twice in one group once, and a key reused for another checkout with IDEMPOTENCY_CONFLICT', async () => {
    const { db } = inventory.services;
    const before = await reservedOf(db, 'VASE');
    const same = { channel: 'web', idempotencyKey: 'twice', lines: [{ sku: 'VASE', quantity: 2 }] };
    const [a, b, other, elsewhere] = await atOnce([
      same, same,
      { channel: 'web', idempotencyKey: 'twice', lines: [{ sku: 'VASE', quantity: 7 }] },
      // Keys belong to a channel: the same key on another channel is another checkout.
      { channel: 'amazon', idempotencyKey: 'twice', lines: [{ sku: 'BULB', quantity: 1 }] },
    ]);
    expect(a).toHaveProperty('id');
    expect(b).toEqual(a);
    expect(other).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(elsewhere).toHaveProperty('id');
    expect(await reservedOf(db, 'VASE')).toBe(before + 2);
    expect(await storedViolations(db)).toEqual([]);
  });

  it('share one transaction among checkouts that arrive while another is written', async () => {
    const { db } = inventory.services;
    const before = db.queries;
    const answers = await atOnce(Array.from({ length: 100 }, (_, i) => ({ channel: 'web', idempotencyKey: `crowd-${i}`, lines: [{ sku: 'VASE', quantity: 1 }] })));
    expect(answers.every((answer) => 'id' in answer)).toBe(true);
    // One hold alone costs about twenty statements; a hundred together cost a few dozen.
    expect(db.queries - before).toBeLessThan(200);
  });

  (process.env.TEST_MYSQL_URL ? it : it.skip)('cost two requests on MySQL: the start with every read, the writes with the COMMIT', async () => {
    const { db } = inventory.services;
    const requests = (keys: string[], sku: string, channel = 'web') => keys.map((key) => ({ channel, idempotencyKey: key, lines: [{ sku, quantity: 1 }] }));
    await atOnce(requests(['rt-warm'], 'VASE'));
    await quiet(db);
    let before = db.queries;
    expect(await atOnce(requests(['rt-1', 'rt-2', 'rt-3'], 'VASE'))).toEqual([expect.objectContaining({ id: expect.any(String) }), expect.anything(), expect.anything()]);
    expect(db.queries - before).toBe(2);
    // A bundle asked for by itself shows only in what the start read: the group rolls back and
    // starts again with its components, so every stock row is locked in key order, all at once.
    await quiet(db);
    before = db.queries;
    const transactions = jest.spyOn(db, 'transactionCommitting');
    expect(await atOnce(requests(['rt-pair'], 'VASE-PAIR'))).toEqual([expect.objectContaining({ id: expect.any(String) })]);
    // The start and its ROLLBACK, the start knowing the components, the writes with the COMMIT.
    expect(transactions).toHaveBeenCalledTimes(2);
    expect(db.queries - before).toBe(4);
    transactions.mockRestore();
  });

  it('tell routing what each held row can sell now, at the version of the row, without reading it back', async () => {
    const { db } = inventory.services;
    await atOnce(Array.from({ length: 10 }, (_, i) => ({ channel: 'web', idempotencyKey: `told-${i}`, lines: [{ sku: 'SHADE', quantity: 1 }] })));
    const [row] = await db.query("SELECT on_hand - committed - reserved - damaged - quality_control - safety_stock AS sellable, version FROM stock_level WHERE sku_code = 'SHADE' AND location_code = 'east'");
    const [told] = await db.query("SELECT sellable, version FROM stock_feed_state WHERE sku_code = 'SHADE' AND location_code = 'east'");
    expect([Number(told.sellable), Number(told.version)]).toEqual([Number(row.sellable), Number(row.version)]);
  });
});
