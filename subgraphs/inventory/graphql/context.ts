import DataLoader from 'dataloader';
import { requestContexts, type LoadersOf } from '../../../shared/request-context';
import type { Identity } from '../../../shared/auth';
import type { ChangeStream } from '../events/change-stream';
import type { AvailabilityReader, LeadTime, LeadTimeKey } from '../store/availability-reader';
import type { EventRecorder } from '../store/event-recorder';
import type { ReservationStore } from '../store/reservation-store';
import type { LocationInput, SetupStore } from '../store/setup-store';
import type { ChannelRule } from '../domain/availability';
import { loadChannelRules } from '../store/catalog-copy';
import type { Database } from '../../../shared/database';
import type { TopicStream } from '../../../shared/topic-stream';
import type { Alert } from '../store/alert-store';

export interface InventoryServices {
  db: Database;
  setup: SetupStore;
  events: EventRecorder;
  reservations: ReservationStore;
  reader: AvailabilityReader;
  changes: ChangeStream;
  /** Alerts as they are raised, for alertRaised. */
  alertStream: TopicStream<Alert>;
}

export interface InventoryContext extends InventoryServices {
  identity: Identity | null;
  requestId: string;
  availabilityLoader: DataLoader<{ channel: string; sku: string }, number, string>;
  leadTimeLoader: DataLoader<LeadTimeKey, LeadTime, string>;
  channelLoader: DataLoader<string, (ChannelRule & { name: string; kind: string }) | null>;
  locationLoader: DataLoader<string, LocationInput | null>;
}

/** Per request (see `requestContexts`): batching never mixes callers and nothing is cached across requests. */
export const inventoryContexts = (services: InventoryServices) => requestContexts<InventoryServices, LoadersOf<InventoryContext, InventoryServices>>(services, {
  availabilityLoader: () => new DataLoader((keys) => services.reader.availability(keys), { cacheKeyFn: (key) => `${key.channel}|${key.sku}` }),
  leadTimeLoader: () => new DataLoader((keys) => services.reader.leadTimes(keys), { cacheKeyFn: (key) => `${key.channel}|${key.sku}|${key.by?.toISOString() ?? ''}` }),
  channelLoader: () => new DataLoader(async (codes) => {
    const rules = await loadChannelRules(services.db, codes);
    return codes.map((code) => rules.get(code) ?? null);
  }),
  locationLoader: () => new DataLoader(async (codes) => {
    const found = await services.setup.locations(codes);
    return codes.map((code) => found.get(code) ?? null);
  }),
});
