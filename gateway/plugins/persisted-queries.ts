import type { ApolloServerOptionsWithGateway, ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type Redis from 'ioredis';
import type { OperationStore } from '../access/operation-store';
import type { GatewayContext } from '../context';

type PersistedQueryOptions = Exclude<NonNullable<ApolloServerOptionsWithGateway<GatewayContext>['persistedQueries']>, false>;
type QueryCache = NonNullable<PersistedQueryOptions['cache']>;

/** How long an automatically persisted query is remembered after it was last registered. */
const APQ_TTL_SECONDS = 24 * 3600;
/** Queries one gateway process remembers when there is no Redis; the least recently used go first. */
const MEMORY_ENTRIES = 10_000;

function memoryCache(): QueryCache {
  const entries = new Map<string, { value: string; until: number }>();
  return {
    get: async (key) => {
      const entry = entries.get(key);
      if (!entry || entry.until < Date.now()) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set: async (key, value, options) => {
      entries.delete(key);
      if (entries.size >= MEMORY_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until: Date.now() + (options?.ttl ?? APQ_TTL_SECONDS) * 1000 });
    },
    delete: async (key) => entries.delete(key),
  };
}

function redisCache(redis: Redis): QueryCache {
  const prefix = 'stockgraph:apq:';
  return {
    get: async (key) => (await redis.get(prefix + key)) ?? undefined,
    set: async (key, value, options) => {
      await redis.set(prefix + key, value, 'EX', options?.ttl ?? APQ_TTL_SECONDS);
    },
    delete: async (key) => (await redis.del(prefix + key)) > 0,
  };
}

/**
 * Persisted queries: a client sends the SHA-256 of its query, and the query text only when the
 * gateway does not know it yet (Apollo's automatic persisted queries). Registered operations
 * are always known. Scaled out, the automatic ones live in Redis, so a hash one replica learnt
 * works on all; embedded, in this process.
 */
export function persistedQueries(operations: OperationStore, redis: Redis | undefined): PersistedQueryOptions {
  const automatic = redis ? redisCache(redis) : memoryCache();
  // Apollo Server asks for `apq:<hash>`.
  const cache: QueryCache = {
    get: async (key) => (await automatic.get(key)) ?? (await operations.queryOf(key.replace(/^apq:/, ''))) ?? undefined,
    set: (key, value, options) => automatic.set(key, value, options),
    delete: (key) => automatic.delete(key),
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
