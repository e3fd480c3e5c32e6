import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import { enqueue, handleManyOnce, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { CommitmentStore } from '../store/commitment-store';
import { confirmReservation } from '../store/reservation-confirmation';
import { ShipmentEffects } from '../store/shipment-effects';

/**
 * The stock side of orders. Orders and routing decide; inventory, the single writer of stock,
 * applies: a confirmed reservation, a routing decision's commitment, a shipment, a
 * cancellation, a return. Each event applies once, with the events it causes; events that arrive
 * together apply in one transaction.
 */
export async function consumeOrderStockEvents(bus: EventBus, db: Database, relay: OutboxRelay): Promise<void> {
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
  await bus.consumeBatches('inventory-orders', Object.keys(apply), async (events) => {
    // Only an order that confirms a reservation concerns inventory at intake; the rest reach it as routing decisions.
    const relevant = events.filter((event) => event.topic !== TOPICS.orderAccepted || event.payload.reservationId);
    if (relevant.length === 0) return;
    const applied = await handleManyOnce(db, 'inventory-orders', relevant, (em, event) => apply[event.topic](em, event.payload));
    if (applied) await relay.flush();
  });
}
