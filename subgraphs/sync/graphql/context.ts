import DataLoader from 'dataloader';
import { requestContexts, type LoadersOf } from '../../../shared/request-context';
import type { Identity } from '../../../shared/auth';
import type { Database } from '../../../shared/database';
import type { ChannelHealthStore } from '../store/channel-health-store';
import type { ConnectorStore } from '../store/connector-store';
import type { PushQueue } from '../store/push-queue';
import type { ListingSyncRow, SyncReader } from '../store/sync-reader';
import type { SyncEngine } from '../workers/sync-engine';

export interface SyncServices {
  db: Database;
  connectors: ConnectorStore;
  health: ChannelHealthStore;
  queue: PushQueue;
  reader: SyncReader;
  engine: SyncEngine;
}

export interface SyncContext extends SyncServices {
  identity: Identity | null;
  requestId: string;
  listingLoader: DataLoader<{ channel: string; externalId: string }, ListingSyncRow | null, string>;
  holdBackLoader: DataLoader<string, number>;
}

/** Per request (see `requestContexts`): batching never mixes callers and nothing is cached across requests. */
export const syncContexts = (services: SyncServices) => requestContexts<SyncServices, LoadersOf<SyncContext, SyncServices>>(services, {
  listingLoader: () => new DataLoader((keys) => services.reader.listings(keys), { cacheKeyFn: (key) => `${key.channel}|${key.externalId}` }),
  holdBackLoader: () => new DataLoader((channels) => Promise.all(channels.map((channel) => services.health.holdBackFor(channel)))),
});
