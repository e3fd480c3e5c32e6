import { ConfigError, loadConfig } from './shared/config';
import { createLogger } from './shared/logger';
import { loadDemoData } from './demo';
import { startEmbedded } from './system';

const FIRST_QUERY = `{ availability(channel: "webstore", skus: ["TEE-BLK-M", "GIFT-SET"]) { sku { code title } available } }`;

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const system = await startEmbedded(config, logger);
  const demo = config.demo && (await loadDemoData(system.subgraphs));
  const { url, createdAdminKey } = system.gateway;
  const lines = [
    '',
    `Stock graph is running: ${url} (WebSocket subscriptions on the same URL)`,
    createdAdminKey
      ? `Admin API key (shown once, also saved to ${config.dataDir}/admin-key):\n  ${createdAdminKey}`
      : `Use the admin key from ADMIN_API_KEY or ${config.dataDir}/admin-key.`,
    demo ? 'Loaded the demo shop: locations east and west, channels webstore, amazon-us and ebay, a dozen SKUs.' : '',
    'First query:',
    `  curl -s ${url} -H 'content-type: application/json' -H "x-api-key: $(cat ${config.dataDir}/admin-key)" \\`,
    `    -d '${JSON.stringify({ query: FIRST_QUERY })}'`,
    '',
  ];
  process.stdout.write(`${lines.filter((line) => line !== '').join('\n')}\n`);
  const shutdown = async (signal: string) => {
    logger.info('shutting down', { signal });
    await system.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
