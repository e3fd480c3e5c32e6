import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { CreateApiKeys1700000000001 } from './key-store';

/**
 * Key rotation with an overlap window, per-key limits and the registered-operations flag;
 * the audit log of mutations; the registered operations (a safelist some keys are held to).
 */
export class HardenAccess1700000000002 implements MigrationInterface {
  name = 'HardenAccess1700000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumns('api_key', [
      new TableColumn({ name: 'previous_secret_hash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'previous_expires_at', type: 'varchar', length: '30', isNullable: true }),
      new TableColumn({ name: 'rotated_at', type: 'varchar', length: '30', isNullable: true }),
      new TableColumn({ name: 'limits', type: 'text', isNullable: true }),
      new TableColumn({ name: 'registered_only', type: 'integer', default: 0 }),
    ]);
    await runner.createTable(new Table({
      name: 'audit_log',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'key_id', type: 'varchar', length: '64' },
        { name: 'key_name', type: 'varchar', length: '200' },
        { name: 'operation_name', type: 'varchar', length: '200', isNullable: true },
        { name: 'fields', type: 'varchar', length: '1000' },
        { name: 'variables_digest', type: 'varchar', length: '64' },
        { name: 'outcome', type: 'varchar', length: '20' },
        { name: 'error_codes', type: 'varchar', length: '500', isNullable: true },
        { name: 'request_id', type: 'varchar', length: '100' },
        { name: 'at', type: 'varchar', length: '30' },
      ],
      indices: [{ columnNames: ['at'] }, { columnNames: ['key_id', 'at'] }],
    }));
    await runner.createTable(new Table({
      name: 'registered_operation',
      columns: [
        { name: 'id', type: 'varchar', length: '64', isPrimary: true },
        { name: 'name', type: 'varchar', length: '200', isNullable: true },
        { name: 'query', type: 'text' },
        { name: 'created_at', type: 'varchar', length: '30' },
      ],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('registered_operation');
    await runner.dropTable('audit_log');
    for (const column of ['registered_only', 'limits', 'rotated_at', 'previous_expires_at', 'previous_secret_hash']) await runner.dropColumn('api_key', column);
  }
}

export const accessMigrations = [CreateApiKeys1700000000001, HardenAccess1700000000002];
