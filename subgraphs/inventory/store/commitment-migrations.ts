import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

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

/**
 * What each channel holds of each SKU now (its ACTIVE reservations' units and its orders' open
 * commitments), kept as a running total by every path that changes either. A dedicated
 * allocation's fence is read from these rows instead of summing the SKU's whole reservation and
 * order history on every hold. Filled from the existing rows.
 */
export class AddChannelHeld1700000002100 implements MigrationInterface {
  name = 'AddChannelHeld1700000002100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'channel_held',
      columns: [code('sku_code', true), code('channel_code', true), int('units')],
    }));
    await runner.query(
      `INSERT INTO channel_held (sku_code, channel_code, units)
       SELECT sku_code, channel_code, SUM(units) FROM (
         SELECT a.sku_code, r.channel_code, a.quantity AS units FROM reservation r JOIN reservation_allocation a ON a.reservation_id = r.id WHERE r.status = 'ACTIVE'
         UNION ALL
         SELECT sku_code, channel_code, open AS units FROM order_commitment WHERE open > 0
       ) held GROUP BY sku_code, channel_code`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('channel_held');
  }
}

/**
 * Each stock row counts its changes (`version`, one more with every UPDATE), so the figures a
 * change leaves carry their version at once. Routing's stock feed used the row's last ledger id,
 * known only after the ledger INSERT, so it had to be read back after a hold group's writes.
 * Starts at that id, so every version routing already holds stays older.
 */
export class AddStockVersion1700000002200 implements MigrationInterface {
  name = 'AddStockVersion1700000002200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('stock_level', new TableColumn({ name: 'version', type: 'bigint', default: 0 }));
    await runner.query(
      `UPDATE stock_level SET version = COALESCE((SELECT MAX(l.id) FROM ledger_entry l
         WHERE l.sku_code = stock_level.sku_code AND l.location_code = stock_level.location_code), 0)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('stock_level', 'version');
  }
}

export const commitmentMigrations = [AddOrderCommitments1700000000010, AddChannelHeld1700000002100, AddStockVersion1700000002200];
