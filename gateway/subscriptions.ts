import type { Server } from 'node:http';
import crypto from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { getOperationAST, GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { Identity } from '../shared/auth';
import type { Logger } from '../shared/logger';
import { openSubscriptions } from '../shared/metrics';
import type { KeyPolicy } from './access/key-policy';
import type { Caller } from './access/key-store';
import type { Authenticator } from './authenticate';
import type { GatewayQuery, SubscriptionRouter } from './subscription-router';

interface SocketExtra {
  identity?: Identity;
  policy?: KeyPolicy;
  socket?: WebSocket;
  [key: PropertyKey]: unknown;
}

/** Clients that stop answering pings are dropped after this long, freeing their streams. */
const KEEP_ALIVE_MS = 12_000;
/** How often the keys of open sockets are checked again: a revoked key's sockets close within this. */
const KEY_RECHECK_MS = 2_000;
export const CLOSE_REVOKED = 4403;
export const CLOSE_SHUTDOWN = 1001;
const SHUTDOWN_GRACE_MS = 2_000;

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
 * graphql-ws on the gateway's own port and path. The key is checked at connection_init (and
 * again every few seconds); each operation draws on the key's rate limit like an HTTP request;
 * subscriptions go to the router, queries and mutations through the gateway like HTTP ones.
 */
export function serveSubscriptions(options: {
  httpServer: Server;
  path: string;
  apiSchema: GraphQLSchema;
  authenticator: Authenticator;
  router: SubscriptionRouter;
  query: GatewayQuery;
  /** The per-key rate limit HTTP requests draw on: each operation on a socket counts as one request. */
  consumeRate: (caller: Caller) => Promise<void>;
  logger: Logger;
}) {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path });
  const requestIds = new WeakMap<object, string>();
  // The secret each open socket authenticated with: checked again (once per distinct secret)
  // so revoking, expiring or rotating out a key closes its sockets within seconds.
  const secrets = new Map<WebSocket, string>();
  let checking = false;
  let shuttingDown = false;
  const recheck = setInterval(async () => {
    if (checking || secrets.size === 0) return;
    checking = true;
    try {
      const verdicts = new Map<string, Promise<boolean>>();
      for (const [socket, secret] of secrets) {
        if (!verdicts.has(secret)) verdicts.set(secret, options.authenticator.identify(secret).then(() => true, () => false));
        if (!(await verdicts.get(secret))) {
          secrets.delete(socket);
          socket.close(CLOSE_REVOKED, 'Forbidden: the API key was revoked or expired');
        }
      }
    } finally {
      checking = false;
    }
  }, KEY_RECHECK_MS);
  recheck.unref();
  const disposable = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: options.apiSchema,
      onConnect: async (ctx) => {
        if (shuttingDown) return false;
        try {
          const caller = await options.authenticator.identify(ctx.connectionParams?.apiKey);
          ctx.extra.identity = caller.identity;
          ctx.extra.policy = caller;
          const socket = (ctx.extra as { socket: WebSocket }).socket;
          secrets.set(socket, ctx.connectionParams!.apiKey as string);
          socket.once('close', () => secrets.delete(socket));
          return true;
        } catch (error) {
          options.logger.info('websocket refused', { reason: (error as Error).message });
          return false;
        }
      },
      onSubscribe: async (ctx) => {
        const caller = (ctx.extra as SocketExtra).policy as Caller | undefined;
        if (!caller) return undefined;
        try {
          await options.consumeRate(caller);
          return undefined;
        } catch (error) {
          const code = (error as GraphQLError).extensions?.code;
          if (code !== 'RATE_LIMITED') throw error;
          // The socket stays open; this operation gets an error message saying when to try again.
          const { retryAfterSeconds } = (error as GraphQLError).extensions as { retryAfterSeconds: number };
          return [new GraphQLError((error as GraphQLError).message, { extensions: { code, retryAfterSeconds } })];
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
    KEEP_ALIVE_MS,
  );
  return {
    wsServer,
    /**
     * Graceful shutdown: take no new sockets, tell every open one why it closes (clients resume
     * on another gateway with `after` set to their last cursor), then free everything.
     */
    close: async () => {
      clearInterval(recheck);
      shuttingDown = true;
      const open = [...wsServer.clients];
      const gone = Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
      for (const socket of open) socket.close(CLOSE_SHUTDOWN, 'Server shutting down: reconnect and resume with after = your last cursor');
      // A client that does not answer the close handshake (a stalled reader) is cut off.
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
      for (const socket of wsServer.clients) socket.terminate();
      await Promise.resolve(disposable.dispose()).catch(() => undefined);
    },
  };
}
