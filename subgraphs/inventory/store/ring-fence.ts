import type { EntityManager } from 'typeorm';
import { placeholders, type Queryable } from '../../../shared/database';
import { ringFencedFor } from '../domain/availability';

/** sku → channel → units; the dedicated allocations and what each channel holds now. */
export interface RingFences {
  allocations: Map<string, Map<string, number>>;
  held: Map<string, Map<string, number>>;
}

/** How many units of `sku` other channels have set aside from `channel`. */
export function fencedFrom(fences: RingFences, channel: string, sku: string): number {
  const allocations = fences.allocations.get(sku);
  return allocations ? ringFencedFor(channel, allocations, fences.held.get(sku) ?? new Map()) : 0;
}

/** Counts units a hold has just taken toward what its channel holds, where the SKU has dedicated allocations. */
export function countHeld(fences: RingFences, sku: string, channel: string, units: number): void {
  if (!fences.allocations.has(sku)) return;
  const held = fences.held.get(sku) ?? new Map<string, number>();
  fences.held.set(sku, held);
  held.set(channel, (held.get(channel) ?? 0) + units);
}

function nest(rows: { sku_code: string; channel_code: string; units: number }[]): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (!result.has(row.sku_code)) result.set(row.sku_code, new Map());
    const byChannel = result.get(row.sku_code)!;
    byChannel.set(row.channel_code, (byChannel.get(row.channel_code) ?? 0) + Number(row.units));
  }
  return result;
}

/**
 * Loads dedicated allocations of the SKUs and, only where there are some, the units each
 * allocated channel holds now (live reservations and open order commitments). Read under the SKUs' stock-row locks, as
 * every hold is, so the figures cannot move while a hold decides.
 */
export async function loadRingFences(q: Queryable, skus: readonly string[], now = new Date()): Promise<RingFences> {
  const empty = { allocations: new Map(), held: new Map() };
  if (skus.length === 0) return empty;
  const rows = await q.query(`SELECT sku_code, channel_code, units FROM channel_allocation WHERE units > 0 AND sku_code IN (${placeholders(skus)})`, [...skus]);
  if (rows.length === 0) return empty;
  const allocated = [...new Set(rows.map((row) => row.sku_code as string))];
  const held = await q.query(
    `SELECT r.channel_code, a.sku_code, SUM(a.quantity) AS units FROM reservation_allocation a JOIN reservation r ON r.id = a.reservation_id
     WHERE r.status = 'ACTIVE' AND r.expires_at > ? AND a.sku_code IN (${placeholders(allocated)}) GROUP BY r.channel_code, a.sku_code`,
    [now.toISOString(), ...allocated],
  );
  // A channel's orders use its allocation too: units committed to them are no longer fenced from others.
  const committed = await q.query(
    `SELECT channel_code, sku_code, SUM(open) AS units FROM order_commitment WHERE open > 0 AND sku_code IN (${placeholders(allocated)}) GROUP BY channel_code, sku_code`,
    allocated,
  );
  return { allocations: nest(rows), held: nest([...held, ...committed]) };
}

export async function setAllocation(em: EntityManager, channel: string, sku: string, units: number): Promise<void> {
  await em.query('DELETE FROM channel_allocation WHERE channel_code = ? AND sku_code = ?', [channel, sku]);
  if (units > 0) await em.query('INSERT INTO channel_allocation (channel_code, sku_code, units) VALUES (?, ?, ?)', [channel, sku, units]);
}
