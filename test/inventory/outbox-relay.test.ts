import { openDatabase, type Database } from '../../shared/database';
import type { BusEvent, EventBus } from '../../shared/event-bus';
import { createLogger } from '../../shared/logger';
import { enqueue, enqueueMany, NumberOutboxOnWrite1700000003000, OUTBOX_MIGRATIONS, OutboxRelay, PublishedWatermark1700000004000 } from '../../shared/outbox';
import { FLUSH_BUSY_MS, unpublishedEvents } from '../../shared/outbox-relay';
import { dropTestDatabases, testConfig } from '../support/config';

/** The outbox relay on SQLite, or on MySQL when TEST_MYSQL_URL is set, publishing to a bus that records what it gets. */
const config = testConfig();
let db: Database;
let relay: OutboxRelay;
const published: BusEvent[][] = [];
const bus: EventBus = {
  publish: async (events) => { published.push(events); },
  consume: async () => undefined,
  consumeBatches: async () => undefined,
  listen: () => () => undefined,
  close: async () => undefined,
};

const commit = (key: string) => db.transaction((em) => enqueue(em, 'test.happened', key, { key }));
const waitFor = async (condition: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

beforeAll(async () => {
  db = await openDatabase(config, { name: 'relay', entities: [], migrations: OUTBOX_MIGRATIONS });
  relay = new OutboxRelay(db, bus, 'relay', createLogger('silent'));
});
afterAll(async () => {
  await relay.stop();
  await db.close();
  await dropTestDatabases(config);
});
beforeEach(() => { published.length = 0; });
/** Numbering by the relay happens on MySQL only; SQLite numbers rows as it writes them. */
const onMysql = config.databaseUrl ? it : it.skip;
const onSqlite = config.databaseUrl ? it.skip : it;

describe('the outbox relay', () => {
  it('serves asks that come within a few milliseconds of each other with one drain, in commit order', async () => {
    // Committed first, then asked together: a commit's own time (an fsync on a busy MySQL can
    // take tens of milliseconds) is not what this measures.
    for (const key of ['a', 'b', 'c']) await commit(key);
    for (let ask = 0; ask < 3; ask++) relay.flushSoon();
    await waitFor(() => published.flat().length === 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(published).toHaveLength(1);
    expect(published[0].map((event) => [event.key, event.seq])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  onMysql('the relay numbers rows gaplessly in id order when their ids are not consecutive (inserts rolled back in between)', async () => {
    const [{ last }] = await db.query('SELECT MAX(id) AS last FROM outbox');
    const ids = [Number(last) + 1, Number(last) + 2, Number(last) + 5, Number(last) + 9, Number(last) + 10];
    await db.transaction(async (em) => {
      for (const id of ids) {
        await em.query('INSERT INTO outbox (id, topic, aggregate_key, payload, created_at) VALUES (?, ?, ?, ?, ?)', [id, 'test.happened', `id-${id}`, '{}', new Date().toISOString()]);
      }
    });
    await relay.flush();
    expect(published.flat().map((event) => [event.key, event.seq])).toEqual(ids.map((id, index) => [`id-${id}`, 4 + index]));
  });

  const numbers = async (keys: string[]) => (await db.query(`SELECT aggregate_key, seq FROM outbox WHERE aggregate_key IN (${keys.map(() => '?').join(', ')}) ORDER BY id`, keys))
    .map((row: { aggregate_key: string; seq: number | null }) => [row.aggregate_key, row.seq === null ? null : Number(row.seq)]);

  it('on SQLite numbers rows as they are written, after the last number or the last pruned, and on MySQL leaves that to the relay', async () => {
    await relay.flush();
    const [{ last }] = await db.query('SELECT MAX(seq) AS last FROM outbox');
    await db.transaction((em) => enqueueMany(em, [{ topic: 't', key: 'w1', payload: {} }, { topic: 't', key: 'w2', payload: {} }]));
    await commit('w3');
    if (db.dialect === 'mysql') {
      expect(await numbers(['w1', 'w2', 'w3'])).toEqual([['w1', null], ['w2', null], ['w3', null]]);
      return;
    }
    expect(await numbers(['w1', 'w2', 'w3'])).toEqual([['w1', Number(last) + 1], ['w2', Number(last) + 2], ['w3', Number(last) + 3]]);
    // Everything published was pruned up to a number beyond any row: numbering goes on after it.
    await relay.flush();
    await db.transaction((em) => em.query("UPDATE outbox_state SET pruned_through = ? WHERE name = 'relay'", [Number(last) + 100]));
    await commit('w4');
    expect(await numbers(['w4'])).toEqual([['w4', Number(last) + 101]]);
    await relay.flush();
    expect(published.flat().map((event) => [event.key, event.seq])).toEqual([['w1', Number(last) + 1], ['w2', Number(last) + 2], ['w3', Number(last) + 3], ['w4', Number(last) + 101]]);
  });

  onSqlite('numbers, on upgrade, the rows an earlier version left for its relay, before any written after', async () => {
    await relay.flush();
    const [{ last }] = await db.query('SELECT MAX(seq) AS last FROM outbox');
    await db.transaction(async (em) => {
      for (const key of ['old1', 'old2']) await em.query('INSERT INTO outbox (topic, aggregate_key, payload, created_at) VALUES (?, ?, ?, ?)', ['t', key, '{}', new Date().toISOString()]);
    });
    await db.transaction((em) => new NumberOutboxOnWrite1700000003000().up(em.queryRunner!));
    await commit('new1');
    expect(await numbers(['old1', 'old2', 'new1'])).toEqual([['old1', Number(last) + 1], ['old2', Number(last) + 2], ['new1', Number(last) + 3]]);
  });

  const publishedThrough = async () => Number((await db.query("SELECT published_through FROM outbox_state WHERE name = 'relay'"))[0].published_through);

  it('marks what it published by moving one number, and counts as pending only what lies past it', async () => {
    await relay.flush();
    published.length = 0;
    expect(await unpublishedEvents(db)).toBe(0);
    await commit('m1');
    await commit('m2');
    expect(await unpublishedEvents(db)).toBe(2);
    await relay.flush();
    const [{ last }] = await db.query('SELECT MAX(seq) AS last FROM outbox');
    expect(await publishedThrough()).toBe(Number(last));
    expect(await unpublishedEvents(db)).toBe(0);
    expect(published.flat().map((event) => event.key)).toEqual(['m1', 'm2']);
    // Nothing is published twice: the next drain starts after the mark.
    await relay.flush();
    expect(published.flat()).toHaveLength(2);
  });

  it('sets the mark, on upgrade, from the rows an earlier version stamped as published', async () => {
    await relay.flush();
    published.length = 0;
    const [{ last }] = await db.query('SELECT MAX(seq) AS last FROM outbox');
    const base = Number(last);
    await db.transaction(async (em) => {
      const runner = em.queryRunner!;
      await new PublishedWatermark1700000004000().down(runner);
      const at = new Date().toISOString();
      for (const [offset, key, publishedAt] of [[1, 'up1', at], [2, 'up2', at], [3, 'up3', null]] as const) {
        await em.query('INSERT INTO outbox (topic, aggregate_key, payload, created_at, published_at, seq) VALUES (?, ?, ?, ?, ?, ?)', ['t', key, '{}', at, publishedAt, base + offset]);
      }
      await new PublishedWatermark1700000004000().up(runner);
    });
    expect(await publishedThrough()).toBe(base + 2);
    expect(await unpublishedEvents(db)).toBe(1);
    await relay.flush();
    expect(published.flat().map((event) => [event.key, event.seq])).toEqual([['up3', base + 3]]);
    expect(await db.query("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_key IN ('up1', 'up2')").then((rows) => Number(rows[0].n))).toBe(2);
  });

  it('while commits keep asking, drains start no closer than FLUSH_BUSY_MS apart, and every event still leaves in order', async () => {
    // Out of the first test's pace: a drain long ago leaves the first ask its short wait.
    await new Promise((resolve) => setTimeout(resolve, FLUSH_BUSY_MS));
    const keys = Array.from({ length: 30 }, (_, i) => `paced-${i}`);
    const started = Date.now();
    for (const key of keys) {
      await commit(key);
      relay.flushSoon();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await waitFor(() => published.flat().length === keys.length);
    const elapsed = Date.now() - started;
    expect(published.flat().map((event) => event.key)).toEqual(keys);
    // Asked every few milliseconds, a drain each FLUSH_SOON_MS would be several times as many.
    expect(published.length).toBeLessThanOrEqual(Math.ceil(elapsed / FLUSH_BUSY_MS) + 1);
    expect(published.length).toBeGreaterThan(1);
  });

  it('keeps its database in bounds: published events past their retention go, and consumers’ records of events applied before theirs', async () => {
    await commit('kept-in-bounds');
    await relay.flush();
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await db.transaction(async (em) => {
      await em.query('UPDATE outbox SET created_at = ?', [daysAgo(4)]);
      await em.query('INSERT INTO processed_event (consumer, event_id, processed_at) VALUES (?, ?, ?), (?, ?, ?)',
        ['sync', 'inventory:1', daysAgo(8), 'sync', 'inventory:2', daysAgo(6)]);
    });
    const [{ n: rows }] = await db.query('SELECT COUNT(*) AS n FROM outbox');

    expect(await relay.keepInBounds({ changesHours: 72, recordsHours: 168 })).toEqual({ changes: Number(rows), records: 1 });
    expect((await db.query('SELECT event_id FROM processed_event')).map((row: { event_id: string }) => row.event_id)).toEqual(['inventory:2']);
    expect(await relay.keepInBounds({ changesHours: 72, recordsHours: 168 })).toEqual({ changes: 0, records: 0 });
  });

  it('prunes published rows oldest first, a chunk a transaction, and stops at the first still within the retention or unpublished', async () => {
    await relay.flush();
    await relay.prune(new Date(Date.now() + 60_000));
    for (const key of ['a', 'b', 'c', 'd', 'e']) await commit(`pruned-${key}`);
    await relay.flush();
    await commit('pruned-f');
    const fourDaysAgo = new Date(Date.now() - 4 * 86_400_000).toISOString();
    await db.transaction((em) => em.query("UPDATE outbox SET created_at = ? WHERE aggregate_key <> 'pruned-d'", [fourDaysAgo]));
    const left = async () => (await db.query('SELECT aggregate_key FROM outbox ORDER BY id')).map((row: { aggregate_key: string }) => row.aggregate_key);
    const prunedThrough = async () => Number((await db.query("SELECT pruned_through FROM outbox_state WHERE name = 'relay'"))[0].pruned_through);
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);

    expect(await relay.prune(threeDaysAgo, 2)).toBe(3);
    expect(await left()).toEqual(['pruned-d', 'pruned-e', 'pruned-f']);
    const [{ seq: c }] = await db.query("SELECT seq - 1 AS seq FROM outbox WHERE aggregate_key = 'pruned-d'");
    expect(await prunedThrough()).toBe(Number(c));

    await db.transaction((em) => em.query("UPDATE outbox SET created_at = ? WHERE aggregate_key = 'pruned-d'", [fourDaysAgo]));
    expect(await relay.prune(threeDaysAgo, 2)).toBe(2);
    expect(await left()).toEqual(['pruned-f']);
    await relay.flush();
  });

  it('a relay that stops hands its lease over at once: another replica publishes what is left without waiting for it to lapse', async () => {
    await relay.flush();
    const theirs: BusEvent[][] = [];
    const replica = new OutboxRelay(db, { ...bus, publish: async (events) => { theirs.push(events); } }, 'relay', createLogger('silent'));
    try {
      await commit('left-1');
      // The lease is the running relay's: the replica publishes nothing.
      await replica.flush();
      expect(theirs).toEqual([]);
      await relay.stop();
      await commit('left-2');
      await replica.flush();
      expect(theirs.flat().map((event) => event.key)).toEqual(['left-1', 'left-2']);
    } finally {
      await replica.stop();
    }
  });

  it('a relay stopped while its bus does not answer keeps the lease, so no replica publishes beside its drain', async () => {
    // The bus takes the stuck relay's batch and answers only when the test says so.
    const bus$: { answer?: () => void } = {};
    const stuck = new OutboxRelay(db, { ...bus, publish: () => new Promise<void>((resolve) => { bus$.answer = resolve; }) }, 'relay', createLogger('silent'));
    const theirs: BusEvent[][] = [];
    const replica = new OutboxRelay(db, { ...bus, publish: async (events) => { theirs.push(events); } }, 'relay', createLogger('silent'));
    try {
      await commit('stuck-1');
      const draining = stuck.flush();
      await waitFor(() => bus$.answer !== undefined);
      await stuck.stop(20);
      await replica.flush();
      expect(theirs).toEqual([]);
      // Once the bus answers the drain ends, and a later stop hands the lease over.
      bus$.answer!();
      await draining;
      await stuck.stop();
      await commit('stuck-2');
      await replica.flush();
      expect(theirs.flat().map((event) => event.key)).toEqual(['stuck-2']);
    } finally {
      bus$.answer?.();
      await replica.stop();
    }
  });
});
