import type { SubgraphDeps } from '../../shared/runtime';
import { buildSubgraph, type SubgraphRuntime } from '../../shared/subgraph';
import { openDatabase } from '../../shared/database';
import { eventRetention, OutboxRelay } from '../../shared/outbox';
import { consumeCatalogEvents } from './events/consumers';
import { catalogContexts, type CatalogContext } from './graphql/context';
import { ListingResolver } from './graphql/listing-resolver';
import { SkuResolver, skuReference } from './graphql/sku-resolver';
import { ChannelReference } from '../../shared/graphql-references';
import { BundleComponent } from './graphql/types';
import { ListingStore } from './store/listing-store';
import { SkuStore } from './store/sku-store';
import { ChannelRefRow, ListingRow, SkuComponentRow, SkuRow } from './store/entities';
import { catalogMigrations } from './store/migrations';

export const buildCatalogSchema = () =>
  buildSubgraph({
    resolvers: [SkuResolver, ListingResolver],
    orphanedTypes: [BundleComponent, ChannelReference],
    referenceResolvers: { Sku: skuReference },
  });

export async function createCatalog(deps: SubgraphDeps): Promise<SubgraphRuntime<CatalogContext>> {
  const { schema } = await buildCatalogSchema();
  const db = await openDatabase(deps.config, {
    name: 'catalog',
    entities: [SkuRow, SkuComponentRow, ChannelRefRow, ListingRow],
    migrations: catalogMigrations,
  });
  const relay = new OutboxRelay(db, deps.bus, 'catalog', deps.logger);
  const services = { skus: new SkuStore(db, relay), listings: new ListingStore(db, relay) };
  await consumeCatalogEvents(deps.bus, db, services.listings);
  relay.start(deps.config.outboxPollMs, eventRetention(deps.config));
  await relay.flush();
  return {
    name: 'catalog',
    schema,
    db,
    createContext: catalogContexts(services),
    stop: async () => {
      await relay.stop();
      await db.close();
    },
  };
}
