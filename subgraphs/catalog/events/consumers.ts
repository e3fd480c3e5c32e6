import type { Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import { handleOnce } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import type { ListingStore } from '../store/listing-store';

/** The catalog keeps its own copy of channels so a listing can be checked without asking inventory. */
export async function consumeCatalogEvents(bus: EventBus, db: Database, listings: ListingStore): Promise<void> {
  await bus.consume('catalog', [TOPICS.channelUpserted], async (event) => {
    await handleOnce(db, 'catalog', event, (em) => listings.saveChannel(em, event.payload));
  });
}
