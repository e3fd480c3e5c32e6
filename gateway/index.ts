import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Redis from 'ioredis';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Identity } from '../shared/auth';
import type { Config, SubgraphName } from '../shared/config';
import { SUBGRAPH_NAMES } from '../shared/config';
import type { Logger } from '../shared/logger';
import { requestLogPlugin } from '../shared/request-log';
import type { SubgraphRuntime } from '../shared/subgraph';
import { buildAccessSchema, openAccessStore, type AccessContext } from './access';
import { OPEN_POLICY } from './access/key-policy';
import { ensureAdminKey } from './admin-key';
import { Authenticator } from './authenticate';
import type { GatewayContext } from './context';
import { subgraphServices } from './data-sources';
import { mountHealth, readinessChecks } from './health';
import { useAudit } from './plugins/audit';
import { useBodyLimit } from './plugins/body-limit';
import { useErrorMasking } from './plugins/error-masking';
import { withExecutionTimeout } from './plugins/execution-timeout';
import { useAdminIntrospection } from './plugins/introspection';
import { useLimits } from './plugins/limits';
import { mountMetrics } from '../shared/metrics';
import { useMetrics } from './plugins/metrics';
import { persistedQueries, useRegisteredOperations } from './plugins/persisted-queries';
import { useRateLimit } from './plugins/rate-limit';
import { useRequestId } from './plugins/request-id';
import { SubscriptionRouter, type GatewayQuery } from './subscription-router';
import { serveSubscriptions } from './subscriptions';
import { subscriptionTargets } from './subscription-targets';
import { apiSchemaOf, readSupergraph } from './supergraph';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  /** Embedded topology: the subgraphs running in this process. Omitted: call them at the configured URLs. */
  embedded?: Partial<Record<SubgraphName, SubgraphRuntime<any>>>;
  /**
   * Benchmark only, never set from configuration: every HTTP request runs as this identity with
   * no key look-up, limits, rate limit, registered-operations check or audit, to measure their cost.
   */
  unprotectedAs?: Identity;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Printed once when the first start created it; null otherwise. */
  createdAdminKey: string | null;
  stop(): Promise<void>;
}

/** The parser gives up past this many tokens, whatever a key's own limit says. */
const PARSER_TOKEN_CEILING = 100_000;

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, logger, embedded } = options;
  const missing = embedded ? [] : SUBGRAPH_NAMES.filter((name) => !config.subgraphUrls[name]);
  if (missing.length) throw new Error(`Scaled-out gateway needs ${missing.map((n) => `${n.toUpperCase()}_URL`).join(', ')}`);
  if (!embedded && !config.internalSecret) throw new Error('Scaled-out gateway needs INTERNAL_SECRET to sign identities for subgraphs');

  const store = await openAccessStore(config);
  const createdAdminKey = await ensureAdminKey(store.keys, config.dataDir, config.adminApiKey);
  const authenticator = new Authenticator(store.keys, config.adminApiKey);
  const access = await buildAccessSchema();
  const accessContext = (identity: Identity | null, requestId: string): AccessContext => ({ identity, requestId, ...store });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  redis?.on('error', (error) => logger.warn('gateway redis error', { error: error.message }));

  const supergraphSdl = readSupergraph();
  const buildService = subgraphServices({ config, logger, access: { schema: access.schema, createContext: accessContext }, embedded });
  const gateway = withExecutionTimeout(new ApolloGateway({ supergraphSdl, buildService }), config.limits);

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Outlive the keep-alive of clients and load balancers, so an idle pooled connection is never
  // closed by us just as a client sends on it (the client would see ECONNRESET).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const protectedOnly = options.unprotectedAs ? [] : [
    useLimits(config.limits), useAdminIntrospection(), useRegisteredOperations(store.operations), useAudit(store.audit, logger),
  ];
  const server = new ApolloServer<GatewayContext>({
    gateway,
    // The process stops everything in order on SIGTERM (main.ts, serve.ts). Apollo's own handler
    // would stop this server alone and then signal the process again, killing it before its
    // databases close.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      requestLogPlugin<GatewayContext>(logger, 'graphql request', (context) => ({ requestId: context.requestId, keyId: context.identity?.keyId ?? null, internal: context.internal || undefined })),
      useMetrics(),
      ...protectedOnly,
      useErrorMasking({ production: config.production, logger }),
    ],
    introspection: true,
    csrfPrevention: { requestHeaders: ['x-api-key', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    persistedQueries: persistedQueries(store.operations, redis),
    parseOptions: { maxTokens: PARSER_TOKEN_CEILING },
    includeStacktraceInErrorResponses: false,
  });
  await server.start();

  /** Runs an operation through the gateway's plugins; `internal` ones resolve subscription events for a client already checked. */
  const runner = (internal: boolean): GatewayQuery => async (document: DocumentNode, variables, identity, requestId, policy): Promise<ExecutionResult> => {
    const response = await server.executeOperation({ query: document, variables }, { contextValue: { identity, requestId, policy, internal } });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported here');
    return response.body.singleResult as ExecutionResult;
  };
  const subscriptionsTo = subscriptionTargets(config, embedded);
  const router = new SubscriptionRouter(subscriptionsTo.targets, runner(true));

  mountHealth(app, readinessChecks(store.db, config, embedded));
  mountMetrics(app, config.metricsToken);
  for (const runtime of Object.values(embedded ?? {})) if (runtime.routes) app.use(runtime.routes);
  const consumeRate = useRateLimit({ defaults: config.limits, redis, logger });
  app.use(
    '/graphql',
    ...useBodyLimit(config.bodyLimitBytes),
    expressMiddleware(server, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const requestId = useRequestId(req, res);
        if (options.unprotectedAs) return { identity: options.unprotectedAs, requestId, policy: OPEN_POLICY };
        const caller = await authenticator.identify(req.headers['x-api-key']);
        await consumeRate(caller);
        return { identity: caller.identity, requestId, policy: caller };
      },
    }),
  );

  const subscriptions = serveSubscriptions({ httpServer, path: '/graphql', apiSchema: apiSchemaOf(supergraphSdl), authenticator, router, query: runner(false), consumeRate, logger });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info('gateway listening', { port, topology: embedded ? 'embedded' : 'scaled-out' });
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    createdAdminKey,
    stop: async () => {
      await subscriptions.close();
      await subscriptionsTo.dispose();
      await server.stop();
      redis?.disconnect();
      await store.db.close();
    },
  };
}
