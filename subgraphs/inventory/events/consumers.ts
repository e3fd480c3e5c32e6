import type { Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import { handleOnce, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { publishAvailability } from '../store/availability-feed';
import { saveSkuCopy } from '../store/catalog-copy';

/** Inventory keeps its own copy of SKUs and their composition, fed by catalog events. */
export async function consumeInventoryEvents(bus: EventBus, db: Database, relay: OutboxRelay): Promise<void> {
  await bus.consume('inventory', [TOPICS.skuUpserted], async (event) => {
    const applied = await handleOnce(db, 'inventory', event, async (em) => {
      await saveSkuCopy(em, event.payload);
      // A new composition changes what a bundle can sell.
      await publishAvailability(em, db.dialect, [event.payload.code]);
    });
    if (applied) await relay.flush();
  });
}
