import type { Identity } from '../shared/auth';
import type { KeyPolicy } from './access/key-policy';

/** What the gateway knows about a request and hands to every subgraph call it makes. */
export interface GatewayContext {
  identity: Identity | null;
  requestId: string;
  /** The key's own limits and flags; absent means the configured defaults. */
  policy?: KeyPolicy;
  /** A query the gateway runs itself to resolve a subscription event: the client's limits were checked when it subscribed. */
  internal?: boolean;
  /** Aborted when the query's time is up: no further subgraph fetch of its plan is sent. */
  cancelled?: AbortSignal;
}
