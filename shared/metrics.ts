import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queryable } from './database';

/**
 * Every metric this code base exports, in one registry per process. Embedded, the gateway's
 * `/metrics` shows them all; scaled out, each process serves its own `/metrics` and the
 * scraper adds them up. Metrics are created once per process, however many systems a test
 * starts, so they are defined here rather than by whoever increments them.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'stockgraph_process_' });

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const requestDuration = new Histogram({
  name: 'stockgraph_graphql_request_duration_seconds',
  help: 'GraphQL requests answered by the gateway, by operation name, type and outcome; its _count is the request rate.',
  labelNames: ['operation', 'type', 'outcome'],
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const subgraphFetchDuration = new Histogram({
  name: 'stockgraph_subgraph_fetch_duration_seconds',
  help: 'Fetches the gateway sent to each subgraph, in process or over HTTP.',
  labelNames: ['subgraph', 'outcome'],
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const reservations = new Counter({
  name: 'stockgraph_reservations_total',
  help: 'Reservations asked for: outcome "made" (stock held) or "refused" (INSUFFICIENT_STOCK).',
  labelNames: ['outcome'],
  registers: [registry],
});

export const oversellAlerts = new Counter({
  name: 'stockgraph_oversell_alerts_total',
  help: 'OVERSOLD alerts raised: a channel sold units no location could cover.',
  registers: [registry],
});

export const channelPushFailures = new Counter({
  name: 'stockgraph_channel_push_failures_total',
  help: 'Stock pushes to a channel connector that failed. No connector pushes stock yet, so this stays at 0 until one does.',
  registers: [registry],
});

export const openSubscriptions = new Gauge({
  name: 'stockgraph_open_subscriptions',
  help: 'graphql-ws subscriptions open on this gateway.',
  registers: [registry],
});

const outboxes = new Map<string, Queryable>();

/** What OutboxRelay.pending() counts, read here so a scrape needs no handle on the relay. */
async function pendingEvents(db: Queryable): Promise<number> {
  const [row] = await db.query('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
  return Number(row?.n ?? 0);
}

export const outboxPending = new Gauge({
  name: 'stockgraph_outbox_pending_events',
  help: 'Events committed to a subgraph outbox and not yet published: the relay lag.',
  labelNames: ['source'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const [source, db] of outboxes) {
      this.set({ source }, await pendingEvents(db).catch(() => -1));
    }
  },
});

/** Reports the lag of a subgraph database's outbox at each scrape until the returned function is called. */
export function watchOutbox(source: string, db: Queryable): () => void {
  outboxes.set(source, db);
  return () => {
    if (outboxes.get(source) === db) outboxes.delete(source);
  };
}

// Counters show up at 0 before anything happens, so an alert rule can rely on them existing.
reservations.inc({ outcome: 'made' }, 0);
reservations.inc({ outcome: 'refused' }, 0);
