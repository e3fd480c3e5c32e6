import crypto from 'node:crypto';
import { execute, NO_WRITES, placeholders, type Database, type Queryable } from './database';
import { runDrain, waitForDrain, type DrainRun } from './drain-waits';
import type { BusEvent, EventBus } from './event-bus';
import type { Logger } from './logger';
import { deleteInChunks, PRUNE_CHUNK, pruneProcessedEvents } from './processed-events';
import { endsWithin } from './time-limits';

interface OutboxRow {
  id: number;
  seq: number;
  topic: string;
  aggregate_key: string;
  payload: string;
  created_at: string;
}

const BATCH = 500;
const LEASE_MS = 10_000;
/** How long `flushSoon` gathers commits before one drain publishes them all, after a quiet spell. */
const FLUSH_SOON_MS = 5;
/**
 * Under sustained load, `flushSoon` starts a drain at most this long after the one before. A
 * drain costs the relay's transactions and one per consumer whatever it carries, so fewer,
 * fuller drains cost less per event: in a flash sale on MariaDB (16 checkouts at a time on one
 * SKU), drains paced at 25 ms instead of 5 took about a sixth off the CPU each hold costs, in
 * Node and in the database alike. A change then reaches consumers and subscribers at most this
 * much later.
 */
export const FLUSH_BUSY_MS = 25;
/** How long a subgraph database keeps what it published and what its consumers applied. */
export interface EventRetention {
  /** Published outbox rows (`CHANGE_RETENTION_HOURS`): a stream resumes from a cursor this recent. */
  changesHours: number;
  /** Consumers' records of applied events (`PROCESSED_EVENT_RETENTION_HOURS`): a redelivery this recent is still skipped. */
  recordsHours: number;
}

/** The retention a subgraph's configuration asks for. */
export const eventRetention = (config: { changeRetentionHours: number; processedEventRetentionHours: number }): EventRetention =>
  ({ changesHours: config.changeRetentionHours, recordsHours: config.processedEventRetentionHours });

/** How long `stop` waits for a running drain before leaving the lease to lapse. */
const STOP_WAIT_MS = 5_000;

/** How far the relay has published: every row numbered up to it, and none after. */
export const PUBLISHED_THROUGH = "(SELECT published_through FROM outbox_state WHERE name = 'relay')";

/** Events committed but not published yet (unnumbered on MySQL, or numbered past the mark): the relay's lag. */
export async function unpublishedEvents(q: Queryable): Promise<number> {
  const [row] = await q.query(`SELECT COUNT(*) AS n FROM outbox WHERE seq IS NULL OR seq > ${PUBLISHED_THROUGH}`);
  return Number(row?.n ?? 0);
}

/**
 * Publishes committed outbox rows. On MySQL each row first gets the next publication sequence
 * (`seq`), assigned after it committed, by the one relay holding the lease (on SQLite, whose
 * writers take turns, the statement writing a row numbers it); rows then leave in `seq` order.
 * Sequencing after commit is what keeps the order gapless: an id is taken when a row is
 * inserted, so a slow transaction can commit a lower id after a higher one, but it can only be
 * sequenced once it is visible. A consumer that resumes "after seq N" therefore misses nothing.
 * Being gapless, what has left is one number, `published_through`, moved after each batch.
 * `flush` runs right after a commit; a timer catches anything a crash or another replica left.
 */
