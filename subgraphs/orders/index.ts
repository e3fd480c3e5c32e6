import { openDatabase } from '../../shared/database';
import type { SubgraphDeps } from '../../shared/runtime';
import { buildSubgraph, type SubgraphRuntime } from '../../shared/subgraph';
import { createOrdersContext, OrderResolver, orderReference, type OrdersContext } from './graphql/order-resolver';
import { ordersMigrations } from './store/migrations';
import { OrderStore } from './store/order-store';

export const buildOrdersSchema = () => buildSubgraph({ resolvers: [OrderResolver], referenceResolvers: { Order: orderReference } });

export async function createOrders(deps: SubgraphDeps): Promise<SubgraphRuntime<OrdersContext>> {
  const { schema } = await buildOrdersSchema();
  const db = await openDatabase(deps.config, { name: 'orders', entities: [], migrations: ordersMigrations });
  const orders = new OrderStore(db);
  return {
    name: 'orders',
    schema,
    db,
    createContext: (identity, requestId) => createOrdersContext(orders, identity, requestId),
    stop: () => db.close(),
  };
}
