import DataLoader from 'dataloader';
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

export function createRoutingContext(services: RoutingServices, identity: Identity | null, requestId: string): RoutingContext {
  return {
    ...services,
    identity,
    requestId,
    decisionLoader: new DataLoader((ids) => services.decisions.byOrderIds(ids)),
    decisionVersionLoader: new DataLoader((ids) => services.decisions.byIds(ids)),
  };
}
