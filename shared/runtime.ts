import crypto from 'node:crypto';
import { mysqlDatabaseName } from './database';
import type { Config } from './config';
import { InProcessBus, type EventBus } from './event-bus';
import { RedisBus } from './redis-bus';
import type { Logger } from './logger';

/** What every subgraph is built from: the same three things in both topologies. */
export interface SubgraphDeps {
  config: Config;
  bus: EventBus;
  logger: Logger;
}

/** One deployment's name on a shared Redis: its MySQL database prefix, or its data directory. */
export function busNamespace(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  const where = config.databaseUrl ? mysqlDatabaseName(config.databaseUrl, '') : config.dataDir;
  return crypto.createHash('sha256').update(where).digest('hex').slice(0, 12);
}

/** In-process when embedded, Redis Streams when REDIS_URL is set. */
export async function createBus(config: Config, logger: Logger): Promise<EventBus> {
  return config.redisUrl ? new RedisBus(config.redisUrl, logger, busNamespace(config), { claimIdleMs: config.eventClaimIdleMs }) : new InProcessBus();
}
