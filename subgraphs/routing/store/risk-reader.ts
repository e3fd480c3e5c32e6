import type { Queryable } from '../../../shared/database';
import { lateShipmentRisk, type ShipmentRisk } from '../domain/late-risk';
import type { DecisionStore } from './decision-store';
import { openOrders } from './order-copy';

export interface RiskQuery {
  channel: string | null;
  location: string | null;
  visible: (channel: string) => boolean;
  now: Date;
}

/** Open orders at risk of shipping late, oldest first, with the date routing last promised. */
export async function ordersAtRisk(q: Queryable, decisions: DecisionStore, query: RiskQuery): Promise<(ShipmentRisk & { promisedShipDate: Date | null })[]> {
  const orders = (await openOrders(q, query.channel)).filter((order) => query.visible(order.channel));
  const current = await decisions.byOrderIds(orders.map((order) => order.orderId));
  const risks: (ShipmentRisk & { promisedShipDate: Date | null })[] = [];
  orders.forEach((order, index) => {
    const decision = current[index];
    if (!decision) return;
    const risk = lateShipmentRisk({ ...order, promisedShipDate: decision.promisedShipDate, atRisk: decision.atRisk }, query.now);
    if (risk && (!query.location || risk.locations.includes(query.location))) risks.push({ ...risk, promisedShipDate: decision.promisedShipDate });
  });
  return risks;
}
