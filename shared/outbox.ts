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

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly source: string,
    private readonly logger: Logger,
  ) {}

  start(pollMs: number): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), pollMs);
    this.timer.unref();
  }

  /** Resolves once every row committed before the call has been published. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
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
