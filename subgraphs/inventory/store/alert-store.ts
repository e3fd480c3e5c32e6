import type { EntityManager } from 'typeorm';
import { insertReturningId, type Queryable } from '../../../shared/database';

export const ALERT_KINDS = ['OVERSOLD', 'NEGATIVE_STOCK', 'MAPPING_CONFLICT', 'SYNC_FAILED', 'DRIFT'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  id: string;
  kind: AlertKind;
  sku: string | null;
  channel: string | null;
  location: string | null;
  message: string;
  raisedAt: string;
  resolvedAt: string | null;
}

export async function raiseAlert(em: EntityManager, alert: Omit<Alert, 'id' | 'raisedAt' | 'resolvedAt'>): Promise<void> {
  await recordAlert(em, alert);
}

/** Raises an alert and returns its id, for an alert that is resolved once what it warns about is over. */
export function recordAlert(em: EntityManager, alert: Omit<Alert, 'id' | 'raisedAt' | 'resolvedAt'>): Promise<number> {
  return insertReturningId(em, 'INSERT INTO alert (kind, sku_code, channel_code, location_code, message, raised_at) VALUES (?, ?, ?, ?, ?, ?)', [
    alert.kind, alert.sku, alert.channel, alert.location, alert.message, new Date().toISOString(),
  ]);
}

/** Marks alerts resolved: what they warned about no longer holds. */
export async function resolveAlerts(em: EntityManager, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await em.query(`UPDATE alert SET resolved_at = ? WHERE resolved_at IS NULL AND id IN (${ids.map(() => '?').join(', ')})`, [new Date().toISOString(), ...ids]);
}

export async function listAlerts(q: Queryable, kind: AlertKind | null, open: boolean | null): Promise<Alert[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (kind) { where.push('kind = ?'); params.push(kind); }
  if (open === true) where.push('resolved_at IS NULL');
  if (open === false) where.push('resolved_at IS NOT NULL');
  const rows = await q.query(`SELECT * FROM alert${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT 1000`, params);
  return rows.map((row) => ({
    id: String(row.id), kind: row.kind, sku: row.sku_code, channel: row.channel_code, location: row.location_code,
    message: row.message, raisedAt: row.raised_at, resolvedAt: row.resolved_at,
  }));
}
