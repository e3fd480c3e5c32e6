import type { Config, SubgraphName } from './shared/config';
import { SUBGRAPH_NAMES } from './shared/config';
import { InProcessBus, type EventBus } from './shared/event-bus';
import type { Logger } from './shared/logger';
import { createBus } from './shared/runtime';
import type { SubgraphRuntime } from './shared/subgraph';
import { startGateway, type RunningGateway } from './gateway';
import { watchSubgraphFigures } from './subgraphs/metrics';
import { SUBGRAPH_FACTORIES } from './subgraphs/registry';

export interface RunningSystem {
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, SubgraphRuntime<any>>;
  bus: EventBus;
  stop(): Promise<void>;
}

/** The embedded topology: the four subgraphs and the gateway in one process. */
export async function startEmbedded(config: Config, logger: Logger): Promise<RunningSystem> {
  const bus = await createBus(config, logger);
  const subgraphs = {} as Record<SubgraphName, SubgraphRuntime<any>>;
  for (const name of Object.keys(SUBGRAPH_FACTORIES) as SubgraphName[]) {
    subgraphs[name] = await SUBGRAPH_FACTORIES[name]({ config, bus, logger: logger.child({ subgraph: name }) });
  }
  if (bus instanceof InProcessBus) bus.ready();
  const gateway = await startGateway({ config, logger, embedded: subgraphs });
  const unwatch = Object.values(subgraphs).map(watchSubgraphFigures);
  return {
    gateway,
    subgraphs,
    bus,
    stop: async () => {
      unwatch.forEach((stop) => stop());
      await gateway.stop();
      for (const name of [...SUBGRAPH_NAMES].reverse()) await subgraphs[name].stop();
      await bus.close();
    },
  };
}
