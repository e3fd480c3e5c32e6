import { ConfigError, loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { startGateway } from '.';

/** The gateway alone, calling subgraphs at CATALOG_URL, INVENTORY_URL, ORDERS_URL and ROUTING_URL. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway({ config, logger });
  if (gateway.createdAdminKey) process.stdout.write(`Admin API key (shown once, saved to ${config.dataDir}/admin-key):\n  ${gateway.createdAdminKey}\n`);
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
