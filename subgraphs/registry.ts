import type { SubgraphName } from '../shared/config';
import type { SubgraphDeps } from '../shared/runtime';
import type { SubgraphRuntime } from '../shared/subgraph';
import { createCatalog } from './catalog';
import { createInventory } from './inventory';
import { createOrders } from './orders';
import { createRouting } from './routing';
import { createSync } from './sync';

/**
 * How to start each subgraph. Consumers start before producers publish, so inventory (which
 * consumes catalog events) comes first. Sync comes last: what it publishes at start (alerts,
 * channel orders) reaches inventory and orders already listening.
 */
export const SUBGRAPH_FACTORIES: Record<SubgraphName, (deps: SubgraphDeps) => Promise<SubgraphRuntime<any>>> = {
  inventory: createInventory,
  catalog: createCatalog,
  orders: createOrders,
  routing: createRouting,
  sync: createSync,
};
