import type { Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import { handleOnce } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import type { CatalogStore } from '../store/catalog-store';

/** The catalog keeps its own copy of channels so a listing can be checked without asking inventory. */
export async function consumeCatalogEvents(bus: EventBus, db: Database, store: CatalogStore): Promise<void> {
  await bus.consume('catalog', [TOPICS.channelUpserted], async (event) => {
    await handleOnce(db, 'catalog', event, (em) => store.saveChannel(em, event.payload));
  });
}
