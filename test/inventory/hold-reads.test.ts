import { insertStatements, openDatabase, writeAll, type Database } from '../../shared/database';
import { availabilityWithBundlesRead } from '../../subgraphs/inventory/store/availability-feed';
import { commitmentMigrations } from '../../subgraphs/inventory/store/commitment-migrations';
import { inventoryMigrations } from '../../subgraphs/inventory/store/migrations';
import { dropTestDatabases, testConfig } from '../support/config';

/**
 * What a hold group reads of what was last published, on the inventory schema (SQLite, or MySQL
 * when TEST_MYSQL_URL is set): the rows of its SKUs and of the bundles made of them, found by key
 * however many SKUs the catalog has.
 */
const config = testConfig();
const SKUS = Array.from({ length: 500 }, (_, index) => `SKU-${String(index).padStart(3, '0')}`);
const CHANNELS = ['amazon', 'web'];
let db: Database;

beforeAll(async () => {
  db = await openDatabase(config, { name: 'inventory', entities: [], migrations: [...inventoryMigrations, ...commitmentMigrations] });
  const now = new Date().toISOString();
  await db.transaction((em) => writeAll(em, [
    ...insertStatements('channel', ['code', 'name', 'buffer_units', 'paused', 'updated_at'], [...CHANNELS, 'pos'].map((code) => [code, code, 0, 0, now])),
    ...insertStatements('availability_state', ['channel_code', 'sku_code', 'available'],
      [...CHANNELS, 'pos'].flatMap((channel) => [...SKUS, 'GIFT-BOX'].map((sku, index) => [channel, sku, index]))),
    // GIFT-BOX is made of two of the SKUs asked for below.
    ...insertStatements('bundle_component', ['bundle_code', 'component_code', 'quantity'], [['GIFT-BOX', 'SKU-010', 1], ['GIFT-BOX', 'SKU-011', 2]]),
  ]));
  if (db.dialect === 'mysql') await db.query('ANALYZE TABLE availability_state, bundle_component, channel');
});
afterAll(async () => {
  await db.close();
  await dropTestDatabases(config);
});

const asked = ['SKU-010', 'SKU-011', 'SKU-012'];

describe('what a checkout reads of the availability last published', () => {
  it('finds the rows of its SKUs and of every bundle made of them, on its channels only', async () => {
    const read = availabilityWithBundlesRead(CHANNELS, asked);
    const rows = await db.query(read.sql, read.params);
    const found = new Set(rows.map((row: { channel_code: string; sku_code: string }) => `${row.channel_code}|${row.sku_code}`));
    expect([...found].sort()).toEqual(CHANNELS.flatMap((channel) => [...asked, 'GIFT-BOX'].map((sku) => `${channel}|${sku}`)).sort());
  });

  it('reaches each row by its key instead of walking every row of a channel', async () => {
    const read = availabilityWithBundlesRead(CHANNELS, asked);
    if (db.dialect === 'mysql') {
      const plan: { table: string; type: string; rows: string | number }[] = await db.query(`EXPLAIN ${read.sql}`, read.params);
      const availability = plan.filter((step) => step.table === 'availability_state' || step.table === 'a');
      expect(availability).toHaveLength(2);
      // A walk of the channels' rows would be estimated at about 1,000 (500 SKUs on each of two channels).
      for (const step of availability) expect(Number(step.rows)).toBeLessThanOrEqual(2 * asked.length);
    } else {
      const plan: { detail: string }[] = await db.query(`EXPLAIN QUERY PLAN ${read.sql}`, read.params);
      const availability = plan.map((step) => step.detail).filter((detail) => /availability_state|SEARCH a |SCAN a /.test(detail));
      expect(availability).toHaveLength(2);
      for (const detail of availability) expect(detail).toMatch(/\(channel_code=\? AND sku_code=\?\)/);
    }
  });
});
