import { Table, TableColumn, TableIndex, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { flatMapped } from './arrays';
import { dialectOf, insertStatements, placeholders, plainWrites, writeAll, type Database, type Dialect, type Statement } from './database';
import type { BusEvent } from './event-bus';

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

/**
 * Gives every published event a gapless publication sequence per source (the order consumers
 * and live streams see), a lease so only one replica's relay publishes at a time, and a record
 * of how far old rows have been pruned.
 */
export class AddOutboxSequence1700000001000 implements MigrationInterface {
  name = 'AddOutboxSequence1700000001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('outbox', new TableColumn({ name: 'seq', type: 'bigint', isNullable: true }));
    await runner.createIndex('outbox', new TableIndex({ name: 'IDX_outbox_seq', columnNames: ['seq'], isUnique: true }));
    await runner.createIndex('outbox', new TableIndex({ name: 'IDX_outbox_topic_seq', columnNames: ['topic', 'seq'] }));
    await runner.createTable(new Table({
      name: 'outbox_state',
      columns: [
        { name: 'name', type: 'varchar', length: '50', isPrimary: true },
        { name: 'holder', type: 'varchar', length: '100', isNullable: true },
        { name: 'lease_until', type: 'bigint', default: 0 },
        { name: 'pruned_through', type: 'bigint', default: 0 },
      ],
    }));
    await runner.query("INSERT INTO outbox_state (name, holder, lease_until, pruned_through) VALUES ('relay', NULL, 0, 0)");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('outbox_state');
    await runner.dropIndex('outbox', 'IDX_outbox_topic_seq');
    await runner.dropIndex('outbox', 'IDX_outbox_seq');
    await runner.dropColumn('outbox', 'seq');
  }
}

/**
 * The relay reads unpublished rows in sequence order. Indexed by (published_at, id), MariaDB
 * chose to walk the sequence index from the first row ever sequenced, published or not, so every
 * drain read the whole retained outbox; (published_at, seq) serves the read from its first row.
 */
export class IndexUnpublishedBySequence1700000002000 implements MigrationInterface {
  name = 'IndexUnpublishedBySequence1700000002000';

