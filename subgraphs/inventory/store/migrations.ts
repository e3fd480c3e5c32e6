import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_MIGRATIONS } from '../../../shared/outbox';

const code = (name: string, primary = false) => ({ name, type: 'varchar', length: '100', isPrimary: primary });
const int = (name: string) => ({ name, type: 'integer', default: 0 });
const time = (name: string, nullable = false) => ({ name, type: 'varchar', length: '30', isNullable: nullable });
const BUCKET_COLUMNS = ['on_hand', 'committed', 'reserved', 'damaged', 'quality_control', 'safety_stock', 'incoming'];

export class CreateInventory1700000000001 implements MigrationInterface {
  name = 'CreateInventory1700000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'location',
      columns: [code('code', true), { name: 'name', type: 'varchar', length: '200' }, { name: 'kind', type: 'varchar', length: '40' },
        { name: 'country', type: 'varchar', length: '2' }, { name: 'postal_code', type: 'varchar', length: '20', isNullable: true }, time('updated_at')],
    }));
    await runner.createTable(new Table({
      name: 'channel',
      columns: [code('code', true), { name: 'name', type: 'varchar', length: '200' }, int('buffer_units'), int('paused'), time('updated_at')],
    }));
    await runner.createTable(new Table({
      name: 'channel_location',
      columns: [code('channel_code', true), code('location_code', true), int('preference')],
    }));
    await runner.createTable(new Table({
      name: 'sku_ref',
      columns: [code('code', true), time('updated_at')],
    }));
    await runner.createTable(new Table({
      name: 'bundle_component',
      columns: [code('bundle_code', true), code('component_code', true), int('quantity')],
      indices: [{ columnNames: ['component_code'] }],
    }));
    await runner.createTable(new Table({
      name: 'stock_level',
      columns: [code('sku_code', true), code('location_code', true), ...BUCKET_COLUMNS.map(int), time('last_count_at', true), time('updated_at')],
    }));
    await runner.createTable(new Table({
      name: 'ledger_entry',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        code('sku_code'), code('location_code'), { name: 'event_type', type: 'varchar', length: '30' },
        { name: 'reason', type: 'varchar', length: '500', isNullable: true }, { name: 'source', type: 'varchar', length: '100' },
        { name: 'idempotency_key', type: 'varchar', length: '200' }, time('occurred_at'), time('recorded_at'),
        ...BUCKET_COLUMNS.map((column) => int(`d_${column}`)), ...BUCKET_COLUMNS.map(int),
      ],
      indices: [{ columnNames: ['sku_code', 'location_code', 'id'] }],
    }));
    await runner.createTable(new Table({
      name: 'inventory_event',
      columns: [{ name: 'source', type: 'varchar', length: '100', isPrimary: true }, { name: 'idempotency_key', type: 'varchar', length: '200', isPrimary: true },
        { name: 'payload_hash', type: 'varchar', length: '64' }, { name: 'outcome', type: 'varchar', length: '30' }, time('recorded_at')],
    }));
    await runner.createTable(new Table({
      name: 'reservation',
      columns: [{ name: 'id', type: 'varchar', length: '36', isPrimary: true }, code('channel_code'), { name: 'idempotency_key', type: 'varchar', length: '200' },
        { name: 'payload_hash', type: 'varchar', length: '64' }, { name: 'status', type: 'varchar', length: '20' }, time('expires_at'), time('created_at'), time('updated_at')],
      uniques: [{ columnNames: ['channel_code', 'idempotency_key'] }],
      indices: [{ columnNames: ['status', 'expires_at'] }],
    }));
    await runner.createTable(new Table({
      name: 'reservation_line',
      columns: [{ name: 'reservation_id', type: 'varchar', length: '36', isPrimary: true }, int('line_no'), code('sku_code', true), int('quantity')],
    }));
    await runner.createTable(new Table({
      name: 'reservation_allocation',
      columns: [{ name: 'reservation_id', type: 'varchar', length: '36', isPrimary: true }, code('sku_code', true), code('location_code', true), int('quantity')],
      indices: [{ columnNames: ['sku_code', 'location_code'] }],
    }));
    await runner.createTable(new Table({
      name: 'availability_state',
      columns: [code('channel_code', true), code('sku_code', true), int('available'), { name: 'last_cursor', type: 'bigint', default: 0 }],
    }));
    await runner.createTable(new Table({
      name: 'availability_log',
      columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        code('channel_code'), code('sku_code'), int('available'), time('at')],
      indices: [{ columnNames: ['channel_code', 'id'] }],
    }));
    await runner.createTable(new Table({
      name: 'alert',
      columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'kind', type: 'varchar', length: '30' }, { ...code('sku_code'), isNullable: true }, { ...code('channel_code'), isNullable: true },
        { ...code('location_code'), isNullable: true }, { name: 'message', type: 'varchar', length: '1000' }, time('raised_at'), time('resolved_at', true)],
      indices: [{ columnNames: ['kind', 'resolved_at'] }],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['alert', 'availability_log', 'availability_state', 'reservation_allocation', 'reservation_line', 'reservation',
      'inventory_event', 'ledger_entry', 'stock_level', 'bundle_component', 'sku_ref', 'channel_location', 'channel', 'location']) {
      await runner.dropTable(table);
    }
  }
}


