import type { Line } from './routing-rules';
import { isoDay, dayOf } from './shipping-calendar';

/** Units placed at a location. */
export interface Placement {
  location: string;
  sku: string;
  quantity: number;
}

/** An order routing still has to see shipped. */
export interface OpenOrder {
  orderId: string;
  channel: string;
  committed: readonly Placement[];
  shipped: readonly Placement[];
  backordered: readonly Line[];
  /** When the last parcel is due to leave, as routing last decided. */
  promisedShipDate: Date | null;
  /** Routing already knew it could not keep the buyer's promise. */
  atRisk: boolean;
}

export interface ShipmentRisk {
  orderId: string;
  channel: string;
  /** Locations still holding unshipped units of the order. */
  locations: string[];
  reason: string;
}

/** Committed units not yet shipped, by location. */
export function unshipped(order: Pick<OpenOrder, 'committed' | 'shipped'>): Map<string, number> {
  const open = new Map<string, number>();
  for (const placement of order.committed) open.set(placement.location, (open.get(placement.location) ?? 0) + placement.quantity);
  for (const placement of order.shipped) open.set(placement.location, (open.get(placement.location) ?? 0) - placement.quantity);
  for (const [location, quantity] of open) if (quantity <= 0) open.delete(location);
  return open;
}

/**
 * Whether an open order risks shipping late, and why: routing could not keep its promise when it
 * decided, or the day it promised to ship has gone by with units still waiting.
 */
export function lateShipmentRisk(order: OpenOrder, now: Date): ShipmentRisk | null {
  const locations = [...unshipped(order).keys()].sort();
  const waiting = locations.length > 0 || order.backordered.length > 0;
  if (!waiting) return null;
  const due = order.promisedShipDate;
  let reason: string | null = null;
  if (order.atRisk) {
    reason = due ? `cannot keep its promise: the earliest honest ship date is ${isoDay(dayOf(due))}` : 'cannot keep its promise: backordered with no incoming stock to wait for';
  } else if (due && now.getTime() > due.getTime()) {
    reason = `was due to ship by ${due.toISOString()} and still has units waiting`;
  }
  return reason ? { orderId: order.orderId, channel: order.channel, locations, reason } : null;
}