  async up(runner: QueryRunner): Promise<void> {
    const table = await runner.getTable('outbox');
    const old = table?.indices.find((index) => index.columnNames.join(',') === 'published_at,id');
    if (old) await runner.dropIndex('outbox', old);
    await runner.createIndex('outbox', new TableIndex({ name: 'IDX_outbox_unpublished', columnNames: ['published_at', 'seq'] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('outbox', 'IDX_outbox_unpublished');
    await runner.createIndex('outbox', new TableIndex({ columnNames: ['published_at', 'id'] }));
  }
}


/** Writes an event in the caller's transaction; it leaves only once that transaction commits. */
export async function enqueue(em: EntityManager, topic: string, key: string, payload: unknown): Promise<void> {
  await enqueueMany(em, [{ topic, key, payload }]);
}

/** An event to write to the outbox: its topic, the aggregate it is about, and its payload. */
export interface OutboxEvent {
  topic: string;
  key: string;
  payload: unknown;
}

const OUTBOX_COLUMNS = ['topic', 'aggregate_key', 'payload', 'created_at'] as const;
const ROWS_PER_STATEMENT = 500;

/**
 * On SQLite the statement that writes the rows also numbers them, after the last number given
 * (or pruned): it takes the database's one write lock before it reads, and writers take turns,
 * so numbers follow commit order with no gap, as the relay's numbering would, without the
 * relay rewriting every row (and its three indexes) a second time.
 */
const NUMBERED_INSERT = (rows: number) => `WITH last(seq) AS (
    SELECT MAX(COALESCE((SELECT MAX(seq) FROM outbox), 0), COALESCE((SELECT pruned_through FROM outbox_state WHERE name = 'relay'), 0)))
  INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}, seq)
  SELECT v.column1, v.column2, v.column3, v.column4, last.seq + v.column5 FROM (VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ')}) AS v, last
  ORDER BY v.column5`;

/**
 * The statements writing many events, a few hundred rows to a statement. On MySQL, where
 * transactions commit in any order, the relay numbers them once they are visible (see
 * OutboxRelay); on SQLite they are numbered as they are written (NUMBERED_INSERT).
 */
export function enqueueStatements(dialect: Dialect, events: readonly OutboxEvent[]): Statement[] {
  const at = new Date().toISOString();
  const rows = events.map((event) => [event.topic, event.key, JSON.stringify(event.payload), at]);
  if (dialect === 'mysql') return insertStatements('outbox', OUTBOX_COLUMNS, rows, { rowsPerStatement: ROWS_PER_STATEMENT });
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    statements.push({ sql: NUMBERED_INSERT(chunk.length), params: flatMapped(chunk, (row, index) => [...row, index + 1]) });
  }
  return statements;
}

/** Writes many events in the caller's transaction (see `enqueueStatements`). */
export async function enqueueMany(em: EntityManager, events: OutboxEvent[]): Promise<void> {
  await writeAll(em, enqueueStatements(dialectOf(em), events));
}

/**
 * Numbers, on SQLite, the rows an earlier version left for its relay to number, so that from
 * now on every row is numbered as it is written (enqueueMany) and none written later can get a
 * number before them. MySQL keeps numbering in the relay.
 */
export class NumberOutboxOnWrite1700000003000 implements MigrationInterface {
  name = 'NumberOutboxOnWrite1700000003000';

  async up(runner: QueryRunner): Promise<void> {
    if (dialectOf(runner.manager) !== 'sqlite') return;
    const [{ last, pruned }] = await runner.query(
      "SELECT COALESCE(MAX(seq), 0) AS last, (SELECT pruned_through FROM outbox_state WHERE name = 'relay') AS pruned FROM outbox",
    );
    const unnumbered: { id: number }[] = await runner.query('SELECT id FROM outbox WHERE seq IS NULL ORDER BY id');
    const first = Math.max(Number(last), Number(pruned ?? 0)) + 1;
    for (const [index, row] of unnumbered.entries()) await runner.query('UPDATE outbox SET seq = ? WHERE id = ?', [first + index, row.id]);
  }

  async down(): Promise<void> {
    // Numbers once given stay: consumers and stream cursors already know them.
  }
}

/**
 * The relay marks what it published by moving one number, `outbox_state.published_through`,
 * instead of writing `published_at` into every row it published: rows leave in sequence order
 * with no gap, so everything up to that number is published and nothing after it is. That spares
 * every event a second write of its row and of an index kept only to find unpublished rows (its
 * own insert into that index, too). Drops the column and its index after setting the number from
 * them; an SQL `DROP COLUMN`, which keeps row ids and the id counter (rebuilding the table could
 * give a pruned event's id, and the consumers' record of it, to a new one).
 */
export class PublishedWatermark1700000004000 implements MigrationInterface {
  name = 'PublishedWatermark1700000004000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('outbox_state', new TableColumn({ name: 'published_through', type: 'bigint', default: 0 }));
    // Published rows are a prefix of the sequence, and pruned rows were all published.
    const [{ published, pruned }] = await runner.query(
      "SELECT MAX(seq) AS published, (SELECT pruned_through FROM outbox_state WHERE name = 'relay') AS pruned FROM outbox WHERE published_at IS NOT NULL",
    );
    await runner.query("UPDATE outbox_state SET published_through = ? WHERE name = 'relay'", [Math.max(Number(published ?? 0), Number(pruned ?? 0))]);
    await runner.dropIndex('outbox', 'IDX_outbox_unpublished');
    await runner.query('ALTER TABLE outbox DROP COLUMN published_at');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE outbox ADD COLUMN published_at varchar(30) NULL');
    await runner.query("UPDATE outbox SET published_at = created_at WHERE seq <= (SELECT published_through FROM outbox_state WHERE name = 'relay')");
    await runner.createIndex('outbox', new TableIndex({ name: 'IDX_outbox_unpublished', columnNames: ['published_at', 'seq'] }));
    await runner.dropColumn('outbox_state', 'published_through');
  }
}

/**
 * Indexes each consumer's record of what it applied by when, so records past their retention can
 * be deleted (`pruneProcessedEvents`) without reading the whole table.
 */
export class IndexProcessedEventAge1700000005000 implements MigrationInterface {
  name = 'IndexProcessedEventAge1700000005000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createIndex('processed_event', new TableIndex({ name: 'IDX_processed_event_age', columnNames: ['processed_at'] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('processed_event', 'IDX_processed_event_age');
  }
}

