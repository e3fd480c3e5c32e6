import type { Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import { handleManyOnce, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { publishAvailability } from '../store/availability-feed';
import { saveListingCopy, saveSkuCopy } from '../store/catalog-copy';
import { raiseAlert } from '../store/alert-store';
import { applyPauseRequest, applySyncAlert } from '../store/sync-requests';
import type { EntityManager } from 'typeorm';

/**
 * Inventory keeps its own copy of SKUs, their composition and channel listings, fed by catalog
 * events, and raises the alerts the catalog reports.
 */
export async function consumeInventoryEvents(bus: EventBus, db: Database, relay: OutboxRelay): Promise<void> {
  const apply: Record<string, (em: EntityManager, payload: any) => Promise<void>> = {
    [TOPICS.skuUpserted]: async (em, sku) => {
      await saveSkuCopy(em, sku);
      // A new composition changes what a bundle can sell.
      await publishAvailability(em, db.dialect, [sku.code]);
    },
    [TOPICS.listingUpserted]: (em, listing) => saveListingCopy(em, listing),
    [TOPICS.mappingConflict]: (em, conflict) => raiseAlert(em, {
      kind: 'MAPPING_CONFLICT', sku: conflict.requestedSku, channel: conflict.channel, location: null,
      message: `Listing ${conflict.externalId} on ${conflict.channel} maps to SKU ${conflict.mappedSku}; a request to map it to ${conflict.requestedSku} was refused`,
    }),
    [TOPICS.syncAlert]: (em, alert) => applySyncAlert(em, alert),
    [TOPICS.channelPauseRequested]: (em, request) => applyPauseRequest(em, db.dialect, request),
  };
  await bus.consumeBatches('inventory', Object.keys(apply), async (events) => {
    const applied = await handleManyOnce(db, 'inventory', events, (em, event) => apply[event.topic](em, event.payload));
    if (applied) await relay.flush();
  });
}
