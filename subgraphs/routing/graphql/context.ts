import DataLoader from 'dataloader';
import { requestContexts, type LoadersOf } from '../../../shared/request-context';
import type { Identity } from '../../../shared/auth';
import type { Database } from '../../../shared/database';
import type { TopicStream } from '../../../shared/topic-stream';
import type { DecisionSnapshot, DecisionStore, StoredDecision } from '../store/decision-store';
import type { RulesStore } from '../store/rules-store';

export interface RoutingServices {
  db: Database;
  decisions: DecisionStore;
  rules: RulesStore;
  /** Decisions as they are recorded, for routingDecided. */
  stream: TopicStream<DecisionSnapshot>;
}

export interface RoutingContext extends RoutingServices {
  identity: Identity | null;
  requestId: string;
  /** The current decision of each order. */
  decisionLoader: DataLoader<string, StoredDecision | null>;
  /** A decision as it was recorded, by its id. */
  decisionVersionLoader: DataLoader<string, StoredDecision | null>;
}

/** Per request (see `requestContexts`): batching never mixes callers and nothing is cached across requests. */
export const routingContexts = (services: RoutingServices) => requestContexts<RoutingServices, LoadersOf<RoutingContext, RoutingServices>>(services, {
  decisionLoader: () => new DataLoader((ids) => services.decisions.byOrderIds(ids)),
  decisionVersionLoader: () => new DataLoader((ids) => services.decisions.byIds(ids)),
});
