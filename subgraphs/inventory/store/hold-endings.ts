import type { EntityManager } from 'typeorm';
import { unique } from '../../../shared/arrays';
import { NO_WRITES, placeholders, readAll, type Database, type Dialect, type PendingWrites } from '../../../shared/database';
import { availabilityWrites } from './availability-feed';
import { heldStatements } from './ring-fence';
import type { ReservationStatus } from './reservation-store';
import { reservedMoveWrites, stockRead, stockReads, type ReservedMove } from './stock-store';

/**
 * Releases or expires ACTIVE holds together: locks the stock rows of all their SKUs (in key
 * order, before the reservations, as every path does), returns their units with one UPDATE per
 * stock row and one ledger entry per hold and row, records each hold's new status, and
 * publishes the new availability once. Holds no longer ACTIVE are left alone. Returns how many ended.
 */
export function endHolds(db: Database, ids: readonly string[], outcome: 'RELEASED' | 'EXPIRED'): Promise<number> {
  // Where the holds' units are: on MySQL, read with the transaction's start.
  const parts = {
    sql: `SELECT reservation_id, sku_code, location_code, quantity FROM reservation_allocation WHERE reservation_id IN (${placeholders(ids)}) ORDER BY reservation_id, sku_code, location_code`,
    params: [...ids],
  };
  return db.transactionCommitting([parts], (em, [rows]) => end(em, db.dialect, ids, outcome, rows));
}

/** Ends the ACTIVE ones among the holds under their locks; returns how many, and the writes to send with the COMMIT. */
async function end(
  em: EntityManager, dialect: Dialect, ids: readonly string[], outcome: 'RELEASED' | 'EXPIRED', parts: { reservation_id: string; sku_code: string; location_code: string; quantity: number }[],
): Promise<{ result: number; last: PendingWrites }> {
  const skus = unique(parts.map((part) => part.sku_code));
  // The stock rows first, then the holds, as every path locks them; one round trip on MySQL.
  const stock = stockReads(dialect, skus, { lock: true });
  const results = await readAll(em, dialect, [...stock, {
    sql: `SELECT id, channel_code, status, expires_at FROM reservation WHERE id IN (${placeholders(ids)}) ORDER BY id${dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
    params: [...ids],
  }]);
  const read = stockRead(stock.length ? results[0] : [], stock.length ? results[1] : []);
  const rows: { id: string; channel_code: string; status: string; expires_at: string }[] = results[stock.length];
  const now = new Date();
  const ending = new Map<string, ReservationStatus>();
  const channelOf = new Map(rows.map((row) => [row.id, row.channel_code]));
  for (const row of rows) {
    if (row.status !== 'ACTIVE') continue;
    // A release that arrives after expiry records the truth: the hold had already lapsed.
    ending.set(row.id, outcome === 'RELEASED' && new Date(row.expires_at) <= now ? 'EXPIRED' : outcome);
  }
  if (ending.size === 0) return { result: 0, last: NO_WRITES };
  const moves: ReservedMove[] = parts.filter((part) => ending.has(part.reservation_id)).map((part) => ({
    sku: part.sku_code, location: part.location_code, quantity: -Number(part.quantity),
    movement: { type: ending.get(part.reservation_id) === 'EXPIRED' ? 'EXPIRE' : 'RELEASE', source: 'reservation', idempotencyKey: part.reservation_id, occurredAt: now },
  }));
  const statuses = unique([...ending.values()]).map((status) => {
    const ended = [...ending].filter(([, to]) => to === status).map(([id]) => id);
    return { sql: `UPDATE reservation SET status = ?, updated_at = ? WHERE id IN (${placeholders(ended)})`, params: [status, now.toISOString(), ...ended] };
  });
  const { last } = await availabilityWrites(em, dialect, skus, undefined, undefined, reservedMoveWrites(read, moves, [
    ...heldStatements(dialect, parts.filter((part) => ending.has(part.reservation_id))
      .map((part) => ({ channel: channelOf.get(part.reservation_id)!, sku: part.sku_code, units: -Number(part.quantity) }))),
    ...statuses,
  ]));
  return { result: ending.size, last };
}
