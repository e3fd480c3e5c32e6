import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import { handleManyOnce } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { saveChannel, saveListings, saveLocation, saveSku, type ListingCopy } from '../store/catalog-copy';
import type { Fulfilment } from '../store/fulfilment-store';

/**
 * Orders keeps its own copies of what it checks orders against (SKUs, listings, channels,
 * locations) and learns from inventory where each order's units were committed. Events that
 * arrive together apply in one transaction.
 */
export async function consumeOrderEvents(bus: EventBus, db: Database, fulfilment: Fulfilment): Promise<void> {
  const apply: Record<string, (em: EntityManager, payload: any) => Promise<void>> = {
    [TOPICS.skuUpserted]: (em, sku) => saveSku(em, db.dialect, sku),
    [TOPICS.channelUpserted]: (em, channel) => saveChannel(em, db.dialect, channel),
    [TOPICS.locationUpserted]: (em, location) => saveLocation(em, db.dialect, location),
    [TOPICS.orderCommitted]: (em, outcome) => fulfilment.applyRouting(em, outcome),
  };
  await bus.consumeBatches('orders', [...Object.keys(apply), TOPICS.listingUpserted], async (events) => {
    // Listings come by the thousand (a bulk import): gathered, the last of each reference kept, and written together.
    const listings = new Map<string, ListingCopy>();
    await handleManyOnce(db, 'orders', events, async (em, event) => {
      if (event.topic === TOPICS.listingUpserted) listings.set(`${event.payload.channel}|${event.payload.externalId}`, event.payload);
      else await apply[event.topic](em, event.payload);
    }, (em) => saveListings(em, db.dialect, [...listings.values()]));
  });
}
