import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_MIGRATIONS } from '../../../shared/outbox';

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

const code = (name: string, primary = false) => ({ name, type: 'varchar', length: '100', isPrimary: primary });
const id = (name: string, primary = false) => ({ name, type: 'varchar', length: '36', isPrimary: primary });
const time = (name: string, nullable = false) => ({ name, type: 'varchar', length: '30', isNullable: nullable });
const int = (name: string) => ({ name, type: 'integer', default: 0 });

/**
 * The order lifecycle: the buyer's promise, what routing committed where, shipments and
 * returns, and orders' own copies of SKUs, listings, channels and locations (fed by events).
 */
export class AddOrderLifecycle1700000000002 implements MigrationInterface {
  name = 'AddOrderLifecycle1700000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumns('channel_order', [
      new TableColumn(time('ship_by', true)), new TableColumn(time('deliver_by', true)), new TableColumn(int('express')),
      new TableColumn(int('routed_sequence')), new TableColumn(time('accepted_at', true)),
    ]);
    await runner.addColumn('order_line', new TableColumn({ name: 'components', type: 'text', isNullable: true }));
    await runner.createTable(new Table({
      name: 'order_allocation',
      columns: [id('order_id', true), code('location_code', true), code('sku_code', true), int('committed'), int('shipped')],
    }));
    await runner.createTable(new Table({
      name: 'shipment',
      columns: [id('id', true), id('order_id'), code('location_code'), { name: 'tracking_number', type: 'varchar', length: '200', isNullable: true },
        { name: 'idempotency_key', type: 'varchar', length: '200', isNullable: true }, { name: 'payload_hash', type: 'varchar', length: '64' }, time('shipped_at')],
      indices: [{ columnNames: ['order_id'] }],
      uniques: [{ columnNames: ['order_id', 'idempotency_key'] }],
    }));
    await runner.createTable(new Table({ name: 'shipment_line', columns: [id('shipment_id', true), { ...int('line_no'), isPrimary: true }, code('sku_code'), int('quantity')] }));
    await runner.createTable(new Table({
      name: 'order_return',
      columns: [id('id', true), id('order_id'), code('location_code'), { name: 'idempotency_key', type: 'varchar', length: '200', isNullable: true },
        { name: 'payload_hash', type: 'varchar', length: '64' }, time('received_at')],
      indices: [{ columnNames: ['order_id'] }],
      uniques: [{ columnNames: ['order_id', 'idempotency_key'] }],
    }));
    await runner.createTable(new Table({
      name: 'return_line',
      columns: [id('return_id', true), { ...int('line_no'), isPrimary: true }, code('sku_code'), int('quantity'), int('resellable')],
    }));
    await runner.createTable(new Table({ name: 'sku_copy', columns: [code('code', true), { name: 'components', type: 'text' }] }));
    await runner.createTable(new Table({
      name: 'listing_copy',
      columns: [code('channel_code', true), { name: 'external_id', type: 'varchar', length: '200', isPrimary: true }, code('sku_code'), int('units_per_listing')],
    }));
    await runner.createTable(new Table({ name: 'channel_copy', columns: [code('code', true), { name: 'name', type: 'varchar', length: '200' }] }));
    await runner.createTable(new Table({ name: 'location_copy', columns: [code('code', true)] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['location_copy', 'channel_copy', 'listing_copy', 'sku_copy', 'return_line', 'order_return', 'shipment_line', 'shipment', 'order_allocation']) {
      await runner.dropTable(table);
    }
    await runner.dropColumn('order_line', 'components');
    for (const column of ['accepted_at', 'routed_sequence', 'express', 'deliver_by', 'ship_by']) await runner.dropColumn('channel_order', column);
  }
}

export const ordersMigrations = [...OUTBOX_MIGRATIONS, CreateOrders1700000000001, AddOrderLifecycle1700000000002];
