import type { EntityManager } from 'typeorm';
import { execute, insertIgnore, type Dialect, type Queryable } from '../../../shared/database';
import type { Placement } from '../domain/late-risk';
import type { Destination, Line } from '../domain/routing-rules';
import type { ShippingPromise } from '../domain/shipping-promise';

/**
 * Where routing stands with an order: waiting for its reservation to be confirmed, deciding
 * (a decision sent to inventory, not yet committed), routed, backordered (some units wait for
 * stock), or closed (shipped or canceled: nothing more to route or watch).
 */
export type RoutingState = 'AWAITING_RESERVATION' | 'NEW' | 'DECIDING' | 'ROUTED' | 'BACKORDERED' | 'CLOSED';

/** A decision sent to inventory and not yet committed. */
export interface PendingDecision {
  reasons: string[];
  promisedShipDate: string | null;
  atRisk: boolean;
}

export interface RoutingOrder {
  orderId: string;
  channel: string;
  externalId: string;
  placedAt: Date;
  destination: Destination;
  promise: ShippingPromise;
  reservationId: string | null;
  units: Line[];
  state: RoutingState;
  /** Number of the last decision sent to inventory: its outcome must carry the same number. */
  sequence: number;
  /** Decisions in a row inventory refused because stock had moved. */
  refusals: number;
  committed: Placement[];
  /** Units not committed anywhere yet. */
  backordered: Line[];
  shipped: Placement[];
  pending: PendingDecision | null;
  /** Every reason recorded for this order so far, oldest first. */
  reasons: string[];
}

/** What `orders.order-accepted` says about an order. */
export interface AcceptedOrder {
  orderId: string;
  channel: string;
  externalId: string;
  placedAt: string;
  shipTo: { country: string; postalCode: string | null };
  shipBy: string | null;
  deliverBy: string | null;
  express: boolean;
  reservationId: string | null;
  units: Line[];
}

const COLUMNS = ['order_id', 'channel_code', 'external_id', 'placed_at', 'ship_country', 'ship_postal_code', 'ship_by', 'deliver_by', 'express',
  'reservation_id', 'units', 'state', 'sequence', 'refusals', 'committed', 'backordered', 'shipped', 'pending', 'reasons', 'updated_at'];

/** Records an accepted order once; returns false when routing already knew it. */
export async function insertOrder(em: EntityManager, dialect: Dialect, order: AcceptedOrder): Promise<boolean> {
  const inserted = await execute(em, insertIgnore(dialect, 'routing_order', COLUMNS), [
    order.orderId, order.channel, order.externalId, order.placedAt, order.shipTo.country, order.shipTo.postalCode ?? null,
    order.shipBy, order.deliverBy, order.express ? 1 : 0, order.reservationId, JSON.stringify(order.units),
    order.reservationId ? 'AWAITING_RESERVATION' : 'NEW', 0, 0, '[]', JSON.stringify(order.units), '[]', null, '[]', new Date().toISOString(),
  ]);
  return inserted === 1;
}

function toOrder(row: Record<string, any>): RoutingOrder {
  return {
    orderId: row.order_id, channel: row.channel_code, externalId: row.external_id, placedAt: new Date(row.placed_at),
    destination: { country: row.ship_country, postalCode: row.ship_postal_code ?? null },
    promise: { shipBy: row.ship_by ? new Date(row.ship_by) : null, deliverBy: row.deliver_by ? new Date(row.deliver_by) : null, express: Boolean(Number(row.express)) },
    reservationId: row.reservation_id ?? null, units: JSON.parse(row.units), state: row.state, sequence: Number(row.sequence), refusals: Number(row.refusals),
    committed: JSON.parse(row.committed), backordered: JSON.parse(row.backordered), shipped: JSON.parse(row.shipped),
    pending: row.pending ? JSON.parse(row.pending) : null, reasons: JSON.parse(row.reasons),
  };
}

/** Reads an order for change, locking its row on MySQL so its decisions happen one after another. */
export async function lockOrder(em: EntityManager, dialect: Dialect, orderId: string): Promise<RoutingOrder | null> {
  const rows = await em.query(`SELECT * FROM routing_order WHERE order_id = ?${dialect === 'mysql' ? ' FOR UPDATE' : ''}`, [orderId]);
  return rows[0] ? toOrder(rows[0]) : null;
}

/** Writes back what changed about an order. */
export async function updateOrder(em: EntityManager, order: RoutingOrder): Promise<void> {
  await em.query(
    'UPDATE routing_order SET state = ?, sequence = ?, refusals = ?, committed = ?, backordered = ?, shipped = ?, pending = ?, reasons = ?, updated_at = ? WHERE order_id = ?',
    [order.state, order.sequence, order.refusals, JSON.stringify(order.committed), JSON.stringify(order.backordered), JSON.stringify(order.shipped),
      order.pending ? JSON.stringify(order.pending) : null, JSON.stringify(order.reasons), new Date().toISOString(), order.orderId],
  );
}

/** Orders waiting for stock of any of `skus`, oldest first: the order stock goes to when it arrives. */
export async function backordersOf(q: Queryable, skus: readonly string[]): Promise<RoutingOrder[]> {
  if (skus.length === 0) return [];
  // The JSON text narrows the rows in the database; parsing then keeps only exact matches.
  const patterns = skus.map((sku) => `%${JSON.stringify({ sku }).slice(1, -1).replace(/[!%_]/g, (c) => `!${c}`)}%`);
  const rows = await q.query(
    `SELECT * FROM routing_order WHERE state = 'BACKORDERED' AND (${patterns.map(() => "backordered LIKE ? ESCAPE '!'").join(' OR ')}) ORDER BY placed_at, order_id`,
    patterns,
  );
  const wanted = new Set(skus);
  return rows.map(toOrder).filter((order) => order.backordered.some((line) => wanted.has(line.sku)));
}

/** Units of each SKU that orders placed before `before` still wait for: incoming stock goes to them first. */
export async function olderBackorders(q: Queryable, skus: readonly string[], before: { placedAt: Date; orderId: string }): Promise<Map<string, number>> {
  const claimed = new Map<string, number>();
  const rows = await q.query("SELECT order_id, placed_at, backordered FROM routing_order WHERE state = 'BACKORDERED' AND placed_at <= ?", [before.placedAt.toISOString()]);
  for (const row of rows) {
    if (row.order_id === before.orderId || (row.placed_at === before.placedAt.toISOString() && row.order_id > before.orderId)) continue;
    for (const line of JSON.parse(row.backordered) as Line[]) if (skus.includes(line.sku)) claimed.set(line.sku, (claimed.get(line.sku) ?? 0) + line.quantity);
  }
  return claimed;
}

/** Orders routing still watches (not shipped, not canceled), for the late-shipment query. */
export async function openOrders(q: Queryable, channel: string | null): Promise<RoutingOrder[]> {
  const rows = channel
    ? await q.query("SELECT * FROM routing_order WHERE state IN ('DECIDING', 'ROUTED', 'BACKORDERED') AND channel_code = ? ORDER BY placed_at, order_id LIMIT 5000", [channel])
    : await q.query("SELECT * FROM routing_order WHERE state IN ('DECIDING', 'ROUTED', 'BACKORDERED') ORDER BY placed_at, order_id LIMIT 5000");
  return rows.map(toOrder);
}
