import http from 'node:http';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/**
 * The two servers the subscriptions benchmark compares, each run as its own process
 * (`node -r ./shared/register.js bench/subscription-servers.ts gateway|bare`, forked with an IPC
 * channel by bench/subscriptions.ts), so the clients' CPU and memory are not counted as theirs.
 * The parent asks for figures with `{ type: 'stats', gc }` and ends the process with `{ type: 'stop' }`;
 * a process whose parent is gone stops by itself and removes its data.
 */
export interface ServerReady {
  type: 'ready';
  url: string;
  apiKey: string;
  dataDir: string | null;
}

export interface ServerStats {
  type: 'stats';
  rss: number;
  heapUsed: number;
  /** Subscriptions the server is streaming now. */
  subscriptions: number;
  /** process.cpuUsage(), user + system, in microseconds. */
  cpuMicros: number;
}

/** Units of A and B at the start: every receipt of one unit moves web availability by one. */
const START_STOCK = 100;

const BARE_SCHEMA = buildSchema(`
  type Sku { code: ID! }
  type AvailabilityChange { sku: Sku! available: Int! cursor: ID! at: String! }
  type Query { ok: Boolean }
  type Subscription { availabilityChanged(channel: ID!, skus: [ID!]): AvailabilityChange! }
`);

interface Started {
  ready: ServerReady;
  subscriptions(): Promise<number>;
  stop(): Promise<void>;
}

interface Change { sku: { code: string }; available: number; cursor: string; at: string }

/**
 * A bare graphql-ws server, as a plain implementation would be written: every socket has its own
 * subscription, graphql-js executes the selection for each socket and each event. `POST /emit`
 * publishes one event stamped with the time it was emitted, as the gateway's `at` is stamped when
 * inventory computes the change.
 */
async function startBare(): Promise<Started> {
  const listeners = new Set<(change: Change) => void>();
  let sequence = 0;
  let available = START_STOCK;
  const subscribe = (): AsyncIterableIterator<{ availabilityChanged: Change }> => {
    const pending: Change[] = [];
    let wake: ((result: IteratorResult<{ availabilityChanged: Change }>) => void) | null = null;
    const listener = (change: Change) => {
      if (wake) { const resolve = wake; wake = null; resolve({ value: { availabilityChanged: change }, done: false }); } else pending.push(change);
    };
    listeners.add(listener);
    const done = () => { listeners.delete(listener); wake?.({ value: undefined, done: true }); wake = null; };
    return {
      next: () => pending.length
        ? Promise.resolve({ value: { availabilityChanged: pending.shift()! }, done: false })
        : new Promise((resolve) => { wake = resolve; }),
      return: async () => { done(); return { value: undefined, done: true }; },
      [Symbol.asyncIterator]() { return this; },
    };
  };
  const server = http.createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/emit') {
      const change: Change = { sku: { code: 'A' }, available: ++available, cursor: String(++sequence), at: new Date().toISOString() };
      for (const listener of listeners) listener(change);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: change.cursor }));
      request.resume();
      return;
    }
    response.writeHead(404).end();
  });
  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const disposable = useServer({ schema: BARE_SCHEMA, roots: { subscription: { availabilityChanged: subscribe } } }, wsServer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    ready: { type: 'ready', url: `http://127.0.0.1:${port}/graphql`, apiKey: 'none', dataDir: null },
    subscriptions: async () => listeners.size,
    stop: async () => {
      for (const socket of wsServer.clients) socket.terminate();
      await disposable.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The embedded system (gateway and four subgraphs in this process) with SKUs A and B in stock on `web`. */
async function startGatewaySystem(): Promise<Started> {
  // Loaded here, so the bare server's process does not carry the system's modules.
  const { createKey, seedShop, startBenchSystem } = require('./shop') as typeof import('./shop');
  const { openSubscriptions } = require('../shared/metrics') as typeof import('../shared/metrics');
  const system = await startBenchSystem('sqlite');
  try {
    await seedShop(system, { A: { east: START_STOCK }, B: { east: START_STOCK } });
    const storefront = await createKey(system, 'bench storefront', ['availability:read']);
    return {
      ready: { type: 'ready', url: system.url, apiKey: storefront.secret, dataDir: system.config.dataDir },
      subscriptions: async () => (await openSubscriptions.get()).values[0]?.value ?? 0,
      stop: () => system.close(),
    };
  } catch (error) {
    await system.close();
    throw error;
  }
}

async function main(kind: string) {
  if (!process.send) throw new Error('subscription-servers.ts runs as a child of bench/subscriptions.ts (with an IPC channel)');
  const started = kind === 'gateway' ? await startGatewaySystem() : kind === 'bare' ? await startBare() : null;
  if (!started) throw new Error(`unknown server kind ${kind}`);
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= started.stop().finally(() => process.exit(0)));
  process.on('disconnect', () => void stop());
  process.on('message', (message: { type: string; gc?: boolean }) => {
    if (message.type === 'stop') void stop();
    if (message.type === 'stats') void started.subscriptions().then((subscriptions) => {
      // Collected first when asked, so heapUsed is what is live (RSS keeps what the heap once took).
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      const stats: ServerStats = { type: 'stats', rss: memory.rss, heapUsed: memory.heapUsed, subscriptions, cpuMicros: cpu.user + cpu.system };
      process.send?.(stats);
    });
  });
  process.send(started.ready);
}

if (require.main === module) {
  main(process.argv[2]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
