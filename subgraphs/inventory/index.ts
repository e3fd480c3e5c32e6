import { openDatabase } from '../../shared/database';
import { eventRetention, OutboxRelay } from '../../shared/outbox';
import type { SubgraphDeps } from '../../shared/runtime';
import { buildSubgraph, type SubgraphRuntime } from '../../shared/subgraph';
import { TopicStream } from '../../shared/topic-stream';
import { TOPICS } from '../../shared/topics';
import { ChangeStream } from './events/change-stream';
import { consumeInventoryEvents } from './events/consumers';
import { consumeOrderStockEvents } from './events/order-consumers';
import { AlertResolver } from './graphql/alert-resolver';
import { AlertStreamResolver } from './graphql/alert-stream-resolver';
import { AvailabilityResolver } from './graphql/availability-resolver';
import { inventoryContexts, type InventoryContext, type InventoryServices } from './graphql/context';
import { LeadTimeResolver } from './graphql/lead-time-resolver';
import { LocationResolver } from './graphql/location-resolver';
import { ReservationResolver } from './graphql/reservation-resolver';
import { ChannelResolver, channelReference, locationReference } from './graphql/setup-resolver';
import { SkuStockResolver, skuReference } from './graphql/stock-resolver';
import { AvailabilitySubscriptionResolver } from './graphql/subscription-resolver';
import { AvailabilityReader } from './store/availability-reader';
import { EventRecorder } from './store/event-recorder';
import { commitmentMigrations } from './store/commitment-migrations';
import { inventoryMigrations } from './store/migrations';
import { EXPIRY_BATCH, ReservationStore } from './store/reservation-store';
import { SetupStore } from './store/setup-store';

export const buildInventorySchema = () =>
  buildSubgraph({
    resolvers: [ChannelResolver, LocationResolver, SkuStockResolver, AvailabilityResolver, LeadTimeResolver, ReservationResolver, AlertResolver, AlertStreamResolver, AvailabilitySubscriptionResolver],
    referenceResolvers: { Sku: skuReference, Channel: channelReference, Location: locationReference },
  });

export interface InventoryRuntime extends SubgraphRuntime<InventoryContext> {
  services: InventoryServices;
}

export async function createInventory(deps: SubgraphDeps): Promise<InventoryRuntime> {
  const { schema } = await buildInventorySchema();
  const db = await openDatabase(deps.config, { name: 'inventory', entities: [], migrations: [...inventoryMigrations, ...commitmentMigrations] });
  const relay = new OutboxRelay(db, deps.bus, 'inventory', deps.logger);
  const services: InventoryServices = {
    db,
    setup: new SetupStore(db, relay),
    events: new EventRecorder(db, relay),
    reservations: new ReservationStore(db, relay),
    reader: new AvailabilityReader(db),
    changes: new ChangeStream(db, deps.bus),
    alertStream: new TopicStream(deps.bus, TOPICS.alertRaised),
  };
  services.changes.start();
  services.alertStream.start();
  await consumeInventoryEvents(deps.bus, db, relay);
  await consumeOrderStockEvents(deps.bus, db, relay);
  relay.start(deps.config.outboxPollMs, eventRetention(deps.config));
  await relay.flush();
  // Lapsed holds already stop counting when read; the sweeper makes them EXPIRED and tells
  // subscribers. Each pass expires batches until fewer than a full one are due, so a backlog of
  // abandoned checkouts after a flash sale is cleared at once rather than a batch per interval.
  let sweeping = false;
  const sweep = async () => {
    for (;;) {
      if ((await services.reservations.expireDue()) < EXPIRY_BATCH) return;
    }
  };
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch((error) => deps.logger.error('reservation sweep failed', { error: String(error) }))
      .finally(() => { sweeping = false; });
  }, deps.config.reservationSweepMs);
  sweeper.unref();
  return {
    name: 'inventory',
    schema,
    db,
    services,
    createContext: inventoryContexts(services),
    stop: async () => {
      clearInterval(sweeper);
      services.changes.stop();
      services.alertStream.stop();
      await relay.stop();
      await db.close();
    },
  };
}
