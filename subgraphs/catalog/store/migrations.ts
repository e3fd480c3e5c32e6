import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_MIGRATIONS } from '../../../shared/outbox';

export class CreateCatalog1700000000001 implements MigrationInterface {
  name = 'CreateCatalog1700000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'sku',
      columns: [
        { name: 'code', type: 'varchar', length: '100', isPrimary: true },
        { name: 'title', type: 'varchar', length: '500' },
        { name: 'created_at', type: 'varchar', length: '30' },
        { name: 'updated_at', type: 'varchar', length: '30' },
      ],
    }));
    await runner.createTable(new Table({
      name: 'sku_component',
      columns: [
        { name: 'sku_code', type: 'varchar', length: '100', isPrimary: true },
        { name: 'component_code', type: 'varchar', length: '100', isPrimary: true },
        { name: 'quantity', type: 'integer' },
      ],
      indices: [{ columnNames: ['component_code'] }],
    }));
    await runner.createTable(new Table({
      name: 'channel_ref',
      columns: [
        { name: 'code', type: 'varchar', length: '100', isPrimary: true },
        { name: 'name', type: 'varchar', length: '200' },
      ],
    }));
    await runner.createTable(new Table({
      name: 'listing',
      columns: [
        { name: 'channel_code', type: 'varchar', length: '100', isPrimary: true },
        { name: 'external_id', type: 'varchar', length: '200', isPrimary: true },
        { name: 'sku_code', type: 'varchar', length: '100' },
        { name: 'units_per_listing', type: 'integer' },
        { name: 'updated_at', type: 'varchar', length: '30' },
      ],
      indices: [{ columnNames: ['sku_code'] }],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['listing', 'channel_ref', 'sku_component', 'sku']) await runner.dropTable(table);
  }
}


/** A SKU can be retired: it stays for history, and its listings show up as orphaned. */
export class AddSkuRetired1700000000002 implements MigrationInterface {
  name = 'AddSkuRetired1700000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('sku', new TableColumn({ name: 'retired', type: 'integer', default: 0 }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('sku', 'retired');
  }
}

export const catalogMigrations = [...OUTBOX_MIGRATIONS, CreateCatalog1700000000001, AddSkuRetired1700000000002];
