import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { CreateOutbox1700000000000 } from '../../../shared/outbox';

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

export const routingMigrations = [CreateOutbox1700000000000, CreateRouting1700000000001];
