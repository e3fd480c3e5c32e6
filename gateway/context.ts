import type { Identity } from '../shared/auth';

/** What the gateway knows about a request and hands to every subgraph call it makes. */
export interface GatewayContext {
  identity: Identity | null;
  requestId: string;
}
