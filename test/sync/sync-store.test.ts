import type { EntityManager } from 'typeorm';
import { openDatabase, writeAll, type Database } from '../../shared/database';
import { ChannelError } from '../../subgraphs/sync/connectors/connector';
import { withDefaults } from '../../subgraphs/sync/domain/connector-settings';
import { LeaseStore } from '../../subgraphs/sync/store/channel-health-store';
import { applyListing, availabilityWrites, type AvailabilityChange } from '../../subgraphs/sync/store/listing-copy';
import { syncMigrations } from '../../subgraphs/sync/store/migrations';
import { PushQueue } from '../../subgraphs/sync/store/push-queue';
import { dropTestDatabases, testConfig } from '../support/config';

/** The sync subgraph's store on SQLite, or on MySQL when TEST_MYSQL_URL is set. */
const config = testConfig();
let db: Database;
let queue: PushQueue;
const settings = withDefaults({ channel: 'amazon', kind: 'AMAZON', baseUrl: 'http://127.0.0.1:1', credentials: { accessToken: 'x' }, amazon: { sellerId: 'S' }, retry: { baseMs: 10_000, maxMs: 60_000, maxAttempts: 3 } });
const now = () => new Date().toISOString();
/** Applies a run of availability changes as sync's consumer does; returns the channels with a listing that may have moved. */
async function applyAvailability(em: EntityManager, changes: readonly AvailabilityChange[], at: string): Promise<Set<string>> {
  const { writes, moved } = await availabilityWrites(em, db.dialect, changes, at);
  await writeAll(em, writes);
  return moved;
}
const available = (seq: number, value: number, sku = 'A') =>
  db.transaction(async (em) => (await applyAvailability(em, [{ channel: 'amazon', sku, available: value, seq }], now())).size > 0);

beforeAll(async () => {
  db = await openDatabase(config, { name: 'sync', entities: [], migrations: syncMigrations });
  queue = new PushQueue(db);
  await db.transaction((em) => applyListing(em, { channel: 'amazon', externalId: 'L-A', sku: 'A', unitsPerListing: 1 }, now()));
});
afterAll(async () => {
  await db.close();
  await dropTestDatabases(config);
});

