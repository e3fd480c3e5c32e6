import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { insertStatements } from '../../../shared/database';
import { OUTBOX_MIGRATIONS } from '../../../shared/outbox';

export class CreateRouting1700000000001 implements MigrationInterface {
  name = 'CreateRouting1700000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'routing_decision',
      columns: [
        { name: 'order_id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'channel_code', type: 'varchar', length: '100' },
        { name: 'assignments', type: 'text' },
        { name: 'backordered', type: 'text' },
        { name: 'reasons', type: 'text' },
        { name: 'decided_at', type: 'varchar', length: '30' },
      ],
      indices: [{ columnNames: ['channel_code', 'decided_at'] }],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('routing_decision');
  }
}

const code = (name: string, primary = false) => ({ name, type: 'varchar', length: '100', isPrimary: primary });
const text = (name: string, nullable = false) => ({ name, type: 'text', isNullable: nullable });
const time = (name: string, nullable = false) => ({ name, type: 'varchar', length: '30', isNullable: nullable });
const int = (name: string) => ({ name, type: 'integer', default: 0 });

/**
 * Routing's own copies (channels, locations, per-location stock), the rules it routes by, each
 * order it routes until shipped, and every decision as it was recorded.
 */
export class AddRoutingRulesAndOrders1700000000002 implements MigrationInterface {
  name = 'AddRoutingRulesAndOrders1700000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({ name: 'routing_channel', columns: [code('code', true), text('locations'), time('updated_at')] }));
    await runner.createTable(new Table({ name: 'routing_location', columns: [code('code', true), { name: 'country', type: 'varchar', length: '2', isNullable: true }] }));
    await runner.createTable(new Table({ name: 'routing_rules', columns: [code('channel_code', true), text('strategies'), text('locations'), time('updated_at')] }));
    await runner.createTable(new Table({
      name: 'stock_copy',
      columns: [code('sku_code', true), code('location_code', true), int('sellable'), text('incoming'), { name: 'version', type: 'bigint', default: 0 }],
    }));
    await runner.createTable(new Table({
      name: 'routing_order',
      columns: [
        { name: 'order_id', type: 'varchar', length: '36', isPrimary: true }, code('channel_code'), { name: 'external_id', type: 'varchar', length: '200' },
        time('placed_at'), { name: 'ship_country', type: 'varchar', length: '2' }, { name: 'ship_postal_code', type: 'varchar', length: '20', isNullable: true },
        time('ship_by', true), time('deliver_by', true), int('express'), { name: 'reservation_id', type: 'varchar', length: '36', isNullable: true },
        text('units'), { name: 'state', type: 'varchar', length: '30' }, int('sequence'), int('refusals'),
        text('committed'), text('backordered'), text('shipped'), text('pending', true), text('reasons'), time('updated_at'),
      ],
      indices: [{ columnNames: ['state', 'placed_at'] }],
    }));
    await runner.addColumns('routing_decision', [
      new TableColumn({ ...time('promised_ship_date', true) }),
      new TableColumn({ name: 'at_risk', type: 'integer', default: 0 }),
      new TableColumn({ name: 'log_id', type: 'bigint', isNullable: true }),
    ]);
    await runner.createTable(new Table({
      name: 'routing_decision_log',
      columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'order_id', type: 'varchar', length: '36' }, code('channel_code'), text('snapshot'), time('decided_at')],
      indices: [{ columnNames: ['order_id'] }],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('routing_decision_log');
    for (const column of ['log_id', 'at_risk', 'promised_ship_date']) await runner.dropColumn('routing_decision', column);
    for (const table of ['routing_order', 'stock_copy', 'routing_rules', 'routing_location', 'routing_channel']) await runner.dropTable(table);
  }
}

/**
 * The units each backordered order waits for, a row per (SKU, order), kept by `updateOrder`: stock
 * that arrives finds the orders waiting for it, oldest first, by key. They were found by matching
 * every backordered order's JSON text, a walk of all backorders on each arrival and each new
 * backorder, which a sale that runs out can make thousands long. Filled from the orders
 * backordered when it runs.
 */
export class AddBackorderIndex1700000000003 implements MigrationInterface {
  name = 'AddBackorderIndex1700000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'routing_backorder',
      // The key leads with the SKU, then the order's age: the oldest orders waiting for a SKU come first.
      columns: [code('sku_code', true), { ...time('placed_at'), isPrimary: true }, { name: 'order_id', type: 'varchar', length: '36', isPrimary: true }, int('quantity')],
      indices: [{ columnNames: ['order_id'] }],
    }));
    const backordered: { order_id: string; placed_at: string; backordered: string }[] =
      await runner.query("SELECT order_id, placed_at, backordered FROM routing_order WHERE state = 'BACKORDERED'");
    const rows = backordered.flatMap((order) => backorderRows(order.order_id, new Date(order.placed_at), JSON.parse(order.backordered)));
    for (const insert of insertStatements('routing_backorder', BACKORDER_COLUMNS, rows)) await runner.query(insert.sql, insert.params);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('routing_backorder');
  }
}

/** The columns of `routing_backorder`, in the order of `backorderRows`. */
export const BACKORDER_COLUMNS = ['sku_code', 'placed_at', 'order_id', 'quantity'];

/** The rows of `routing_backorder` for an order waiting for `lines`: one per SKU, its quantities added up. */
export function backorderRows(orderId: string, placedAt: Date, lines: readonly { sku: string; quantity: number }[]): [string, string, string, number][] {
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity);
  return [...units].map(([sku, quantity]) => [sku, placedAt.toISOString(), orderId, quantity]);
}

export const routingMigrations = [...OUTBOX_MIGRATIONS, CreateRouting1700000000001, AddRoutingRulesAndOrders1700000000002, AddBackorderIndex1700000000003];
