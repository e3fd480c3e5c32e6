import type { EntityManager } from 'typeorm';
import { execute, insertIgnore, insertStatements, placeholders, writeAll, type Dialect, type Queryable } from '../../../shared/database';
import type { Placement } from '../domain/late-risk';
import type { Destination, Line } from '../domain/routing-rules';
import type { ShippingPromise } from '../domain/shipping-promise';
import { BACKORDER_COLUMNS, backorderRows } from './migrations';

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

/** Writes back what changed about an order, and what it waits for while backordered (`routing_backorder`). */
export async function updateOrder(em: EntityManager, order: RoutingOrder): Promise<void> {
  const waiting = order.state === 'BACKORDERED' ? backorderRows(order.orderId, order.placedAt, order.backordered) : [];
  await writeAll(em, [
    {
      sql: 'UPDATE routing_order SET state = ?, sequence = ?, refusals = ?, committed = ?, backordered = ?, shipped = ?, pending = ?, reasons = ?, updated_at = ? WHERE order_id = ?',
      params: [order.state, order.sequence, order.refusals, JSON.stringify(order.committed), JSON.stringify(order.backordered), JSON.stringify(order.shipped),
        order.pending ? JSON.stringify(order.pending) : null, JSON.stringify(order.reasons), new Date().toISOString(), order.orderId],
    },
    { sql: 'DELETE FROM routing_backorder WHERE order_id = ?', params: [order.orderId] },
    ...insertStatements('routing_backorder', BACKORDER_COLUMNS, waiting),
  ]);
}

/** Orders waiting for stock of any of `skus`, oldest first: the order stock goes to when it arrives. */
export async function backordersOf(q: Queryable, skus: readonly string[]): Promise<RoutingOrder[]> {
  if (skus.length === 0) return [];
  // Driven from the queue's SKU key, each order then read by its own (SQLite's CROSS JOIN keeps
  // that order; MySQL reads it as JOIN): starting from the orders' state would walk every backorder.
  const rows = await q.query(
    `SELECT o.* FROM (SELECT DISTINCT order_id FROM routing_backorder WHERE sku_code IN (${placeholders(skus)})) b
     CROSS JOIN routing_order o ON o.order_id = b.order_id WHERE o.state = 'BACKORDERED' ORDER BY o.placed_at, o.order_id`,
    [...skus],
  );
  return rows.map(toOrder);
}

/** Units of each SKU that orders placed before `before` still wait for: incoming stock goes to them first. */
export async function olderBackorders(q: Queryable, skus: readonly string[], before: { placedAt: Date; orderId: string }): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const placedAt = before.placedAt.toISOString();
  const rows = await q.query(
    `SELECT sku_code, SUM(quantity) AS quantity FROM routing_backorder
     WHERE sku_code IN (${placeholders(skus)}) AND (placed_at < ? OR (placed_at = ? AND order_id < ?)) GROUP BY sku_code`,
    [...skus, placedAt, placedAt, before.orderId],
  );
  return new Map(rows.map((row: { sku_code: string; quantity: number | string }) => [row.sku_code, Number(row.quantity)]));
}

/** Orders routing still watches (not shipped, not canceled), for the late-shipment query. */
export async function openOrders(q: Queryable, channel: string | null): Promise<RoutingOrder[]> {
  const rows = channel
    ? await q.query("SELECT * FROM routing_order WHERE state IN ('DECIDING', 'ROUTED', 'BACKORDERED') AND channel_code = ? ORDER BY placed_at, order_id LIMIT 5000", [channel])
    : await q.query("SELECT * FROM routing_order WHERE state IN ('DECIDING', 'ROUTED', 'BACKORDERED') ORDER BY placed_at, order_id LIMIT 5000");
  return rows.map(toOrder);
}
