import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_MIGRATIONS } from '../../../shared/outbox';

const code = (name: string, primary = false) => ({ name, type: 'varchar', length: '100', isPrimary: primary });
const int = (name: string, nullable = false) => ({ name, type: 'integer', ...(nullable ? { isNullable: true } : { default: 0 }) });
const time = (name: string, nullable = false) => ({ name, type: 'varchar', length: '30', isNullable: nullable });
const text = (name: string, length: string, nullable = false) => ({ name, type: 'varchar', length, isNullable: nullable });

/**
 * The sync subgraph's tables: each channel's connector, its own copies of listings, channels
 * and availability (fed by events), the push queue (one row per listing: coalescing is the
 * row being overwritten), parked pushes, webhook receipts, channel health and push leases.
 */
export class CreateSync1700000000001 implements MigrationInterface {
  name = 'CreateSync1700000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'connector',
      columns: [code('channel_code', true), text('kind', '20'), text('base_url', '500'), { name: 'credentials', type: 'text' }, { name: 'settings', type: 'text' },
        int('enabled'), time('updated_at'), time('reconcile_requested_at', true), int('reconcile_correct'), time('reconciled_at', true), { name: 'reconcile_report', type: 'text', isNullable: true }],
    }));
    await runner.createTable(new Table({
      name: 'channel_copy',
      columns: [code('code', true), int('paused'), time('updated_at')],
    }));
    await runner.createTable(new Table({
      name: 'channel_availability',
      columns: [code('channel_code', true), code('sku_code', true), int('available'), { name: 'seq', type: 'bigint', default: 0 }],
    }));
    await runner.createTable(new Table({
      name: 'listing_sync',
      columns: [
        code('channel_code', true), { ...text('external_id', '200'), isPrimary: true }, code('sku_code'), int('units_per_listing'),
        int('version'), text('state', '20'), time('due_at', true), time('pending_since', true),
        int('pushed_quantity', true), time('pushed_at', true), int('channel_quantity', true),
        int('attempts'), text('last_error', '1000', true), time('last_attempt_at', true),
        int('drift_quantity', true), time('drift_since', true), time('drift_seen_at', true),
      ],
      indices: [{ columnNames: ['channel_code', 'due_at'] }, { columnNames: ['channel_code', 'sku_code'] }, { columnNames: ['channel_code', 'state'] }],
    }));
    await runner.createTable(new Table({
      name: 'parked_push',
      columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        code('channel_code'), text('external_id', '200'), int('quantity'), text('error', '1000'), int('attempts'), time('parked_at'), time('resolved_at', true)],
      indices: [{ columnNames: ['channel_code', 'resolved_at'] }],
    }));
    await runner.createTable(new Table({
      name: 'webhook_receipt',
      columns: [code('channel_code', true), { ...text('webhook_id', '200'), isPrimary: true }, text('topic', '100'), text('status', '20'),
        text('body_sha256', '64'), text('detail', '1000', true), time('received_at')],
    }));
    await runner.createTable(new Table({
      name: 'channel_health',
      columns: [code('channel_code', true), text('state', '10'), time('failing_since', true), time('down_since', true), time('last_success_at', true),
        text('last_error', '1000', true), int('consecutive_failures'), text('fallback', '30', true), int('hold_back_units'), int('paused_by_sync'), time('updated_at')],
    }));
    await runner.createTable(new Table({
      name: 'channel_lease',
      columns: [code('channel_code', true), text('holder', '100', true), { name: 'lease_until', type: 'bigint', default: 0 }],
    }));
    await runner.createTable(new Table({
      name: 'open_alert',
      columns: [{ ...text('kind', '30'), isPrimary: true }, code('channel_code', true), { ...text('sku_key', '100'), isPrimary: true }, time('raised_at')],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['open_alert', 'channel_lease', 'channel_health', 'webhook_receipt', 'parked_push', 'listing_sync', 'channel_availability', 'channel_copy', 'connector']) {
      await runner.dropTable(table);
    }
  }
}

export const syncMigrations = [...OUTBOX_MIGRATIONS, CreateSync1700000000001];
