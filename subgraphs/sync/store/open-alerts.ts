import type { EntityManager } from 'typeorm';
import { execute, insertIgnore, type Dialect } from '../../../shared/database';
import { publishAlert, type SyncAlertKind } from '../events/published';

/**
 * Alerts this subgraph has raised and not yet resolved, one per kind, channel and SKU, so a
 * problem that persists (a channel down for an hour, a listing that keeps drifting) raises one
 * alert, not one per attempt, and its end resolves it.
 */
export async function raiseOnce(em: EntityManager, dialect: Dialect, alert: { kind: SyncAlertKind; channel: string; sku: string | null; message: string }): Promise<boolean> {
  const inserted = await execute(em, insertIgnore(dialect, 'open_alert', ['kind', 'channel_code', 'sku_key', 'raised_at']), [
    alert.kind, alert.channel, alert.sku ?? '', new Date().toISOString(),
  ]);
  if (inserted === 0) return false;
  await publishAlert(em, { ...alert, resolved: false });
  return true;
}

export async function resolveIfOpen(em: EntityManager, kind: SyncAlertKind, channel: string, sku: string | null, message: string, matching?: string): Promise<boolean> {
  const removed = await execute(em, 'DELETE FROM open_alert WHERE kind = ? AND channel_code = ? AND sku_key = ?', [kind, channel, sku ?? '']);
  if (removed === 0) return false;
  await publishAlert(em, { kind, channel, sku, message, resolved: true, ...(matching ? { matching } : {}) });
  return true;
}
