/**
 * One consumer of a Redis Streams group in a process of its own, so a test can kill it with
 * SIGKILL mid-stream. Applies each event by appending a row to `applied` (no unique key, so a
 * duplicate would show as a second row), once per event through handleManyOnce, slowly enough
 * that a kill lands mid-batch.
 *   node -r ./shared/register.js test/sync/bus-consumer-process.ts <redis url> <namespace> <data dir> <name>
 */
import { createLogger } from '../../shared/logger';
import { RedisBus } from '../../shared/redis-bus';
import { consumeIntoTable, openConsumerDatabase } from './bus-consumer';

async function main() {
  const [url, namespace, dataDir, name] = process.argv.slice(2);
  const db = await openConsumerDatabase(dataDir);
  const bus = new RedisBus(url, createLogger('silent'), namespace, { claimIdleMs: 500 });
  await consumeIntoTable(bus, db, name, 20);
  process.stdout.write('ready\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
