import { openDatabase, type Database } from '../../shared/database';
import { AddBackorderIndex1700000000003, routingMigrations } from '../../subgraphs/routing/store/migrations';
import { backordersOf, insertOrder, lockOrder, olderBackorders, updateOrder, type AcceptedOrder } from '../../subgraphs/routing/store/order-copy';
import { dropTestDatabases, testConfig } from '../support/config';

/**
 * Routing's queue of backorders (SQLite, or MySQL when TEST_MYSQL_URL is set): the orders waiting
 * for a SKU, oldest first, and the units older orders wait for, found by the SKU's key.
 */
const config = testConfig();
const spec = { name: 'routing', entities: [], migrations: routingMigrations };
let db: Database;

const accepted = (orderId: string, placedAt: string): AcceptedOrder => ({
  orderId, channel: 'web', externalId: `ext-${orderId}`, placedAt, shipTo: { country: 'US', postalCode: null }, shipBy: null, deliverBy: null,
  express: false, reservationId: null, units: [],
});

/** Records the order, then leaves it in `state` waiting for `backordered`, as routing's decisions do. */
async function orderIn(orderId: string, placedAt: string, state: 'BACKORDERED' | 'ROUTED', backordered: { sku: string; quantity: number }[]) {
  await db.transaction(async (em) => {
    await insertOrder(em, db.dialect, accepted(orderId, placedAt));
    const order = (await lockOrder(em, db.dialect, orderId))!;
    await updateOrder(em, { ...order, state, backordered });
  });
}

const ids = (orders: { orderId: string }[]) => orders.map((order) => order.orderId);

beforeAll(async () => {
  // An order already backordered before the queue existed is found through it once it is made.
  db = await openDatabase(config, { ...spec, migrations: routingMigrations.filter((migration) => migration !== AddBackorderIndex1700000000003) });
  await db.transaction(async (em) => {
    await insertOrder(em, db.dialect, accepted('o-0', '2026-11-01T09:00:00.000Z'));
    await em.query("UPDATE routing_order SET state = 'BACKORDERED', backordered = ? WHERE order_id = 'o-0'", [JSON.stringify([{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 2 }])]);
  });
  await db.close();
  db = await openDatabase(config, spec);
  await orderIn('o-1', '2026-11-01T10:00:00.000Z', 'BACKORDERED', [{ sku: 'A', quantity: 2 }]);
  await orderIn('o-2', '2026-11-01T11:00:00.000Z', 'BACKORDERED', [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 3 }]);
  await orderIn('o-3', '2026-11-01T08:00:00.000Z', 'ROUTED', []);
  await orderIn('o-4', '2026-11-01T12:00:00.000Z', 'BACKORDERED', [{ sku: 'B', quantity: 1 }]);
  // Placed at the same moment as o-2: the order id breaks the tie.
  await orderIn('o-10', '2026-11-01T11:00:00.000Z', 'BACKORDERED', [{ sku: 'B', quantity: 4 }]);
});
afterAll(async () => {
  await db.close();
  await dropTestDatabases(config);
});

describe('the orders waiting for stock', () => {
  it('come oldest first for the SKUs that arrived, including one backordered before the queue existed', async () => {
    expect(ids(await backordersOf(db, ['A']))).toEqual(['o-0', 'o-1', 'o-2']);
    expect(ids(await backordersOf(db, ['B']))).toEqual(['o-10', 'o-2', 'o-4']);
    expect(ids(await backordersOf(db, ['A', 'B', 'Z']))).toEqual(['o-0', 'o-1', 'o-10', 'o-2', 'o-4']);
    expect(await backordersOf(db, ['Z'])).toEqual([]);
  });

  it('count what older orders wait for, not the order itself nor younger ones', async () => {
    const o2 = { placedAt: new Date('2026-11-01T11:00:00.000Z'), orderId: 'o-2' };
    expect(Object.fromEntries(await olderBackorders(db, ['A', 'B'], o2))).toEqual({ A: 3 + 2, B: 4 });
    const first = { placedAt: new Date('2026-11-01T09:00:00.000Z'), orderId: 'o-0' };
    expect(Object.fromEntries(await olderBackorders(db, ['A'], first))).toEqual({});
  });

  it('leave the queue once routed, and join it again with what they then wait for', async () => {
    await db.transaction(async (em) => {
      const order = (await lockOrder(em, db.dialect, 'o-1'))!;
      await updateOrder(em, { ...order, state: 'ROUTED', backordered: [] });
    });
    expect(ids(await backordersOf(db, ['A']))).toEqual(['o-0', 'o-2']);
    await db.transaction(async (em) => {
      const order = (await lockOrder(em, db.dialect, 'o-1'))!;
      await updateOrder(em, { ...order, state: 'BACKORDERED', backordered: [{ sku: 'B', quantity: 1 }] });
    });
    expect(ids(await backordersOf(db, ['A']))).toEqual(['o-0', 'o-2']);
    expect(ids(await backordersOf(db, ['B']))).toEqual(['o-1', 'o-10', 'o-2', 'o-4']);
  });

  // On SQLite, whose plans do not depend on how many rows there are; MariaDB plans tables this small by their statistics.
  (config.databaseUrl ? it.skip : it)('are found by the SKU key, without walking every backordered order', async () => {
    const sent: { sql: string; params: unknown[] }[] = [];
    const recording = { query: (sql: string, params: unknown[] = []) => { sent.push({ sql, params }); return db.query(sql, params); } };
    await backordersOf(recording, ['A', 'B']);
    await olderBackorders(recording, ['A', 'B'], { placedAt: new Date('2026-11-01T11:00:00.000Z'), orderId: 'o-2' });
    expect(sent).toHaveLength(2);
    for (const { sql, params } of sent) {
      const details = (await db.query(`EXPLAIN QUERY PLAN ${sql}`, params)).map((step: { detail: string }) => step.detail);
      // The queue by its SKU key; an order, if read at all, by its own key.
      expect(details.some((detail: string) => /^SEARCH (b|routing_backorder) USING .*routing_backorder.* \(sku_code=\?/.test(detail))).toBe(true);
      expect(details.filter((detail: string) => /routing_order/.test(detail) && !/\(order_id=\?\)/.test(detail))).toEqual([]);
    }
  });
});
