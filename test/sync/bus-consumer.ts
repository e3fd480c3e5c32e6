import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { openDatabase, type Database } from '../../shared/database';
import type { EventBus } from '../../shared/event-bus';
import { handleManyOnce, OUTBOX_MIGRATIONS } from '../../shared/outbox';

export const TOPIC = 'test.counted';
export const GROUP = 'counter';

class CreateApplied1700000000001 implements MigrationInterface {
  name = 'CreateApplied1700000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'applied',
      columns: [{ name: 'event_id', type: 'varchar', length: '100' }, { name: 'consumer', type: 'varchar', length: '100' }],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('applied');
  }
}

/** The database a test consumer applies events to, shared by every consumer process of the test. */
export const openConsumerDatabase = (dataDir: string) =>
  openDatabase({ dataDir, databaseUrl: undefined }, { name: 'consumer', entities: [], migrations: [...OUTBOX_MIGRATIONS, CreateApplied1700000000001] });

/** Consumes the test topic in the group: each event appended to `applied` once, slowly (`delayMs` per event). */
export function consumeIntoTable(bus: EventBus, db: Database, name: string, delayMs: number, afterCommit?: (events: number) => void): Promise<void> {
  return bus.consumeBatches(GROUP, [TOPIC], async (events) => {
    const applied = await handleManyOnce(db, 'counter', events, async (em, event) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await em.query('INSERT INTO applied (event_id, consumer) VALUES (?, ?)', [event.id, name]);
    });
    afterCommit?.(applied);
  });
}
