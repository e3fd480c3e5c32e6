import { buildAccessSchema } from '../gateway/access';
import { buildCatalogSchema } from '../subgraphs/catalog';
import { buildInventorySchema } from '../subgraphs/inventory';
import { buildOrdersSchema } from '../subgraphs/orders';
import { buildRoutingSchema } from '../subgraphs/routing';
import { buildSyncSchema } from '../subgraphs/sync';
import type { BuiltSubgraph } from '../shared/subgraph';

/** Every subgraph of the supergraph, by name, built from code alone (no database needed). */
export const SUBGRAPH_BUILDERS: Record<string, () => Promise<BuiltSubgraph>> = {
  access: buildAccessSchema,
  catalog: buildCatalogSchema,
  inventory: buildInventorySchema,
  orders: buildOrdersSchema,
  routing: buildRoutingSchema,
  sync: buildSyncSchema,
};
