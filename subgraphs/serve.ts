import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError } from 'graphql';
import { verifyIdentityHeaders, type Identity } from '../shared/auth';
import { ConfigError, loadConfig, SUBGRAPH_NAMES, type Config, type SubgraphName } from '../shared/config';
import { createLogger, type Logger } from '../shared/logger';
import { mountMetrics } from '../shared/metrics';
import { requestLogPlugin } from '../shared/request-log';
import type { EventBus } from '../shared/event-bus';
import { createBus } from '../shared/runtime';
import { watchSubgraphFigures } from './metrics';
import { SUBGRAPH_FACTORIES } from './registry';

const refused = () => new GraphQLError('Subgraphs answer only the gateway: missing or invalid signed identity', {
  extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
});

export interface ServedSubgraph {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * One subgraph as its own HTTP + graphql-ws server, for the scaled-out topology. It trusts
 * only requests carrying an identity the gateway signed with INTERNAL_SECRET.
 */
export async function serveSubgraph(name: SubgraphName, config: Config, logger: Logger, sharedBus?: EventBus): Promise<ServedSubgraph> {
  const secret = config.internalSecret;
  if (!secret) throw new ConfigError('INTERNAL_SECRET is required to run a subgraph on its own');
  const bus = sharedBus ?? (await createBus(config, logger));
  const runtime = await SUBGRAPH_FACTORIES[name]({ config, bus, logger: logger.child({ subgraph: name }) });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const requestLog = requestLogPlugin<Record<string, unknown>>(logger, 'subgraph request', (context) => ({
    subgraph: name, requestId: context.requestId ?? 'unknown', keyId: (context.identity as Identity | null | undefined)?.keyId ?? null,
  }));
  const server = new ApolloServer<Record<string, unknown>>({
    schema: runtime.schema,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(), requestLog],
    includeStacktraceInErrorResponses: false,
    // SIGTERM stops the subgraph in order (below); Apollo's handler would kill the process first.
    stopOnTerminationSignals: false,
  });
  await server.start();
  app.get('/health', (_req, res) => { res.json({ status: 'ok', subgraph: name }); });
  app.get('/ready', async (_req, res) => {
    try {
      await runtime.db.ping();
      res.json({ status: 'ready', subgraph: name });
    } catch (error) {
      res.status(503).json({ status: 'not ready', subgraph: name, error: (error as Error).message });
    }
  });
  // This process's own counters (reservations, alerts, outbox lag); the scraper adds up the replicas.
  const unwatch = watchSubgraphFigures(runtime);
  mountMetrics(app, config.metricsToken);
  if (runtime.routes) app.use(runtime.routes);
  app.use('/graphql', express.json({ limit: '5mb' }), expressMiddleware(server, {
    context: async ({ req }) => {
      const identity = verifyIdentityHeaders(req.headers, secret);
      if (identity === undefined) throw refused();
      const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : 'unknown';
      return runtime.createContext(identity, requestId) as Record<string, unknown>;
    },
  }));

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const subscriptions = useServer({
    schema: runtime.schema,
    context: (_ctx, _id, payload) => {
      const extensions = (payload.extensions ?? {}) as Record<string, string>;
      const identity: Identity | null | undefined = verifyIdentityHeaders(extensions, secret);
      if (identity === undefined) throw refused();
      return runtime.createContext(identity, extensions.requestId ?? 'unknown') as Record<string, unknown>;
    },
  }, wsServer);

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  logger.info('subgraph listening', { subgraph: name, port });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    stop: async () => {
      unwatch();
      await subscriptions.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await server.stop();
      await runtime.stop();
      if (!sharedBus) await bus.close();
    },
  };
}

if (require.main === module) {
  const name = process.argv[2] as SubgraphName;
  try {
    if (!SUBGRAPH_NAMES.includes(name)) throw new ConfigError(`Usage: npm run start:subgraph -- <${SUBGRAPH_NAMES.join('|')}>`);
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    serveSubgraph(name, config, logger).then((served) => {
      const stop = () => void served.stop().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    }).catch((error) => {
      console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
      process.exit(1);
    });
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