/** The outbox tables, in the order every subgraph database applies them. */
export const OUTBOX_MIGRATIONS = [
  CreateOutbox1700000000000, AddOutboxSequence1700000001000, IndexUnpublishedBySequence1700000002000, NumberOutboxOnWrite1700000003000,
  PublishedWatermark1700000004000, IndexProcessedEventAge1700000005000,
];

/**
 * Runs `apply` at most once per (consumer, event), in one transaction with the record that it
 * ran, so a redelivered event is skipped and a crash mid-way leaves neither half behind: a batch
 * of one (`handleManyOnce`). Returns whether it ran.
 */
export async function handleOnce(
  db: Database,
  consumer: string,
  event: BusEvent,
  apply: (em: EntityManager) => Promise<void>,
): Promise<boolean> {
  return (await handleManyOnce(db, consumer, [event], (em) => apply(em))) > 0;
}

/**
 * Applies a batch of events in one transaction, each at most once per consumer: events already
 * recorded (a redelivery) are skipped, the rest are applied in order and recorded together.
 * `finish`, in the same transaction after the last one, writes what `apply` gathered (one statement
 * for a thousand rows instead of a thousand), or returns those writes to end the batch with. On MySQL
 * the look-up of what was already applied travels with the transaction's start, and the record
 * of what was applied and `finish`'s writes with the COMMIT. Events for which `versioned` says
 * so carry their own version and change nothing when applied again (a figure older than the one
 * held is ignored): they are applied on every delivery and leave no record, which spares a row
 * per event in a table that is never emptied. Returns how many were applied.
 */
export async function handleManyOnce(
  db: Database,
  consumer: string,
  events: BusEvent[],
  apply: (em: EntityManager, event: BusEvent) => Promise<void>,
  finish?: (em: EntityManager) => Promise<readonly Statement[] | void>,
  versioned: (event: BusEvent) => boolean = () => false,
): Promise<number> {
  if (events.length === 0) return 0;
  const recorded: Statement[] = [];
  const once = events.filter((event) => !versioned(event));
  for (let start = 0; start < once.length; start += 500) {
    const ids = once.slice(start, start + 500).map((event) => event.id);
    recorded.push({ sql: `SELECT event_id FROM processed_event WHERE consumer = ? AND event_id IN (${placeholders(ids)})`, params: [consumer, ...ids] });
  }
  return db.transactionCommitting(recorded, async (em, found) => {
    const done = new Set<string>();
    for (const rows of found) for (const row of rows) done.add(row.event_id);
    const fresh: BusEvent[] = [];
    for (const event of events) {
      if (done.has(event.id)) continue;
      done.add(event.id);
      fresh.push(event);
    }
    for (const event of fresh) await apply(em, event);
    const last = (await finish?.(em)) || [];
    const now = new Date().toISOString();
    const record = insertStatements('processed_event', ['consumer', 'event_id', 'processed_at'],
      fresh.filter((event) => !versioned(event)).map((event) => [consumer, event.id, now]));
    return { result: fresh.length, last: plainWrites([...record, ...last]) };
  });
}

export { eventRetention, OutboxRelay } from './outbox-relay';
