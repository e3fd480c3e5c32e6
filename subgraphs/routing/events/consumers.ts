import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import type { BusEvent, EventBus } from '../../../shared/event-bus';
import { handleManyOnce, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { saveChannel, saveLocation } from '../store/network-copy';
import type { OrderProgress } from '../store/order-progress';
import type { OrderRouter } from '../store/order-router';

type Apply = (em: EntityManager, payload: any, now: Date) => Promise<boolean>;

/**
 * Routing keeps its own copies of channels, locations and stock, fed by inventory, routes every
 * order orders accepts, and follows each decision through inventory's commitment to shipment.
 * The events that arrive together apply in one transaction: a receipt of thousands of SKUs is
 * thousands of stock figures, and one commit for them all keeps up with inventory.
 */
export async function consumeRoutingEvents(bus: EventBus, db: Database, relay: OutboxRelay, router: OrderRouter, progress: OrderProgress): Promise<void> {
  const apply: Record<string, Apply> = {
    [TOPICS.channelUpserted]: async (em, channel) => { await saveChannel(em, db.dialect, channel); return false; },
    [TOPICS.locationUpserted]: async (em, location) => { await saveLocation(em, db.dialect, location); return false; },
    [TOPICS.orderAccepted]: (em, order, now) => router.accepted(em, order, now),
    [TOPICS.reservationConfirmed]: (em, confirmed, now) => router.reservationConfirmed(em, confirmed, now),
    [TOPICS.commitRefused]: (em, refusal, now) => router.refused(em, refusal, now),
    [TOPICS.orderCommitted]: (em, outcome, now) => progress.committed(em, outcome, now),
    [TOPICS.shipmentRecorded]: (em, shipment) => progress.shipped(em, shipment),
    [TOPICS.orderCanceled]: (em, canceled) => progress.canceled(em, canceled.orderId),
  };
  await bus.consumeBatches('routing', [...Object.keys(apply), TOPICS.stockChanged], async (events: BusEvent[]) => {
    let wrote = false;
    const now = new Date();
    // Stock figures carry their own version, so one applied twice or late changes nothing: they need no
    // processed-event record, and applying them ahead of the batch's other events only makes the copy fresher.
    const figures = events.filter((event) => event.topic === TOPICS.stockChanged).map((event) => event.payload);
    if (figures.length) wrote = await router.stockChanged(figures, now);
    const rest = events.filter((event) => event.topic !== TOPICS.stockChanged);
    await handleManyOnce(db, 'routing', rest, async (em, event) => {
      if (await apply[event.topic](em, event.payload, now)) wrote = true;
    });
    if (wrote) await relay.flush();
  });
}
