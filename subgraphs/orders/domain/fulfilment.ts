import { explode, type Line } from './order-lines';
import { canMove, type OrderStatus } from './order-status';

/** One order line and what became of it. */
export interface LineProgress {
  sku: string;
  quantity: number;
  shipped: number;
  returned: number;
  /** The bundle's components when it was ordered; null for a simple SKU. */
  components: Line[] | null;
}

/** Units of a stock SKU committed for the order at a location, and how many of them shipped. */
export interface Allocation {
  location: string;
  sku: string;
  committed: number;
  shipped: number;
}

export type Plan<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const refuse = <T>(...problems: string[]): Plan<T> => ({ ok: false, problems });

const WHY_NOT_SHIPPABLE: Partial<Record<OrderStatus, string>> = {
  ACCEPTED: 'it is not routed yet',
  BACKORDERED: 'it is still waiting for stock',
  SHIPPED: 'it has shipped in full',
  CANCELED: 'it is canceled',
};

/**
 * Checks a shipment against the order: only a routed order ships, never more than ordered,
 * and a location ships only units committed there for this order. Returns the stock units it
 * takes (bundles broken down) and the order's status after it.
 */
export function planShipment(status: OrderStatus, lines: readonly LineProgress[], allocations: readonly Allocation[], location: string, shipment: readonly Line[]):
  Plan<{ status: OrderStatus; units: Line[] }> {
  const why = WHY_NOT_SHIPPABLE[status];
  if (why) return refuse(`This order cannot ship: ${why}`);
  const problems: string[] = [];
  const byLine = new Map(lines.map((line) => [line.sku, line]));
  for (const item of shipment) {
    const line = byLine.get(item.sku);
    if (!line) problems.push(`${item.sku} is not on this order`);
    else if (line.shipped + item.quantity > line.quantity) problems.push(`shipping ${item.quantity} × ${item.sku} is more than ordered: ${line.quantity} ordered, ${line.shipped} shipped`);
  }
  if (problems.length) return refuse(...problems);
  const units = explode(shipment, (sku) => byLine.get(sku)?.components);
  for (const unit of units) {
    const open = allocations.filter((a) => a.location === location && a.sku === unit.sku).reduce((sum, a) => sum + a.committed - a.shipped, 0);
    if (unit.quantity > open) problems.push(`${location} holds ${open} unshipped × ${unit.sku} for this order, not ${unit.quantity}`);
  }
  if (problems.length) return refuse(...problems);
  const shippedAfter = new Map(shipment.map((item) => [item.sku, item.quantity]));
  const complete = lines.every((line) => line.shipped + (shippedAfter.get(line.sku) ?? 0) >= line.quantity);
  const next: OrderStatus = complete ? 'SHIPPED' : 'PARTIALLY_SHIPPED';
  if (!canMove(status, next)) return refuse(`This order cannot move from ${status} to ${next}`);
  return { ok: true, value: { status: next, units } };
}

export interface ReturnItem extends Line {
  resellable: boolean;
}

/** Checks a return: never more of a line than shipped and not yet returned. Returns the stock units it brings back. */
export function planReturn(lines: readonly LineProgress[], items: readonly ReturnItem[]): Plan<{ units: ReturnItem[] }> {
  const problems: string[] = [];
  const byLine = new Map(lines.map((line) => [line.sku, line]));
  const asked = new Map<string, number>();
  for (const item of items) asked.set(item.sku, (asked.get(item.sku) ?? 0) + item.quantity);
  for (const [sku, quantity] of asked) {
    const line = byLine.get(sku);
    if (!line) problems.push(`${sku} is not on this order`);
    else if (line.returned + quantity > line.shipped) problems.push(`returning ${quantity} × ${sku} is more than shipped: ${line.shipped} shipped, ${line.returned} returned`);
  }
  if (problems.length) return refuse(...problems);
  const units = items.flatMap((item) => explode([item], (sku) => byLine.get(sku)?.components).map((unit) => ({ ...unit, resellable: item.resellable })));
  return { ok: true, value: { units } };
}

/** Whether the order may be canceled; canceling twice is not an error, it changes nothing. */
export function planCancel(status: OrderStatus): Plan<{ changes: boolean }> {
  if (status === 'CANCELED') return { ok: true, value: { changes: false } };
  if (!canMove(status, 'CANCELED')) return refuse(`This order cannot be canceled: it is ${status.toLowerCase().replace('_', ' ')}`);
  return { ok: true, value: { changes: true } };
}

/** The status routing's outcome gives an order still waiting for it; null when the order has moved on. */
export function statusAfterRouting(status: OrderStatus, backordered: boolean): OrderStatus | null {
  const next: OrderStatus = backordered ? 'BACKORDERED' : 'ROUTED';
  if (status === next) return null;
  return canMove(status, next) ? next : null;
}
