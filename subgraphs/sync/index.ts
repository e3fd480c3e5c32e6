import { openDatabase } from '../../shared/database';
import { eventRetention, OutboxRelay } from '../../shared/outbox';
import type { SubgraphDeps } from '../../shared/runtime';
import { buildSubgraph, type SubgraphRuntime } from '../../shared/subgraph';
import { consumeSyncEvents } from './events/consumers';
import { ConnectorResolver } from './graphql/connector-resolver';
import { syncContexts, type SyncContext, type SyncServices } from './graphql/context';
import { ListingSyncResolver } from './graphql/listing-sync-resolver';
import { ChannelHealthStore, LeaseStore } from './store/channel-health-store';
import { ConnectorStore } from './store/connector-store';
import { DriftRecord } from './store/drift-record';
import { syncMigrations } from './store/migrations';
import { PushQueue } from './store/push-queue';
import { SyncReader } from './store/sync-reader';
import { WebhookReceipts } from './store/webhook-receipts';
import { webhookRouter } from './webhooks';
import { SyncEngine } from './workers/sync-engine';

/** How long a process may push to a channel without renewing its claim; a replica that dies hands over after this. */
const LEASE_MS = 10_000;

export const buildSyncSchema = () => buildSubgraph({ resolvers: [ListingSyncResolver, ConnectorResolver] });

export interface SyncRuntime extends SubgraphRuntime<SyncContext> {
  services: SyncServices;
}

/**
 * Channel sync: keeps every channel's listings at stockgraph's availability through each
 * channel's API (connectors/), takes channel order webhooks in, and finds drift.
 */
export async function createSync(deps: SubgraphDeps): Promise<SyncRuntime> {
  const { schema } = await buildSyncSchema();
  const db = await openDatabase(deps.config, { name: 'sync', entities: [], migrations: syncMigrations });
  const relay = new OutboxRelay(db, deps.bus, 'sync', deps.logger);
  const connectors = new ConnectorStore(db);
  const health = new ChannelHealthStore(db);
  const queue = new PushQueue(db);
  const engine = new SyncEngine({
    db, queue, health, connectors, relay, logger: deps.logger, leases: new LeaseStore(db), drift: new DriftRecord(db),
    pollMs: deps.config.syncPollMs, leaseMs: LEASE_MS, reconcileMs: deps.config.syncReconcileMs,
  });
  const services: SyncServices = { db, connectors, health, queue, reader: new SyncReader(db), engine };
  await consumeSyncEvents(deps.bus, db, relay, (channels) => engine.wake(channels));
  relay.start(deps.config.outboxPollMs, eventRetention(deps.config));
  await relay.flush();
  await engine.start();
  return {
    name: 'sync',
    schema,
    db,
    services,
    routes: webhookRouter({ connectors, receipts: new WebhookReceipts(db), relay, logger: deps.logger }),
    createContext: syncContexts(services),
    stop: async () => {
      await engine.stop();
      await relay.stop();
      await db.close();
    },
  };
}
