import { openDatabase, type Database } from '../../shared/database';
import { listAlerts, recordAlert, resolveAlerts } from '../../subgraphs/inventory/store/alert-store';
import { commitmentMigrations } from '../../subgraphs/inventory/store/commitment-migrations';
import { inventoryMigrations } from '../../subgraphs/inventory/store/migrations';
import { dropTestDatabases, testConfig } from '../support/config';

/** The alert list an operations lead reads (SQLite, or MySQL when TEST_MYSQL_URL is set), among many resolved alerts. */
const config = testConfig();
let db: Database;
let open: number[];

beforeAll(async () => {
  db = await openDatabase(config, { name: 'inventory', entities: [], migrations: [...inventoryMigrations, ...commitmentMigrations] });
  open = await db.transaction(async (em) => {
    const ids: number[] = [];
    for (let index = 0; index < 60; index++) {
      ids.push(await recordAlert(em, { kind: index % 2 ? 'DRIFT' : 'SYNC_FAILED', sku: `SKU-${index}`, channel: 'web', location: null, message: `alert ${index}` }));
    }
    // History: all but three were resolved.
    await resolveAlerts(em, ids.filter((_, index) => ![7, 30, 58].includes(index)));
    return [ids[58], ids[30], ids[7]];
  });
});
afterAll(async () => {
  await db.close();
  await dropTestDatabases(config);
});

describe('the alert list', () => {
  it('shows the open alerts, newest first, and the resolved ones apart', async () => {
    expect((await listAlerts(db, null, true)).map((alert) => Number(alert.id))).toEqual(open);
    expect((await listAlerts(db, 'DRIFT', true)).map((alert) => alert.message)).toEqual(['alert 7']);
    const resolved = await listAlerts(db, null, false);
    expect(resolved).toHaveLength(57);
    expect(resolved.every((alert) => alert.resolvedAt !== null)).toBe(true);
  });

  // On SQLite, whose plans do not depend on how many rows there are; MariaDB plans tables this small by their statistics.
  (config.databaseUrl ? it.skip : it)('finds the open alerts by an index instead of walking the resolved ones', async () => {
    const sent: { sql: string; params: unknown[] }[] = [];
    await listAlerts({ query: (sql: string, params: unknown[] = []) => { sent.push({ sql, params }); return db.query(sql, params); } }, null, true);
    const details = (await db.query(`EXPLAIN QUERY PLAN ${sent[0].sql}`, sent[0].params)).map((step: { detail: string }) => step.detail);
    expect(details).toEqual([expect.stringMatching(/^SEARCH alert USING INDEX IDX_alert_resolved_id \(resolved_at=\?\)$/)]);
  });
});
