import type { Config } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { startEmbedded, type RunningSystem } from '../../system';
import { dropTestDatabases, testConfig } from './config';

export interface TestSystem extends RunningSystem {
  url: string;
  config: Config;
  /** Stops the system and removes its data. */
  close(): Promise<void>;
}

/** The embedded topology on an ephemeral port, with a fresh database. */
export async function startTestSystem(overrides: Record<string, string> = {}): Promise<TestSystem> {
  const config = testConfig(overrides);
  const system = await startEmbedded(config, createLogger(config.logLevel));
  return {
    ...system,
    url: system.gateway.url.replace('localhost', '127.0.0.1'),
    config,
    close: async () => {
      await system.stop();
      await dropTestDatabases(config);
    },
  };
}
