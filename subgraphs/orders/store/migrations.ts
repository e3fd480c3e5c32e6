import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { CreateOutbox1700000000000 } from '../../../shared/outbox';

export class CreateOrders1700000000001 implements MigrationInterface {
  name = 'CreateOrders1700000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'channel_order',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'channel_code', type: 'varchar', length: '100' },
        { name: 'external_id', type: 'varchar', length: '200' },
        { name: 'status', type: 'varchar', length: '30' },
        { name: 'ship_country', type: 'varchar', length: '2' },
        { name: 'ship_postal_code', type: 'varchar', length: '20', isNullable: true },
        { name: 'reservation_id', type: 'varchar', length: '36', isNullable: true },
        { name: 'payload_hash', type: 'varchar', length: '64' },
        { name: 'placed_at', type: 'varchar', length: '30' },
        { name: 'updated_at', type: 'varchar', length: '30' },
      ],
      uniques: [{ columnNames: ['channel_code', 'external_id'] }],
    }));
    await runner.createTable(new Table({
      name: 'order_line',
      columns: [
        { name: 'order_id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'line_no', type: 'integer', isPrimary: true },
        { name: 'sku_code', type: 'varchar', length: '100' },
        { name: 'quantity', type: 'integer' },
        { name: 'shipped', type: 'integer', default: 0 },
        { name: 'returned', type: 'integer', default: 0 },
      ],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('order_line');
    await runner.dropTable('channel_order');
  }
}

export const ordersMigrations = [CreateOutbox1700000000000, CreateOrders1700000000001];
