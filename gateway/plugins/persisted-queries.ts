import type { ApolloServerOptionsWithGateway, ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type Redis from 'ioredis';
import type { OperationStore } from '../access/operation-store';
import type { GatewayContext } from '../context';

type PersistedQueryOptions = Exclude<NonNullable<ApolloServerOptionsWithGateway<GatewayContext>['persistedQueries']>, false>;
type QueryCache = NonNullable<PersistedQueryOptions['cache']>;

/** How long an automatically persisted query is remembered after it was last registered. */
const APQ_TTL_SECONDS = 24 * 3600;

/**
 * Automatic persisted queries: a storefront sends the SHA-256 of its query and the query text
 * only when the gateway does not know it yet. Embedded, Apollo Server's own in-memory cache
 * keeps them; scaled out they go to Redis, so a hash registered with one replica works on all.
 */
export function persistedQueries(redis: Redis | undefined): PersistedQueryOptions {
  if (!redis) return { ttl: APQ_TTL_SECONDS };
  const prefix = 'stockgraph:apq:';
  const cache: QueryCache = {
    get: async (key) => (await redis.get(prefix + key)) ?? undefined,
    set: async (key, value, options) => {
      const ttl = options?.ttl ?? APQ_TTL_SECONDS;
      await (ttl ? redis.set(prefix + key, value, 'EX', ttl) : redis.set(prefix + key, value));
    },
    delete: async (key) => {
      await redis.del(prefix + key);
    },
  };
  return { cache, ttl: APQ_TTL_SECONDS };
}

/**
 * A key flagged `registeredOperationsOnly` may run only operations an admin registered: the
 * hash of the query it sent (in full or as a persisted query) must be on the list.
 */
export function useRegisteredOperations(operations: OperationStore): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!contextValue.policy?.registeredOperationsOnly || contextValue.internal) return;
      return {
        async didResolveOperation({ queryHash }) {
          if (await operations.isRegistered(queryHash)) return;
          throw new GraphQLError('This API key may run only registered operations', {
            extensions: { code: 'FORBIDDEN', reason: 'OPERATION_NOT_REGISTERED', http: { status: 403 } },
          });
        },
      };
    },
  };
}
