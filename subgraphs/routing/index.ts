import { openDatabase } from '../../shared/database';
import { eventRetention, OutboxRelay } from '../../shared/outbox';
import type { SubgraphDeps } from '../../shared/runtime';
import { buildSubgraph, type SubgraphRuntime } from '../../shared/subgraph';
import { TopicStream } from '../../shared/topic-stream';
import { TOPICS } from '../../shared/topics';
import { consumeRoutingEvents } from './events/consumers';
import { routingContexts, type RoutingContext, type RoutingServices } from './graphql/context';
import { OrderRoutingResolver, orderReference } from './graphql/decision-resolver';
import { LateShipmentResolver } from './graphql/risk-resolver';
import { RoutingRulesResolver } from './graphql/rules-resolver';
import { RoutingSubscriptionResolver } from './graphql/subscription-resolver';
import { DecisionStore } from './store/decision-store';
import { routingMigrations } from './store/migrations';
import { OrderProgress } from './store/order-progress';
import { OrderRouter } from './store/order-router';
import { RulesStore } from './store/rules-store';

export const buildRoutingSchema = () => buildSubgraph({
  resolvers: [OrderRoutingResolver, RoutingRulesResolver, LateShipmentResolver, RoutingSubscriptionResolver],
  referenceResolvers: { Order: orderReference },
});

export interface RoutingRuntime extends SubgraphRuntime<RoutingContext> {
  services: RoutingServices;
}

export async function createRouting(deps: SubgraphDeps): Promise<RoutingRuntime> {
  const { schema } = await buildRoutingSchema();
  const db = await openDatabase(deps.config, { name: 'routing', entities: [], migrations: routingMigrations });
  const relay = new OutboxRelay(db, deps.bus, 'routing', deps.logger);
  const services: RoutingServices = { db, decisions: new DecisionStore(db), rules: new RulesStore(db), stream: new TopicStream(deps.bus, TOPICS.orderRouted) };
  const router = new OrderRouter(db);
  services.stream.start();
  await consumeRoutingEvents(deps.bus, db, relay, router, new OrderProgress(db, router));
  relay.start(deps.config.outboxPollMs, eventRetention(deps.config));
  await relay.flush();
  return {
    name: 'routing',
    schema,
    db,
    services,
    createContext: routingContexts(services),
    stop: async () => {
      services.stream.stop();
      await relay.stop();
      await db.close();
    },
  };
}
