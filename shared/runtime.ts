import type { Config } from './config';
import type { EventBus } from './event-bus';
import type { Logger } from './logger';

/** What every subgraph is built from: the same three things in both topologies. */
export interface SubgraphDeps {
  config: Config;
  bus: EventBus;
  logger: Logger;
}

/** In-process when embedded, Redis Streams when REDIS_URL is set. */
export async function createBus(config: Config, logger: Logger): Promise<EventBus> {
  if (!config.redisUrl) {
    const { InProcessBus } = await import('./event-bus');
    return new InProcessBus();
  }
  const { RedisBus } = await import('./redis-bus');
  return new RedisBus(config.redisUrl, logger);
}
