import { openDatabase, type Database } from '../../shared/database';
import type { BusEvent } from '../../shared/event-bus';
import { handleManyOnce, OUTBOX_MIGRATIONS } from '../../shared/outbox';
import { pruneProcessedEvents } from '../../shared/processed-events';
import { dropTestDatabases, testConfig } from '../support/config';

/** A consumer's batches on SQLite, or on MySQL when TEST_MYSQL_URL is set. */
const config = testConfig();
let db: Database;

beforeAll(async () => {
  db = await openDatabase(config, { name: 'consumer', entities: [], migrations: OUTBOX_MIGRATIONS });
  await db.transaction((em) => em.query('CREATE TABLE applied (event_id VARCHAR(50) NOT NULL, n INTEGER NOT NULL)'));
});
afterAll(async () => {
  await db.close();
  await dropTestDatabases(config);
});

const event = (id: string, topic = 'test.happened'): BusEvent => ({ id, topic, key: id, payload: {}, at: new Date().toISOString() });
const figure = (id: string) => event(id, 'test.figure');
/** Applies a batch: every event adds a row; the batch ends with the writes `last` gives. */
const deliver = (events: BusEvent[], last: { sql: string; params: unknown[] }[] = []) =>
  handleManyOnce(db, 'tester', events, async (em, e) => { await em.query('INSERT INTO applied (event_id, n) VALUES (?, 1)', [e.id]); },
    async () => last, (e) => e.topic === 'test.figure');
const applied = async () => (await db.query('SELECT event_id FROM applied ORDER BY event_id')).map((row: { event_id: string }) => row.event_id);
const recorded = async () => (await db.query("SELECT event_id FROM processed_event WHERE consumer = 'tester' ORDER BY event_id")).map((row: { event_id: string }) => row.event_id);

describe('a consumer’s batch of events', () => {
  it('applies each event once, whatever is delivered again, and records it in the same transaction', async () => {
    expect(await deliver([event('a'), event('b')])).toBe(2);
    expect(await deliver([event('a'), event('b'), event('c'), event('c')])).toBe(1);
    expect(await applied()).toEqual(['a', 'b', 'c']);
    expect(await recorded()).toEqual(['a', 'b', 'c']);
  });

  it('leaves nothing applied and nothing recorded when its last writes fail, so a redelivery applies it', async () => {
    // A row without its event id: refused by the table when it is written.
    const failing = { sql: 'INSERT INTO applied (event_id, n) VALUES (?, ?)', params: [null, 1] };
    await expect(deliver([event('d')], [failing])).rejects.toThrow();
    expect(await applied()).toEqual(['a', 'b', 'c']);
    expect(await deliver([event('d')])).toBe(1);
    expect(await recorded()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('applies events that carry their own version on every delivery, and keeps no record of them', async () => {
    expect(await deliver([figure('f1'), event('e')])).toBe(2);
    expect(await deliver([figure('f1'), event('e')])).toBe(1);
    expect((await applied()).filter((id: string) => id === 'f1')).toEqual(['f1', 'f1']);
    expect(await recorded()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('consumers’ records past their retention', () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  /** Records `ids` as applied by `consumer` at `at`, as a batch then would have. */
  const recordAt = (consumer: string, ids: string[], at: string) => db.transaction(async (em) => {
    for (const id of ids) await em.query('INSERT INTO processed_event (consumer, event_id, processed_at) VALUES (?, ?, ?)', [consumer, id, at]);
  });
  const records = async () => (await db.query('SELECT consumer, event_id FROM processed_event ORDER BY consumer, event_id'))
    .map((row: { consumer: string; event_id: string }) => `${row.consumer}/${row.event_id}`);

  beforeEach(async () => {
    await db.transaction((em) => em.query('DELETE FROM processed_event'));
  });

  it('are deleted for every consumer, while younger ones stay and still turn a redelivery away', async () => {
    await recordAt('routing', ['old-1', 'old-2'], daysAgo(9));
    await recordAt('sync', ['old-3'], daysAgo(8));
    await recordAt('routing', ['young-1'], daysAgo(6));
    expect(await deliver([event('young-2')])).toBe(1);

    expect(await pruneProcessedEvents(db, new Date(Date.now() - 7 * 86_400_000))).toBe(3);
    expect(await records()).toEqual(['routing/young-1', 'tester/young-2']);
    expect(await deliver([event('young-2')])).toBe(0);
  });

  it('go a chunk a transaction until none is left, however many there are', async () => {
    await recordAt('orders', Array.from({ length: 11 }, (_, i) => `old-${i}`), daysAgo(30));
    await recordAt('orders', ['young'], daysAgo(1));
    expect(await pruneProcessedEvents(db, new Date(Date.now() - 7 * 86_400_000), 4)).toBe(11);
    expect(await records()).toEqual(['orders/young']);
    expect(await pruneProcessedEvents(db, new Date(Date.now() - 7 * 86_400_000), 4)).toBe(0);
  });
});
