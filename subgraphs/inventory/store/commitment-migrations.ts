import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

const code = (name: string, primary = false) => ({ name, type: 'varchar', length: '100', isPrimary: primary });
const orderId = (name: string, primary = false) => ({ name, type: 'varchar', length: '36', isPrimary: primary });
const int = (name: string) => ({ name, type: 'integer', default: 0 });

/**
 * Order commitments: the units each order holds at each location (by channel, so dedicated
 * allocations count them), one row per order to apply its changes one after another, the
 * OVERSOLD alerts raised for it, and the last stock figures told to routing.
 */
export class AddOrderCommitments1700000000010 implements MigrationInterface {
  name = 'AddOrderCommitments1700000000010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'order_stock',
      columns: [orderId('order_id', true), code('channel_code'), { name: 'state', type: 'varchar', length: '20' }, int('applied_sequence'),
        { name: 'updated_at', type: 'varchar', length: '30' }],
    }));
    await runner.createTable(new Table({
      name: 'order_commitment',
      columns: [orderId('order_id', true), code('sku_code', true), code('location_code', true), code('channel_code'), int('committed'), int('open')],
      indices: [{ columnNames: ['sku_code', 'channel_code'] }],
    }));
    await runner.createTable(new Table({
      name: 'order_alert',
      columns: [orderId('order_id', true), code('sku_code', true), { name: 'alert_id', type: 'integer' }],
    }));
    await runner.createTable(new Table({
      name: 'stock_feed_state',
      columns: [code('sku_code', true), code('location_code', true), int('sellable'), int('incoming'), { name: 'version', type: 'bigint', default: 0 }],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['stock_feed_state', 'order_alert', 'order_commitment', 'order_stock']) await runner.dropTable(table);
  }
}

export const commitmentMigrations = [AddOrderCommitments1700000000010];
