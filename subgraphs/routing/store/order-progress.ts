import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import { enqueue } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import type { Line } from '../domain/routing-rules';
import { recordDecision } from './decision-store';
import { lockOrder, updateOrder } from './order-copy';
import { flatten, type OrderRouter } from './order-router';
import { loadStockCopy } from './stock-copy';
import { channelLocations } from './network-copy';

export interface OrderCommitted {
  orderId: string;
  sequence: number;
  committed: { location: string; lines: Line[] }[];
  backordered: Line[];
}

export interface ShipmentRecorded {
  orderId: string;
  location: string;
  units: Line[];
  orderStatus: string;
}

/**
 * What happens to an order after routing decided: inventory committed the decision (it is
 * recorded, streamed and the order is routed or still backordered), the order shipped, or it
 * was canceled.
 */
export class OrderProgress {
  constructor(private readonly db: Database, private readonly router: OrderRouter) {}

  async committed(em: EntityManager, outcome: OrderCommitted, now: Date): Promise<boolean> {
    const order = await lockOrder(em, this.db.dialect, outcome.orderId);
    if (!order || order.state !== 'DECIDING' || order.sequence !== outcome.sequence) return false;
    const pending = order.pending ?? { reasons: [], promisedShipDate: null, atRisk: false };
    order.committed = flatten(outcome.committed);
    order.backordered = outcome.backordered;
    order.state = outcome.backordered.length ? 'BACKORDERED' : 'ROUTED';
    order.refusals = 0;
    order.pending = null;
    order.reasons = [...order.reasons, ...pending.reasons];
    const decision = await recordDecision(em, this.db.dialect, {
      orderId: order.orderId, channel: order.channel, assignments: outcome.committed, backordered: outcome.backordered,
      reasons: order.reasons, decidedAt: now.toISOString(), promisedShipDate: pending.promisedShipDate, atRisk: pending.atRisk,
    });
    await enqueue(em, TOPICS.orderRouted, `order:${order.orderId}`, decision);
    await updateOrder(em, order);
    // Stock that arrived while this decision was in flight found the order busy: it may take it now.
    if (order.state === 'BACKORDERED' && (await this.stockWaiting(em, order.channel, order.backordered))) {
      await this.router.decide(em, order, now, ['Stock arrived while the order was being routed: the backordered units are routed again']);
    }
    return true;
  }

  private async stockWaiting(em: EntityManager, channel: string, backordered: Line[]): Promise<boolean> {
    const locations = (await channelLocations(em, channel)) ?? [];
    const stock = await loadStockCopy(em, backordered.map((line) => line.sku), locations);
    return [...stock.values()].some((copy) => backordered.some((line) => (copy.sellable.get(line.sku) ?? 0) > 0));
  }

  async shipped(em: EntityManager, shipment: ShipmentRecorded): Promise<boolean> {
    const order = await lockOrder(em, this.db.dialect, shipment.orderId);
    if (!order) return false;
    order.shipped = [...order.shipped, ...shipment.units.map((line) => ({ location: shipment.location, sku: line.sku, quantity: line.quantity }))];
    if (shipment.orderStatus === 'SHIPPED') order.state = 'CLOSED';
    await updateOrder(em, order);
    return false;
  }

  async canceled(em: EntityManager, orderId: string): Promise<boolean> {
    const order = await lockOrder(em, this.db.dialect, orderId);
    if (!order || order.state === 'CLOSED') return false;
    order.state = 'CLOSED';
    await updateOrder(em, order);
    return false;
  }
}
