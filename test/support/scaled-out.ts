import type { Config, SubgraphName } from '../../shared/config';
import { SUBGRAPH_NAMES, loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createBus } from '../../shared/runtime';
import { startGateway, type RunningGateway } from '../../gateway';
import { serveSubgraph, type ServedSubgraph } from '../../subgraphs/serve';
import { dropTestDatabases, testConfig } from './config';

export const INTERNAL_SECRET = 'test-internal-secret-0123456789';

export interface ScaledOutSystem {
  url: string;
  config: Config;
  subgraphs: Record<SubgraphName, ServedSubgraph>;
  gateway: RunningGateway;
  close(): Promise<void>;
}

/**
 * The scaled-out topology in one test process: each subgraph its own HTTP + graphql-ws server,
 * the gateway calling them over HTTP with signed identities. Events travel over Redis when
 * TEST_REDIS_URL is set (as in production), otherwise over one shared in-process bus.
 */
export async function startScaledOut(options: { sharing?: Config } = {}): Promise<ScaledOutSystem> {
  // `sharing`: a second stack over the same databases (a second gateway and subgraph replicas).
  const base = options.sharing ?? testConfig({ INTERNAL_SECRET, ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}) });
  const logger = createLogger('silent');
  const bus = await createBus(base, logger);
  const subgraphs = {} as Record<SubgraphName, ServedSubgraph>;
  for (const name of ['inventory', 'catalog', 'orders', 'routing', 'sync'] as SubgraphName[]) {
    subgraphs[name] = await serveSubgraph(name, base, logger, bus);
  }
  const env: Record<string, string> = {
    NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: base.dataDir, LOG_LEVEL: 'silent', DEMO: '0',
    ADMIN_API_KEY: 'test-admin-key', INTERNAL_SECRET,
  };
  if (base.databaseUrl) env.DATABASE_URL = base.databaseUrl;
  for (const name of SUBGRAPH_NAMES) env[`${name.toUpperCase()}_URL`] = subgraphs[name].url;
  const config = loadConfig(env);
  const gateway = await startGateway({ config, logger });
  return {
    url: gateway.url.replace('localhost', '127.0.0.1'),
    config: base,
    subgraphs,
    gateway,
    close: async () => {
      await gateway.stop();
      for (const name of SUBGRAPH_NAMES) await subgraphs[name].stop();
      await bus.close();
      if (!options.sharing) await dropTestDatabases(base);
    },
  };
}
