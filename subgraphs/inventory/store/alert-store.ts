import type { EntityManager } from 'typeorm';
import { insertReturningId, placeholders, type Queryable } from '../../../shared/database';
import { enqueue } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';

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

/** Raises an alert, and tells alertRaised subscribers once it commits; returns its id, to resolve it later. */
export async function recordAlert(em: EntityManager, alert: Omit<Alert, 'id' | 'raisedAt' | 'resolvedAt'>): Promise<number> {
  const raisedAt = new Date().toISOString();
  const id = await insertReturningId(em, 'INSERT INTO alert (kind, sku_code, channel_code, location_code, message, raised_at) VALUES (?, ?, ?, ?, ?, ?)', [
    alert.kind, alert.sku, alert.channel, alert.location, alert.message, raisedAt,
  ]);
  await enqueue(em, TOPICS.alertRaised, `alert:${id}`, { ...alert, id: String(id), raisedAt, resolvedAt: null } satisfies Alert);
  return id;
}

/** Marks alerts resolved: what they warned about no longer holds. */
export async function resolveAlerts(em: EntityManager, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await em.query(`UPDATE alert SET resolved_at = ? WHERE resolved_at IS NULL AND id IN (${ids.map(() => '?').join(', ')})`, [new Date().toISOString(), ...ids]);
}

export async function alertsByIds(q: Queryable, ids: readonly string[]): Promise<(Alert | null)[]> {
  const numeric = ids.filter((id) => /^\d{1,18}$/.test(id));
  if (numeric.length === 0) return ids.map(() => null);
  const rows = await q.query(`SELECT * FROM alert WHERE id IN (${placeholders(numeric)})`, numeric.map(Number));
  const byId = new Map(rows.map((row) => [String(row.id), toAlert(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

function toAlert(row: Record<string, any>): Alert {
  return {
    id: String(row.id), kind: row.kind, sku: row.sku_code, channel: row.channel_code, location: row.location_code,
    message: row.message, raisedAt: row.raised_at, resolvedAt: row.resolved_at,
  };
}

export async function listAlerts(q: Queryable, kind: AlertKind | null, open: boolean | null): Promise<Alert[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (kind) { where.push('kind = ?'); params.push(kind); }
  if (open === true) where.push('resolved_at IS NULL');
  if (open === false) where.push('resolved_at IS NOT NULL');
  const rows = await q.query(`SELECT * FROM alert${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT 1000`, params);
  return rows.map(toAlert);
}