/**
 * The (channel, idempotencyKey) unique of `reservation` never reached MySQL: TypeORM matches an
 * unnamed unique against the table's unnamed index and skips it. Without it, one checkout
 * retried at once held stock once per copy. SQLite has it as a table constraint already.
 */
export class UniqueReservationKeyOnMysql1700000000004 implements MigrationInterface {
  name = 'UniqueReservationKeyOnMysql1700000000004';

  async up(runner: QueryRunner): Promise<void> {
    if (runner.connection.driver.options.type !== 'mysql') return;
    const unique = await runner.query("SHOW INDEX FROM reservation WHERE Non_unique = 0 AND Column_name = 'idempotency_key'");
    if (unique.length === 0) await runner.query('CREATE UNIQUE INDEX UQ_reservation_channel_key ON reservation (channel_code, idempotency_key)');
  }

  async down(runner: QueryRunner): Promise<void> {
    if (runner.connection.driver.options.type !== 'mysql') return;
    const ours = await runner.query("SHOW INDEX FROM reservation WHERE Key_name = 'UQ_reservation_channel_key'");
    if (ours.length) await runner.query('DROP INDEX UQ_reservation_channel_key ON reservation');
  }
}

/** Promotion rules (cap, share), dedicated allocations, and the schedule of incoming stock. */
export class AddChannelRulesAndIncoming1700000000002 implements MigrationInterface {
  name = 'AddChannelRulesAndIncoming1700000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('channel', new TableColumn({ name: 'max_units', type: 'integer', isNullable: true }));
    await runner.addColumn('channel', new TableColumn({ name: 'share_percent', type: 'integer', isNullable: true }));
    await runner.createTable(new Table({
      name: 'channel_allocation',
      columns: [code('channel_code', true), code('sku_code', true), int('units')],
      indices: [{ columnNames: ['sku_code'] }],
    }));
    await runner.createTable(new Table({
      name: 'incoming_stock',
      columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        code('sku_code'), code('location_code'), int('quantity_open'), time('expected_at'), { name: 'reference', type: 'varchar', length: '300' }],
      indices: [{ columnNames: ['sku_code', 'location_code', 'expected_at'] }],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('incoming_stock');
    await runner.dropTable('channel_allocation');
    await runner.dropColumn('channel', 'share_percent');
    await runner.dropColumn('channel', 'max_units');
  }
}

/** Inventory's copy of channel listings (for availability by listing) and the kind of each channel. */
export class AddListingsAndChannelKind1700000000003 implements MigrationInterface {
  name = 'AddListingsAndChannelKind1700000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'listing_ref',
      columns: [code('channel_code', true), { name: 'external_id', type: 'varchar', length: '200', isPrimary: true }, code('sku_code'), int('units_per_listing')],
    }));
    await runner.addColumn('channel', new TableColumn({ name: 'kind', type: 'varchar', length: '30', default: "'WEBSTORE'" }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('channel', 'kind');
    await runner.dropTable('listing_ref');
  }
}


/** The outbox is now the change log (its publication sequence is the stream cursor). */
export class DropAvailabilityLog1700000001001 implements MigrationInterface {
  name = 'DropAvailabilityLog1700000001001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.dropTable('availability_log');
    await runner.dropColumn('availability_state', 'last_cursor');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.addColumn('availability_state', new TableColumn({ name: 'last_cursor', type: 'bigint', default: 0 }));
    await runner.createTable(new Table({
      name: 'availability_log',
      columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        code('channel_code'), code('sku_code'), int('available'), time('at')],
      indices: [{ columnNames: ['channel_code', 'id'] }],
    }));
  }
}

/**
 * The open alerts, newest first, without walking the resolved ones: `alerts(open: true)` with no
 * kind read every alert backwards from the newest, and resolved alerts pile up with history.
 */
export class IndexOpenAlerts1700000002300 implements MigrationInterface {
  name = 'IndexOpenAlerts1700000002300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createIndex('alert', new TableIndex({ name: 'IDX_alert_resolved_id', columnNames: ['resolved_at', 'id'] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('alert', 'IDX_alert_resolved_id');
  }
}

export const inventoryMigrations = [
  ...OUTBOX_MIGRATIONS, CreateInventory1700000000001, AddChannelRulesAndIncoming1700000000002, UniqueReservationKeyOnMysql1700000000004, AddListingsAndChannelKind1700000000003, DropAvailabilityLog1700000001001,
  IndexOpenAlerts1700000002300,
];
