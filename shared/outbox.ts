import { AsyncLocalStorage } from 'node:async_hooks';
import { Table, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { Database } from './database';
import type { BusEvent, EventBus } from './event-bus';
import type { Logger } from './logger';

/** Creates the outbox and the processed-event record every subgraph database has. */
export class CreateOutbox1700000000000 implements MigrationInterface {
  name = 'CreateOutbox1700000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'outbox',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'topic', type: 'varchar', length: '100' },
        { name: 'aggregate_key', type: 'varchar', length: '200' },
        { name: 'payload', type: 'text' },
        { name: 'created_at', type: 'varchar', length: '30' },
        { name: 'published_at', type: 'varchar', length: '30', isNullable: true },
      ],
      indices: [{ columnNames: ['published_at', 'id'] }],
    }));
    await runner.createTable(new Table({
      name: 'processed_event',
      columns: [
        { name: 'consumer', type: 'varchar', length: '100', isPrimary: true },
        { name: 'event_id', type: 'varchar', length: '150', isPrimary: true },
        { name: 'processed_at', type: 'varchar', length: '30' },
      ],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('processed_event');
    await runner.dropTable('outbox');
  }
}

/** Writes an event in the caller's transaction; it leaves only once that transaction commits. */
export async function enqueue(em: EntityManager, topic: string, key: string, payload: unknown): Promise<void> {
  await em.query('INSERT INTO outbox (topic, aggregate_key, payload, created_at) VALUES (?, ?, ?, ?)', [
    topic,
    key,
    JSON.stringify(payload),
    new Date().toISOString(),
  ]);
}

/** Writes many events in the caller's transaction, a few hundred rows per statement. */
export async function enqueueMany(em: EntityManager, events: { topic: string; key: string; payload: unknown }[]): Promise<void> {
  const at = new Date().toISOString();
  for (let start = 0; start < events.length; start += 500) {
    const chunk = events.slice(start, start + 500);
    await em.query(
      `INSERT INTO outbox (topic, aggregate_key, payload, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((event) => [event.topic, event.key, JSON.stringify(event.payload), at]),
    );
  }
}

/**
 * Runs `apply` at most once per (consumer, event), in one transaction with the record that it
 * ran, so a redelivered event is skipped and a crash mid-way leaves neither half behind.
 */
export async function handleOnce(
  db: Database,
  consumer: string,
  event: BusEvent,
  apply: (em: EntityManager) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (em) => {
    const done = await em.query('SELECT 1 AS done FROM processed_event WHERE consumer = ? AND event_id = ?', [consumer, event.id]);
    if (done.length > 0) return false;
    await em.query('INSERT INTO processed_event (consumer, event_id, processed_at) VALUES (?, ?, ?)', [
      consumer,
      event.id,
      new Date().toISOString(),
    ]);
    await apply(em);
    return true;
  });
}

/**
 * Applies a batch of events in one transaction, each at most once per consumer: events already
 * recorded (a redelivery) are skipped, the rest are applied in order and recorded together.
 * Returns how many were applied.
 */
export async function handleManyOnce(
  db: Database,
  consumer: string,
  events: BusEvent[],
  apply: (em: EntityManager, event: BusEvent) => Promise<void>,
): Promise<number> {
  if (events.length === 0) return 0;
  return db.transaction(async (em) => {
    const done = new Set<string>();
    for (let start = 0; start < events.length; start += 500) {
      const ids = events.slice(start, start + 500).map((event) => event.id);
      const rows = await em.query(`SELECT event_id FROM processed_event WHERE consumer = ? AND event_id IN (${ids.map(() => '?').join(', ')})`, [consumer, ...ids]);
      for (const row of rows) done.add(row.event_id);
    }
    const fresh: BusEvent[] = [];
    for (const event of events) {
      if (done.has(event.id)) continue;
      done.add(event.id);
      fresh.push(event);
    }
    const now = new Date().toISOString();
    for (let start = 0; start < fresh.length; start += 500) {
      const chunk = fresh.slice(start, start + 500);
      await em.query(
        `INSERT INTO processed_event (consumer, event_id, processed_at) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
        chunk.flatMap((event) => [consumer, event.id, now]),
      );
    }
    for (const event of fresh) await apply(em, event);
    return fresh.length;
  });
}

interface OutboxRow {
  id: number;
  topic: string;
  aggregate_key: string;
  payload: string;
  created_at: string;
}

/**
 * Publishes committed outbox rows in id (commit) order. `flush` is called right after a
 * transaction commits; a timer catches anything a crash left behind.
 */
export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  /** Set in everything this relay's drain runs, consumers the in-process bus calls included. */
  private readonly draining = new AsyncLocalStorage<boolean>();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly source: string,
    private readonly logger: Logger,
  ) {}

  start(pollMs: number): void {
    this.timer = setInterval(() => void this.flush(), pollMs);
    this.timer.unref();
  }

  /**
   * Publishes what is committed. Called right after a commit, so it never fails the caller:
   * the change is already durable, and rows a consumer could not take stay in the outbox for
   * the timer to publish again (consumers are idempotent).
   */
  flush(): Promise<void> {
    return this.tryFlush().catch(() => undefined);
  }

  /**
   * Resolves once every row committed before the call has been published. A consumer that this
   * relay's own publish is running (events that go round: routing → inventory → routing on the
   * in-process bus) gets an answer at once instead: the running drain publishes its rows before
   * it ends, and waiting for that drain from inside it would wait forever.
   */
  tryFlush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.draining.getStore() ? Promise.resolve() : this.running;
    }
    this.running = this.draining.run(true, async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again);
      } finally {
        this.running = null;
      }
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.db.query<OutboxRow>(
        'SELECT id, topic, aggregate_key, payload, created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 500',
      );
      if (rows.length === 0) return;
      const events: BusEvent[] = rows.map((row) => ({
        id: `${this.source}:${row.id}`,
        topic: row.topic,
        key: row.aggregate_key,
        payload: JSON.parse(row.payload),
        at: row.created_at,
      }));
      try {
        await this.bus.publish(events);
      } catch (error) {
        this.logger.warn('outbox publish failed; will retry', { source: this.source, error: String(error) });
        throw error;
      }
      const ids = rows.map((row) => Number(row.id));
      await this.db.transaction((em) =>
        em.query(`UPDATE outbox SET published_at = ? WHERE id IN (${ids.map(() => '?').join(',')})`, [
          new Date().toISOString(),
          ...ids,
        ]),
      );
      if (rows.length < 500) return;
    }
  }

  /** Rows committed but not yet published: the relay's lag, for /ready and metrics. */
  async pending(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
    return Number(row?.n ?? 0);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
