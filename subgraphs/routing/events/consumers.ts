import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import type { BusEvent, EventBus } from '../../../shared/event-bus';
import type { Logger } from '../../../shared/logger';
import { handleOnce, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { saveChannel, saveLocation } from '../store/network-copy';
import type { OrderProgress } from '../store/order-progress';
import type { OrderRouter } from '../store/order-router';

type Apply = (em: EntityManager, payload: any, now: Date) => Promise<boolean>;

/**
 * Routing keeps its own copies of channels, locations and stock, fed by inventory, routes every
 * order orders accepts, and follows each decision through inventory's commitment to shipment.
 */
export async function consumeRoutingEvents(bus: EventBus, db: Database, relay: OutboxRelay, router: OrderRouter, progress: OrderProgress, logger: Logger): Promise<void> {
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
  await bus.consume('routing', [...Object.keys(apply), TOPICS.stockChanged], async (event: BusEvent) => {
    let wrote = false;
    if (event.topic === TOPICS.stockChanged) {
      // Stock figures are many and carry their own version, so applying one twice is harmless: no processed-event record.
      wrote = await db.transaction((em) => router.stockChanged(em, event.payload, new Date()));
    } else {
      await handleOnce(db, 'routing', event, async (em) => { wrote = await apply[event.topic](em, event.payload, new Date()); });
    }
    if (wrote) await relay.flush().catch((error) => logger.warn('routing outbox flush failed; the relay retries', { error: String(error) }));
  });
}
