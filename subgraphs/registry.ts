import type { SubgraphName } from '../shared/config';
import type { SubgraphDeps } from '../shared/runtime';
import type { SubgraphRuntime } from '../shared/subgraph';
import { createCatalog } from './catalog';
import { createInventory } from './inventory';
import { createOrders } from './orders';
import { createRouting } from './routing';

/**
 * How to start each subgraph. Consumers start before producers publish, so inventory (which
 * consumes catalog events) comes first.
 */
export const SUBGRAPH_FACTORIES: Record<SubgraphName, (deps: SubgraphDeps) => Promise<SubgraphRuntime<any>>> = {
  inventory: createInventory,
  catalog: createCatalog,
  orders: createOrders,
  routing: createRouting,
};
