import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Config, SubgraphName } from '../shared/config';
import { SUBGRAPH_NAMES } from '../shared/config';
import type { Logger } from '../shared/logger';
import type { SubgraphRuntime } from '../shared/subgraph';
import { buildAccessSchema, openKeyStore, type AccessContext } from './access';
import { ensureAdminKey } from './admin-key';
import { Authenticator } from './authenticate';
import type { GatewayContext } from './context';
import { InProcessDataSource, SignedRemoteDataSource } from './data-sources';
import { mountHealth, type ReadinessCheck } from './health';
import { SubscriptionRouter, type GatewayQuery, type SubscriptionTarget } from './subscription-router';
import { serveSubscriptions } from './subscriptions';
import { inProcessTarget, remoteTarget } from './subscription-targets';
import { apiSchemaOf, readSupergraph, subgraphShape, subscriptionOwners } from './supergraph';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  /** Embedded topology: the subgraphs running in this process. Omitted: call them at the configured URLs. */
  embedded?: Partial<Record<SubgraphName, SubgraphRuntime<any>>>;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Printed once when the first start created it; null otherwise. */
  createdAdminKey: string | null;
  stop(): Promise<void>;
}

const BODY_LIMIT = '1mb';

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, logger } = options;
  const embedded = options.embedded;
  const missing = embedded ? [] : SUBGRAPH_NAMES.filter((name) => !config.subgraphUrls[name]);
  if (missing.length) throw new Error(`Scaled-out gateway needs ${missing.map((n) => `${n.toUpperCase()}_URL`).join(', ')}`);
  if (!embedded && !config.internalSecret) throw new Error('Scaled-out gateway needs INTERNAL_SECRET to sign identities for subgraphs');

  const { db: keyDb, keys } = await openKeyStore(config);
  const createdAdminKey = await ensureAdminKey(keys, config.dataDir, config.adminApiKey);
  const authenticator = new Authenticator(keys, config.adminApiKey);
  const access = await buildAccessSchema();
  const accessContext = (identity: GatewayContext['identity'], requestId: string): AccessContext => ({ identity, requestId, keys });

  const supergraphSdl = readSupergraph();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      if (name === 'access') return new InProcessDataSource(access.schema, accessContext);
      const runtime = embedded?.[name as SubgraphName];
      if (runtime) return new InProcessDataSource(runtime.schema, runtime.createContext);
      const target = config.subgraphUrls[name as SubgraphName];
      if (!target) throw new Error(`No URL for subgraph ${name} (set ${name.toUpperCase()}_URL)`);
      return new SignedRemoteDataSource(target ?? url!, config.internalSecret!);
    },
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
    includeStacktraceInErrorResponses: false,
  });
  await server.start();

  const query: GatewayQuery = async (document: DocumentNode, variables, identity, requestId): Promise<ExecutionResult> => {
    const response = await server.executeOperation({ query: document, variables }, { contextValue: { identity, requestId } });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported here');
    return response.body.singleResult as ExecutionResult;
  };

  const remoteTargets: { dispose(): Promise<void> }[] = [];
  const targets = new Map<string, SubscriptionTarget>();
  for (const [field, owner] of subscriptionOwners(SUBGRAPH_NAMES)) {
    const runtime = embedded?.[owner as SubgraphName];
    if (runtime) targets.set(field, inProcessTarget(runtime));
    else {
      const target = remoteTarget(subgraphShape(owner), config.subgraphUrls[owner as SubgraphName]!, config.internalSecret!);
      remoteTargets.push(target);
      targets.set(field, target);
    }
  }
  const router = new SubscriptionRouter(targets, query);

  const checks: Record<string, ReadinessCheck> = { gateway: () => keyDb.ping() };
  for (const name of SUBGRAPH_NAMES) {
    const runtime = embedded?.[name];
    checks[name] = runtime
      ? () => runtime.db.ping()
      : async () => {
        const response = await fetch(new URL('/ready', config.subgraphUrls[name]!));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      };
  }
  mountHealth(app, checks);

  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(server, {
      context: async ({ req, res }) => {
        const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || crypto.randomUUID();
        res.setHeader('x-request-id', requestId);
        const identity = await authenticator.identify(req.headers['x-api-key']);
        return { identity, requestId };
      },
    }),
  );

  const subscriptions = serveSubscriptions({ httpServer, path: '/graphql', apiSchema: apiSchemaOf(supergraphSdl), authenticator, router, query, logger });

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
      await Promise.all(remoteTargets.map((target) => target.dispose()));
      await server.stop();
      await keyDb.close();
    },
  };
}
