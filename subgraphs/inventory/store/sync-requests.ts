import type { EntityManager } from 'typeorm';
import { execute, type Dialect } from '../../../shared/database';
import { raiseAlert } from './alert-store';
import { publishAvailability } from './availability-feed';

/** `sync.alert`: channel sync tells inventory, which keeps the alerts, what to raise or resolve. */
export interface SyncAlertEvent {
  kind: 'SYNC_FAILED' | 'DRIFT';
  channel: string;
  sku: string | null;
  message: string;
  resolved: boolean;
  /** With `resolved`: only the open alerts whose message starts with this. */
  matching?: string;
}

/** Raises the alert, or marks the open alerts of that kind, channel and SKU resolved. */
export async function applySyncAlert(em: EntityManager, alert: SyncAlertEvent): Promise<void> {
  if (!alert.resolved) {
    await raiseAlert(em, { kind: alert.kind, sku: alert.sku, channel: alert.channel, location: null, message: alert.message });
    return;
  }
  const where = ['kind = ?', 'channel_code = ?', 'resolved_at IS NULL', alert.sku === null ? 'sku_code IS NULL' : 'sku_code = ?'];
  const params: unknown[] = [new Date().toISOString(), alert.kind, alert.channel, ...(alert.sku === null ? [] : [alert.sku])];
  if (alert.matching) {
    where.push('SUBSTR(message, 1, ?) = ?');
    params.push(alert.matching.length, alert.matching);
  }
  await em.query(`UPDATE alert SET resolved_at = ? WHERE ${where.join(' AND ')}`, params);
}

/**
 * `sync.channel-pause-requested`: a channel sync cannot reach is paused (its outage fallback),
 * and unpaused when it is back. Inventory writes channel rules, so the pause is applied here,
 * with the availability change it makes, like any other rule change.
 */
export async function applyPauseRequest(em: EntityManager, dialect: Dialect, request: { channel: string; paused: boolean }): Promise<void> {
  const paused = request.paused ? 1 : 0;
  const changed = await execute(em, 'UPDATE channel SET paused = ?, updated_at = ? WHERE code = ? AND paused <> ?', [paused, new Date().toISOString(), request.channel, paused]);
  if (changed === 0) return;
  const skus = await em.query('SELECT code FROM sku_ref');
  await publishAvailability(em, dialect, skus.map((row: { code: string }) => row.code), [request.channel]);
}
