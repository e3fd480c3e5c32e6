import crypto from 'node:crypto';
import type { Express } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

export const holdGroups = new Counter({
  name: 'stockgraph_hold_groups_total',
  help: 'Transactions that held stock for the checkouts arriving together, by how each decided: "read" (it read the stock with its start), "kept" (MySQL: one request, deciding from what the group before it on the same SKUs left), "kept_missed" (the check found that changed; the group then read, and groups of those SKUs read for 1 to 64 groups before trying again).',
  labelNames: ['path'],
  registers: [registry],
});

const oversellSources = new Map<string, () => Promise<number>>();

export const oversellAlerts = new Counter({
  name: 'stockgraph_oversell_alerts_total',
  help: 'OVERSOLD alerts ever raised (a channel sold units no location could cover), read from the inventory database at each scrape: every inventory replica reports the same figure, so aggregate with max().',
  registers: [registry],
  async collect() {
    this.reset();
    for (const read of oversellSources.values()) this.inc(await read().catch(() => 0));
  },
});

export const channelPushFailures = new Counter({
  name: 'stockgraph_channel_push_failures_total',
  help: 'Listing quantities a channel connector failed to push, by channel and why: unreachable, throttled, rejected or conflict.',
  labelNames: ['channel', 'kind'],
  registers: [registry],
});

export const channelPushes = new Counter({
  name: 'stockgraph_channel_pushes_total',
  help: 'Listing quantities a channel accepted from a connector, by channel; against availability changes it shows how much coalescing saved.',
  labelNames: ['channel'],
  registers: [registry],
});

export const openSubscriptions = new Gauge({
  name: 'stockgraph_open_subscriptions',
  help: 'graphql-ws subscriptions open on this gateway.',
  registers: [registry],
});

const outboxes = new Map<string, () => Promise<number>>();

export const outboxPending = new Gauge({
  name: 'stockgraph_outbox_pending_events',
  help: 'Events committed to a subgraph outbox and not yet published: the relay lag.',
  labelNames: ['source'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const [source, pending] of outboxes) {
      this.set({ source }, await pending().catch(() => -1));
    }
  },
});

/**
 * Reads, at each scrape, a figure a subgraph keeps in its database: its outbox lag, and for
 * inventory the OVERSOLD alerts raised. Stops when the returned function is called.
 */
export function watchSubgraph(source: string, figures: { outboxPending: () => Promise<number>; oversellAlerts?: () => Promise<number> }): () => void {
  outboxes.set(source, figures.outboxPending);
  if (figures.oversellAlerts) oversellSources.set(source, figures.oversellAlerts);
  return () => {
    if (outboxes.get(source) === figures.outboxPending) outboxes.delete(source);
    if (oversellSources.get(source) === figures.oversellAlerts) oversellSources.delete(source);
  };
}

// Counters show up at 0 before anything happens, so an alert rule can rely on them existing.
reservations.inc({ outcome: 'made' }, 0);
reservations.inc({ outcome: 'refused' }, 0);
for (const path of ['read', 'kept', 'kept_missed']) holdGroups.inc({ path }, 0);

/**
 * GET /metrics in the Prometheus text format. With a token, only a scraper that sends it as a
 * bearer token is answered (compared in constant time); without, anyone who reaches the port is.
 */
export function mountMetrics(app: Express, token?: string): void {
  const expected = token ? crypto.createHash('sha256').update(token).digest() : null;
  app.get('/metrics', async (req, res) => {
    if (expected) {
      const sent = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!crypto.timingSafeEqual(crypto.createHash('sha256').update(sent).digest(), expected)) {
        res.status(401).setHeader('www-authenticate', 'Bearer realm="metrics"').json({ error: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
        return;
      }
    }
    res.setHeader('content-type', registry.contentType);
    res.send(await registry.metrics());
  });
}
