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

/** In-process when embedded, Redis Streams when REDIS_URL is set. */
export async function createBus(config: Config, logger: Logger): Promise<EventBus> {
  return config.redisUrl ? new RedisBus(config.redisUrl, logger) : new InProcessBus();
}
