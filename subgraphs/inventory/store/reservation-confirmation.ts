import type { EntityManager } from 'typeorm';
import type { Dialect } from '../../../shared/database';
import { publishAvailability } from './availability-feed';
import { changeHeld } from './ring-fence';
import { addCommitment, committedOf, lockOrderStock, type Line, type LocationLines } from './commitment-store';
import { loadStock, moveStock, rawFigures } from './stock-store';

/** What `orders.order-accepted` says of an order that confirms a reservation. */
export interface AcceptedOrder {
  orderId: string;
  channel: string;
  externalId: string;
  reservationId: string | null;
  units: Line[];
}

export type ConfirmationOutcome = 'CONFIRMED' | 'UNKNOWN' | 'OTHER_CHANNEL' | 'EXPIRED' | 'RELEASED' | 'ALREADY_CONFIRMED' | 'ORDER_CLOSED';

/**
 * Turns the reservation an order confirms into the order's commitment: each held unit the order
 * needs moves from reserved to committed at the same location in one ledger entry, units held
 * beyond the order go back, and the reservation becomes CONFIRMED. A reservation that cannot be
 * confirmed (unknown, another channel's, lapsed, released) changes nothing: the order is then
 * routed like any other, since a sale that happened is never refused.
 */
export async function confirmReservation(em: EntityManager, dialect: Dialect, order: AcceptedOrder): Promise<{ outcome: ConfirmationOutcome; committed: LocationLines[] }> {
  const state = await lockOrderStock(em, dialect, order.orderId, order.channel);
  if (state.state === 'CLOSED') return { outcome: 'ORDER_CLOSED', committed: [] };
  const parts = await em.query('SELECT sku_code, location_code, quantity FROM reservation_allocation WHERE reservation_id = ? ORDER BY sku_code, location_code', [order.reservationId]);
  const skus = [...new Set(parts.map((part: { sku_code: string }) => part.sku_code))] as string[];
  // Stock rows before the reservation row: the order every release and expiry takes them in.
  const read = await loadStock(em, dialect, skus, { lock: true });
  const [reservation] = await em.query(`SELECT channel_code, status, expires_at FROM reservation WHERE id = ?${dialect === 'mysql' ? ' FOR UPDATE' : ''}`, [order.reservationId]);
  const now = new Date();
  if (!reservation) return { outcome: 'UNKNOWN', committed: [] };
  if (reservation.channel_code !== order.channel) return { outcome: 'OTHER_CHANNEL', committed: [] };
  if (reservation.status === 'CONFIRMED') return { outcome: 'ALREADY_CONFIRMED', committed: [] };
  if (reservation.status !== 'ACTIVE' || new Date(reservation.expires_at) <= now) return { outcome: reservation.status === 'RELEASED' ? 'RELEASED' : 'EXPIRED', committed: [] };
  const need = new Map(order.units.map((unit) => [unit.sku, unit.quantity]));
  for (const part of parts) {
    const held = Number(part.quantity);
    const taken = Math.min(held, need.get(part.sku_code) ?? 0);
    need.set(part.sku_code, (need.get(part.sku_code) ?? 0) - taken);
    await moveStock(em, { sku: part.sku_code, location: part.location_code, type: 'CONFIRM', source: 'order', idempotencyKey: order.reservationId!, occurredAt: now, reason: `reservation confirmed by order ${order.externalId}` },
      rawFigures(read, part.sku_code, part.location_code), { reserved: -held, committed: taken });
    if (taken) await addCommitment(em, dialect, order.orderId, order.channel, part.sku_code, part.location_code, taken);
  }
  // The held units leave the reservation; those the order took come back as its commitment (addCommitment).
  await changeHeld(em, dialect, parts.map((part: { sku_code: string; quantity: number }) => ({ channel: order.channel, sku: part.sku_code, units: -Number(part.quantity) })));
  await em.query("UPDATE reservation SET status = 'CONFIRMED', updated_at = ? WHERE id = ?", [now.toISOString(), order.reservationId]);
  if (skus.length) await publishAvailability(em, dialect, skus);
  return { outcome: 'CONFIRMED', committed: await committedOf(em, order.orderId) };
}
