import { openDatabase, type Database } from '../../shared/database';
import type { BusEvent } from '../../shared/event-bus';
import { handleManyOnce, OUTBOX_MIGRATIONS } from '../../shared/outbox';
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