describe('the sync store', () => {
  it('coalesces: fifty changes of one SKU leave one due listing with the newest availability', async () => {
    for (let seq = 1; seq <= 50; seq++) await available(seq, 100 - seq);
    const due = await queue.due('amazon', Date.now(), 10);
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ externalId: 'L-A', available: 50, state: 'PENDING' });
  });

  it('applies a run of changes as one: the newest of each SKU wins, whatever the order they arrive in', async () => {
    const run = [{ seq: 31, available: 69 }, { seq: 29, available: 71 }, { seq: 30, available: 70 }];
    const moved = await db.transaction((em) => applyAvailability(em, run.map((change) => ({ channel: 'amazon', sku: 'C', ...change })), now()));
    expect([...moved]).toEqual(['amazon']);
    const [row] = await db.query("SELECT available, seq FROM channel_availability WHERE channel_code = 'amazon' AND sku_code = 'C'");
    expect({ available: Number(row.available), seq: Number(row.seq) }).toEqual({ available: 69, seq: 31 });
  });

  it('judges each channel’s change by what that channel holds, in a run over several channels', async () => {
    const held = async () => (await db.query("SELECT channel_code, available, seq FROM channel_availability WHERE sku_code = 'D' ORDER BY channel_code"))
      .map((row: { channel_code: string; available: number; seq: number }) => [row.channel_code, Number(row.available), Number(row.seq)]);
    await db.transaction((em) => applyAvailability(em, [{ channel: 'amazon', sku: 'D', available: 5, seq: 40 }, { channel: 'shop', sku: 'D', available: 8, seq: 20 }], now()));
    // Sequence 30 is older than amazon's 40 and newer than shop's 20.
    const moved = await db.transaction((em) => applyAvailability(em, [{ channel: 'amazon', sku: 'D', available: 1, seq: 30 }, { channel: 'shop', sku: 'D', available: 2, seq: 30 }], now()));
    expect([...moved]).toEqual(['shop']);
    expect(await held()).toEqual([['amazon', 5, 40], ['shop', 2, 30]]);
  });

  it('ignores an availability older than the one it holds (redelivered out of order)', async () => {
    expect(await available(10, 7)).toBe(false);
    expect(await available(50, 7)).toBe(false);
    expect((await queue.due('amazon', Date.now(), 10))[0].available).toBe(50);
  });

  it('an acknowledgement settles the listing only for the version it pushed', async () => {
    const [claimed] = await queue.due('amazon', Date.now(), 10);
    await available(51, 49);
    await queue.acknowledge('amazon', [{ externalId: 'L-A', version: claimed.version, quantity: 50 }], Date.now(), Date.now());
    const [again] = await queue.due('amazon', Date.now(), 10);
    expect(again).toMatchObject({ externalId: 'L-A', available: 49, state: 'ACKNOWLEDGED', pushedQuantity: 50 });
    await queue.acknowledge('amazon', [{ externalId: 'L-A', version: again.version, quantity: 49 }], Date.now(), Date.now());
    expect(await queue.due('amazon', Date.now(), 10)).toEqual([]);
  });

  it('a listing that changed while its push was in flight goes behind those that waited longer', async () => {
    await available(53, 47);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await db.transaction((em) => applyListing(em, { channel: 'amazon', externalId: 'L-B', sku: 'B', unitsPerListing: 1 }, now()));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const claimedAt = Date.now();
    const a = (await queue.due('amazon', claimedAt, 10)).find((listing) => listing.externalId === 'L-A')!;
    expect((await queue.due('amazon', claimedAt, 10)).map((listing) => listing.externalId)).toEqual(['L-A', 'L-B']);
    await available(54, 46);
    await queue.acknowledge('amazon', [{ externalId: 'L-A', version: a.version, quantity: 47 }], claimedAt, Date.now());
    const after = await queue.due('amazon', Date.now(), 10);
    expect(after.map((listing) => listing.externalId)).toEqual(['L-B', 'L-A']);
    await queue.acknowledge('amazon', after.map((listing) => ({ externalId: listing.externalId, version: listing.version, quantity: listing.externalId === 'L-A' ? 46 : 0 })), Date.now(), Date.now());
  });

  it('a failed push waits its backoff, and after maxAttempts is parked with a SYNC_FAILED alert', async () => {
    await available(60, 48);
    const failed = async () => {
      const [listing] = await queue.due('amazon', Date.now() + 600_000, 10);
      return queue.fail('amazon', [{ externalId: 'L-A', version: listing.version, quantity: 48, error: new ChannelError('unreachable', 'HTTP 503') }], settings, Date.now());
    };
    expect(await failed()).toBe(0);
    expect(await queue.due('amazon', Date.now(), 10)).toEqual([]);
    expect(await queue.due('amazon', Date.now() + 10_000, 10)).toHaveLength(1);
    expect(await failed()).toBe(0);
    expect(await failed()).toBe(1);
    expect(await queue.due('amazon', Date.now() + 600_000, 10)).toEqual([]);
    const events = await db.query("SELECT payload FROM outbox WHERE topic = 'sync.alert'");
    expect(events.map((row) => JSON.parse(row.payload))).toEqual([expect.objectContaining({ kind: 'SYNC_FAILED', channel: 'amazon', sku: 'A', resolved: false })]);
    expect(await queue.unpark('amazon', Date.now(), 0)).toBe(1);
    expect(await queue.due('amazon', Date.now(), 10)).toHaveLength(1);
  });

  it('a channel lease is held by one process at a time, and passes on once it lapses', async () => {
    const leases = new LeaseStore(db);
    expect(await leases.hold('shop', 'one', 200)).toBe(true);
    expect(await leases.hold('shop', 'two', 200)).toBe(false);
    expect(await leases.hold('shop', 'one', 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await leases.hold('shop', 'two', 200)).toBe(true);
    expect(await leases.hold('shop', 'one', 200)).toBe(false);
    await leases.release('shop', 'two');
    expect(await leases.hold('shop', 'one', 200)).toBe(true);
  });
});
