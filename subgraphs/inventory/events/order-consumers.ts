import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import type { Logger } from '../../../shared/logger';
import { enqueue, handleOnce, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { CommitmentStore } from '../store/commitment-store';
import { confirmReservation } from '../store/reservation-confirmation';
import { ShipmentEffects } from '../store/shipment-effects';

/**
 * The stock side of orders. Orders and routing decide; inventory, the single writer of stock,
 * applies: a confirmed reservation, a routing decision's commitment, a shipment, a
 * cancellation, a return. Each event applies once, with the events it causes, in one transaction.
 */
export async function consumeOrderStockEvents(bus: EventBus, db: Database, relay: OutboxRelay, logger: Logger): Promise<void> {
  const commitments = new CommitmentStore(db.dialect);
  const effects = new ShipmentEffects(db.dialect);
  const apply: Record<string, (em: EntityManager, payload: any) => Promise<void>> = {
    [TOPICS.orderAccepted]: async (em, order) => {
      const { outcome, committed } = await confirmReservation(em, db.dialect, order);
      await enqueue(em, TOPICS.reservationConfirmed, `order:${order.orderId}`, { orderId: order.orderId, reservationId: order.reservationId, outcome, committed, order });
    },
    [TOPICS.routingDecided]: (em, decision) => commitments.applyDecision(em, decision),
    [TOPICS.orderCanceled]: (em, canceled) => commitments.release(em, canceled.orderId, canceled.channel),
    [TOPICS.shipmentRecorded]: (em, shipment) => effects.ship(em, shipment),
    [TOPICS.returnRecorded]: (em, received) => effects.receiveReturn(em, received),
  };
  await bus.consume('inventory-orders', Object.keys(apply), async (event) => {
    // Only an order that confirms a reservation concerns inventory at intake; the rest reach it as routing decisions.
    if (event.topic === TOPICS.orderAccepted && !event.payload.reservationId) return;
    const applied = await handleOnce(db, 'inventory-orders', event, (em) => apply[event.topic](em, event.payload));
    if (applied) await relay.flush().catch((error) => logger.warn('inventory outbox flush failed; the relay retries', { error: String(error) }));
  });
}
