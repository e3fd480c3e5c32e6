import DataLoader from 'dataloader';
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

export function createSyncContext(services: SyncServices, identity: Identity | null, requestId: string): SyncContext {
  return {
    ...services,
    identity,
    requestId,
    listingLoader: new DataLoader((keys) => services.reader.listings(keys), { cacheKeyFn: (key) => `${key.channel}|${key.externalId}` }),
    holdBackLoader: new DataLoader((channels) => Promise.all(channels.map((channel) => services.health.holdBackFor(channel)))),
  };
}
