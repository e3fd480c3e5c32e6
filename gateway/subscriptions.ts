import type { Server } from 'node:http';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { getOperationAST, GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { Identity } from '../shared/auth';
import type { Logger } from '../shared/logger';
import type { Authenticator } from './authenticate';
import type { GatewayQuery, SubscriptionRouter } from './subscription-router';

interface SocketExtra {
  identity?: Identity;
  [key: PropertyKey]: unknown;
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
          ctx.extra.identity = await options.authenticator.identify(ctx.connectionParams?.apiKey);
          return true;
        } catch (error) {
          options.logger.info('websocket refused', { reason: (error as Error).message });
          return false;
        }
      },
      context: (ctx) => {
        const context = { identity: (ctx.extra as SocketExtra).identity ?? null };
        requestIds.set(context, crypto.randomUUID());
        return context;
      },
      subscribe: (args: ExecutionArgs) => {
        const context = args.contextValue as { identity: Identity | null };
        return options.router.subscribe(args.document, (args.variableValues ?? {}) as Record<string, unknown>, args.operationName ?? undefined,
          context.identity, requestIds.get(context) ?? crypto.randomUUID());
      },
      execute: (args: ExecutionArgs) => {
        const context = args.contextValue as { identity: Identity | null };
        const operation = getOperationAST(args.document, args.operationName);
        if (!operation) return { errors: [new GraphQLError('No operation to execute')] };
        return options.query(args.document, (args.variableValues ?? {}) as Record<string, unknown>, context.identity, requestIds.get(context) ?? crypto.randomUUID());
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
