import { openDatabase } from '../../shared/database';
import type { SubgraphDeps } from '../../shared/runtime';
import { buildSubgraph, type SubgraphRuntime } from '../../shared/subgraph';
import { createRoutingContext, OrderRoutingResolver, orderReference, type RoutingContext } from './graphql/decision-resolver';
import { DecisionStore } from './store/decision-store';
import { routingMigrations } from './store/migrations';

export const buildRoutingSchema = () => buildSubgraph({ resolvers: [OrderRoutingResolver], referenceResolvers: { Order: orderReference } });

export async function createRouting(deps: SubgraphDeps): Promise<SubgraphRuntime<RoutingContext>> {
  const { schema } = await buildRoutingSchema();
  const db = await openDatabase(deps.config, { name: 'routing', entities: [], migrations: routingMigrations });
  const decisions = new DecisionStore(db);
  return {
    name: 'routing',
    schema,
    db,
    createContext: (identity, requestId) => createRoutingContext(decisions, identity, requestId),
    stop: () => db.close(),
  };
}
