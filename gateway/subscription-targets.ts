import crypto from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { print, subscribe, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { identityHeaders, type Identity } from '../shared/auth';
import type { Config, SubgraphName } from '../shared/config';
import { SUBGRAPH_NAMES } from '../shared/config';
import type { SubgraphRuntime } from '../shared/subgraph';
import type { SubscriptionTarget } from './subscription-router';
import { subgraphShape, subscriptionOwners } from './supergraph';

/** Embedded: the owning subgraph's schema, subscribed to in this process. */
export function inProcessTarget(runtime: SubgraphRuntime): SubscriptionTarget {
  return {
    schema: runtime.schema,
    subscribe: (document, variables, identity, requestId) =>
      subscribe({ schema: runtime.schema, document, variableValues: variables, contextValue: runtime.createContext(identity, requestId) }),
  };
}

/**
 * Scaled out: the owning subgraph over graphql-ws, one shared socket per subgraph. Each
 * subscription carries the caller's identity, signed, in its `extensions`.
 */
export function remoteTarget(schema: GraphQLSchema, httpUrl: string, secret: string): SubscriptionTarget & { dispose(): Promise<void> } {
  const url = httpUrl.replace(/^http/, 'ws');
  let client: Client | null = null;
  const connect = () => (client ??= createClient({ url, webSocketImpl: WebSocket, lazy: true, retryAttempts: Infinity, keepAlive: 10_000, generateID: () => crypto.randomUUID() }));
  return {
    schema,
    subscribe: async (document: DocumentNode, variables: Record<string, unknown>, identity: Identity | null, requestId: string) => {
      const iterator = connect().iterate({
        query: print(document),
        variables,
        extensions: { ...identityHeaders(identity, secret), requestId },
      });
      return iterator as AsyncIterable<ExecutionResult>;
    },
    dispose: async () => {
      await client?.dispose();
    },
  };
}

/** Root subscription field → where to subscribe: in process when its owner is embedded, over graphql-ws otherwise. */
export function subscriptionTargets(config: Config, embedded?: Partial<Record<SubgraphName, SubgraphRuntime<any>>>) {
  const remotes: { dispose(): Promise<void> }[] = [];
  const targets = new Map<string, SubscriptionTarget>();
  for (const [field, owner] of subscriptionOwners(SUBGRAPH_NAMES)) {
    const runtime = embedded?.[owner as SubgraphName];
    if (runtime) targets.set(field, inProcessTarget(runtime));
    else {
      const target = remoteTarget(subgraphShape(owner), config.subgraphUrls[owner as SubgraphName]!, config.internalSecret!);
      remotes.push(target);
      targets.set(field, target);
    }
  }
  return { targets, dispose: () => Promise.all(remotes.map((target) => target.dispose())) };
}
