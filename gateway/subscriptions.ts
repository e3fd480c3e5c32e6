import type { Server } from 'node:http';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { getOperationAST, GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { Identity } from '../shared/auth';
import type { Logger } from '../shared/logger';
import { openSubscriptions } from '../shared/metrics';
import type { KeyPolicy } from './access/key-policy';
import type { Authenticator } from './authenticate';
import type { GatewayQuery, SubscriptionRouter } from './subscription-router';

interface SocketExtra {
  identity?: Identity;
  policy?: KeyPolicy;
  [key: PropertyKey]: unknown;
}

/**
 * Counts a subscription as open until it ends, however it ends. A plain iterator rather than an
 * async generator: a generator waiting for its next event would hold back the client's
 * `complete` until that event came.
 */
function counted<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let open = true;
  openSubscriptions.inc();
  const close = () => {
    if (open) openSubscriptions.dec();
    open = false;
  };
  return {
    next: async () => {
      try {
        const result = await iterator.next();
        if (result.done) close();
        return result;
      } catch (error) {
        close();
        throw error;
      }
    },
    return: async (value?: unknown) => {
      close();
      return iterator.return ? iterator.return(value) : { done: true, value: value as T };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * graphql-ws on the gateway's own port and path. The key is checked once, at connection_init;
 * subscriptions go to the router, queries and mutations through the gateway like HTTP ones.
 */
export function serveSubscriptions(options: {
  httpServer: Server;
  path: string;
  apiSchema: GraphQLSchema;
  authenticator: Authenticator;
  router: SubscriptionRouter;
  query: GatewayQuery;
  logger: Logger;
}) {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path });
  const requestIds = new WeakMap<object, string>();
  const disposable = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: options.apiSchema,
      onConnect: async (ctx) => {
        try {
          const caller = await options.authenticator.identify(ctx.connectionParams?.apiKey);
          ctx.extra.identity = caller.identity;
          ctx.extra.policy = caller;
          return true;
        } catch (error) {
          options.logger.info('websocket refused', { reason: (error as Error).message });
          return false;
        }
      },
      context: (ctx) => {
        const context = { identity: (ctx.extra as SocketExtra).identity ?? null, policy: (ctx.extra as SocketExtra).policy };
        requestIds.set(context, crypto.randomUUID());
        return context;
      },
      subscribe: async (args: ExecutionArgs) => {
        const context = args.contextValue as { identity: Identity | null };
        const source = await options.router.subscribe(args.document, (args.variableValues ?? {}) as Record<string, unknown>, args.operationName ?? undefined,
          context.identity, requestIds.get(context) ?? crypto.randomUUID());
        return Symbol.asyncIterator in source ? counted(source) : source;
      },
      execute: (args: ExecutionArgs) => {
        const context = args.contextValue as { identity: Identity | null; policy?: KeyPolicy };
        const operation = getOperationAST(args.document, args.operationName);
        if (!operation) return { errors: [new GraphQLError('No operation to execute')] };
        return options.query(args.document, (args.variableValues ?? {}) as Record<string, unknown>, context.identity, requestIds.get(context) ?? crypto.randomUUID(), context.policy);
      },
    },
    wsServer,
  );
  return {
    wsServer,
    close: async () => {
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