export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  /** The drain now running, if any: consumers the in-process bus calls run inside it. */
  private current: DrainRun | null = null;
  private readonly holder = `${process.pid}-${crypto.randomUUID()}`;
  private leaseRenewedAt = 0;
  private pruner: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  /** When the last drain started (`Date.now()`), for `flushSoon`'s pace. */
  private drainStartedAt = 0;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly source: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Polls for rows a crash or another replica left and, every minute, keeps the database's event
   * tables in bounds: published outbox rows past `retention.changesHours` go, and so do the
   * consumers' records of events applied more than `retention.recordsHours` ago.
   */
  start(pollMs: number, retention: EventRetention): void {
    this.timer = setInterval(() => void this.flush(), pollMs);
    this.timer.unref();
    this.pruner = setInterval(() => void this.keepInBounds(retention), 60_000);
    this.pruner.unref();
  }

  /**
   * Deletes published outbox rows and consumers' records past their retention; logs, and leaves
   * for the next pass, what fails. Returns how many of each went.
   */
  async keepInBounds(retention: EventRetention): Promise<{ changes: number; records: number }> {
    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    const changes = await this.prune(ago(retention.changesHours)).catch((error) => {
      this.logger.warn('outbox prune failed', { source: this.source, error: String(error) });
      return 0;
    });
    const records = await pruneProcessedEvents(this.db, ago(retention.recordsHours)).catch((error) => {
      this.logger.warn('processed-event prune failed', { source: this.source, error: String(error) });
      return 0;
    });
    return { changes, records };
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
   * Publishes soon, without waiting: for writers whose callers need not wait for other
   * subgraphs' consumers. Commits that ask within `FLUSH_SOON_MS` share one drain; while they
   * keep coming, drains start `FLUSH_BUSY_MS` apart, so under load the relay and its consumers
   * write once for many commits instead of once for each.
   */
  flushSoon(): void {
    if (this.soon) return;
    const delay = Math.max(FLUSH_SOON_MS, this.drainStartedAt + FLUSH_BUSY_MS - Date.now());
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.flush();
    }, delay);
    // Like the poll timer, it never keeps a process alive on its own; the poll publishes what it leaves.
    this.soon.unref();
  }

  /**
   * Resolves once every row committed before the call has been published. A consumer whose
   * wait for the running drain could never end (it runs inside that drain, or inside one that
   * drain waits for: events that go round on the in-process bus) gets an answer at once
   * instead: the running drain goes round again and publishes its rows before it ends.
   */
  tryFlush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return waitForDrain(this.current!, this.running);
    }
    const run: DrainRun = { source: this.source };
    this.current = run;
    this.running = runDrain(run, async () => {
      try {
        do {
          this.again = false;
          this.drainStartedAt = Date.now();
          await this.drain();
        } while (this.again);
      } finally {
        this.running = null;
        this.current = null;
      }
    });
    return this.running;
  }

  /** Takes or renews the lease; another replica holding a live one publishes instead of us. */
  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    // A lease renewed moments ago is still ours: skip the write on the hot path.
    if (now - this.leaseRenewedAt < LEASE_MS / 3) return true;
    const held = await this.db.transaction((em) =>
      execute(em, "UPDATE outbox_state SET holder = ?, lease_until = ? WHERE name = 'relay' AND (holder = ? OR holder IS NULL OR lease_until < ?)", [
        this.holder, now + LEASE_MS, this.holder, now,
      ]),
    );
    if (held === 1) this.leaseRenewedAt = now;
    return held === 1;
  }

  private async drain(): Promise<void> {
    if (!(await this.holdLease())) return;
    for (;;) {
      await this.sequence();
      const rows = await this.db.query<OutboxRow>(
        `SELECT id, seq, topic, aggregate_key, payload, created_at FROM outbox WHERE seq > ${PUBLISHED_THROUGH} ORDER BY seq LIMIT ${BATCH}`,
      );
      if (rows.length === 0) return;
      const events: BusEvent[] = rows.map((row) => ({
        id: `${this.source}:${row.id}`,
        seq: Number(row.seq),
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
      // Rows leave in sequence order with no gap: one number marks them all published.
      const through = Number(rows[rows.length - 1].seq);
      // On MySQL one request: the transaction's start, the mark and the COMMIT.
      await this.db.writeTogether([{ sql: "UPDATE outbox_state SET published_through = ? WHERE name = 'relay' AND published_through < ?", params: [through, through] }]);
      if (rows.length < BATCH) return;
    }
  }

  /**
   * Numbers the committed rows that have no sequence yet, in id order, after the highest given.
   * MySQL only: on SQLite every row is numbered by the statement that writes it (see
   * `enqueueStatements`), so there is nothing to number and no transaction to queue behind holds.
   */
  private async sequence(): Promise<void> {
    if (this.db.dialect !== 'mysql') return;
    // Both reads travel with the transaction's start, the numbering with its COMMIT.
    await this.db.transactionCommitting([
      { sql: `SELECT id FROM outbox WHERE seq IS NULL ORDER BY id LIMIT ${BATCH}`, params: [] },
      { sql: "SELECT COALESCE(MAX(seq), 0) AS last, (SELECT pruned_through FROM outbox_state WHERE name = 'relay') AS pruned FROM outbox", params: [] },
    ], async (_em, [fresh, [{ last, pruned }]]) => {
      if (fresh.length === 0) return { result: undefined, last: NO_WRITES };
      const first = Math.max(Number(last), Number(pruned ?? 0)) + 1;
      // Ids in order, numbered from `first`: each run of consecutive ids (usually all of them)
      // is one range whose sequence is its id plus a constant.
      const ids = fresh.map((row: { id: number }) => Number(row.id));
      const runs: { from: number; to: number; offset: number }[] = [];
      ids.forEach((id: number, index: number) => {
        const run = runs[runs.length - 1];
        if (run && id === run.to + 1) run.to = id;
        else runs.push({ from: id, to: id, offset: first + index - id });
      });
      const cases = runs.map(() => 'WHEN id BETWEEN ? AND ? THEN id + ?').join(' ');
      const numbering = {
        sql: `UPDATE outbox SET seq = CASE ${cases} END WHERE id IN (${placeholders(ids)})`,
        params: [...runs.flatMap((run) => [run.from, run.to, run.offset]), ...ids],
      };
      return { result: undefined, last: { ...NO_WRITES, statements: [numbering] } };
    });
  }

  /**
   * Deletes published rows older than the retention, oldest first, `chunk` rows a transaction,
   * remembering the last sequence removed so a stream resuming from before it is told its cursor
   * expired rather than silently skipping. Each pass reads the oldest rows by their sequence
   * index and stops at the first that is unpublished or still within the retention, so it never
   * reads the whole table, and a backlog never holds the write lock for long.
   */
  prune(olderThan: Date, chunk = PRUNE_CHUNK): Promise<number> {
    const before = olderThan.toISOString();
    return deleteInChunks(this.db, chunk, async (em) => {
      const oldest: { seq: number; created_at: string; published: number }[] = await em.query(
        `SELECT seq, created_at, ${PUBLISHED_THROUGH} AS published FROM outbox WHERE seq IS NOT NULL ORDER BY seq LIMIT ${chunk}`,
      );
      const kept = oldest.findIndex((row) => Number(row.seq) > Number(row.published) || row.created_at >= before);
      const old = kept === -1 ? oldest : oldest.slice(0, kept);
      if (old.length === 0) return 0;
      const through = Number(old[old.length - 1].seq);
      const deleted = await execute(em, 'DELETE FROM outbox WHERE seq <= ?', [through]);
      await em.query("UPDATE outbox_state SET pruned_through = ? WHERE name = 'relay' AND pruned_through < ?", [through, through]);
      return deleted;
    });
  }

  /**
   * Stops polling and gives up the lease if this relay holds it, so another replica publishes at
   * its next drain instead of when the lease lapses (`LEASE_MS`): a rolling restart does not hold
   * events back. A running drain ends first; one that has not ended within `waitMs` (a bus that
   * does not answer) keeps the lease, which then lapses, so no other replica publishes beside it.
   * What was not published stays in the outbox for the others.
   */
  async stop(waitMs = STOP_WAIT_MS): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pruner) clearInterval(this.pruner);
    if (this.soon) clearTimeout(this.soon);
    if (this.running && !(await endsWithin(this.running, waitMs))) return;
    if (this.leaseRenewedAt === 0) return;
    this.leaseRenewedAt = 0;
    await this.db.transaction((em) => execute(em, "UPDATE outbox_state SET holder = NULL, lease_until = 0 WHERE name = 'relay' AND holder = ?", [this.holder]))
      .catch((error) => this.logger.warn('outbox lease release failed; it lapses instead', { source: this.source, error: String(error) }));
  }
}
