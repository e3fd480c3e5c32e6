import { openDatabase } from '../../shared/database';
import { eventRetention, OutboxRelay } from '../../shared/outbox';
import type { SubgraphDeps } from '../../shared/runtime';
import { buildSubgraph, type SubgraphRuntime } from '../../shared/subgraph';
import { consumeChannelOrders } from './events/channel-orders';
import { consumeOrderEvents } from './events/consumers';
import { ordersContexts, type OrdersContext, type OrdersServices } from './graphql/context';
import { OrderMutationResolver } from './graphql/order-mutation-resolver';
import { OrderResolver, orderReference } from './graphql/order-resolver';
import { Fulfilment } from './store/fulfilment-store';
import { ordersMigrations } from './store/migrations';
import { OrderIntake } from './store/order-intake';
import { OrderStore } from './store/order-store';

export const buildOrdersSchema = () => buildSubgraph({ resolvers: [OrderResolver, OrderMutationResolver], referenceResolvers: { Order: orderReference } });

export async function createOrders(deps: SubgraphDeps): Promise<SubgraphRuntime<OrdersContext>> {
  const { schema } = await buildOrdersSchema();
  const db = await openDatabase(deps.config, { name: 'orders', entities: [], migrations: ordersMigrations });
  const relay = new OutboxRelay(db, deps.bus, 'orders', deps.logger);
  const orders = new OrderStore(db);
  const services: OrdersServices = {
    orders,
    intake: new OrderIntake(db, relay, orders, deps.logger),
    fulfilment: new Fulfilment(db, relay, orders, deps.logger),
  };
  await consumeOrderEvents(deps.bus, db, services.fulfilment);
  await consumeChannelOrders(deps.bus, services, deps.logger);
  relay.start(deps.config.outboxPollMs, eventRetention(deps.config));
  await relay.flush();
  return {
    name: 'orders',
    schema,
    db,
    createContext: ordersContexts(services),
    stop: async () => {
      await relay.stop();
      await db.close();
    },
  };
}
