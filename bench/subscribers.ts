import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Many graphql-ws subscribers (`createClient` on `ws`, one socket and one subscription each) in
 * a worker thread, so they have their own event loop and the benchmark's pacing of events does
 * not wait behind them. Subscribers are kept in named groups (one per server measured). Each
 * counts the distinct cursors it received and the latency of each event: receipt minus the
 * event's `at`, the time its server stamped on it (same machine, same clock).
 */
export interface ConnectOptions {
  url: string;
  apiKey: string;
  query: string;
  count: number;
}

export interface ReceiptFigures {
  clients: number;
  /** Distinct events received, summed over clients. */
  deliveries: number;
  /** Expected events a client did not receive, summed over clients. */
  missed: number;
  duplicates: number;
  /** Subscriptions that reported an error, an event without data, or completed before the end. */
  failed: number;
  firstFailure: string | null;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From `since` to the last receipt. */
  spanMs: number;
  /** Share of the time since `measure` the clients' event loop was busy: near 100% means the clients, not the server, set the pace. */
  clientBusy: number;
}

type Request =
  | { type: 'connect'; group: string; options: ConnectOptions }
  | { type: 'measure'; group: string; since: number }
  | { type: 'await'; group: string; expected: number; timeoutMs: number }
  | { type: 'disconnect'; group: string | null };

const WORKER_TAG = 'stockgraph-bench-subscribers';
/** Sockets being opened at a time: thousands at once overflow the listen backlog and wait on SYN retries. */
const CONNECTING = 250;

/** The benchmark's handle on the worker: one request at a time. */
export class Subscribers {
  private readonly worker: Worker;
  private pending: { resolve: (value: any) => void; reject: (error: Error) => void } | null = null;
  private exited: Error | null = null;

  constructor() {
    const register = path.join(__dirname, '..', 'shared', 'register.js');
    const source = `require(${JSON.stringify(register)}); require(${JSON.stringify(__filename)});`;
    this.worker = new Worker(source, { eval: true, workerData: { tag: WORKER_TAG } });
    this.worker.on('message', (message) => { const waiting = this.pending; this.pending = null; waiting?.resolve(message); });
    this.worker.on('error', (error) => { const waiting = this.pending; this.pending = null; waiting?.reject(error); });
    this.worker.on('exit', (code) => {
      this.exited = new Error(`subscriber worker exited with code ${code}`);
      const waiting = this.pending;
      this.pending = null;
      waiting?.reject(this.exited);
    });
  }

  private request<T>(message: Request): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.pending) return Promise.reject(new Error('one request at a time'));
    return new Promise<T>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  /** Adds sockets to the group until it has `count`, each with one subscription; resolves once every socket is acknowledged. */
  connect(group: string, options: ConnectOptions): Promise<{ connected: number; failed: number; firstFailure: string | null }> {
    return this.request({ type: 'connect', group, options });
  }

  /** Starts the group's figures afresh: from now on only events stamped at or after `since` (epoch ms) count. */
  async measure(group: string, since: number): Promise<void> {
    await this.request({ type: 'measure', group, since });
  }

  /** Waits until every client of the group has `expected` events since `measure`, or the timeout; then the figures so far. */
  receipts(group: string, expected: number, timeoutMs: number): Promise<ReceiptFigures> {
    return this.request({ type: 'await', group, expected, timeoutMs });
  }

  /** Closes the group's sockets, or every socket when `group` is null. */
  async disconnect(group: string | null = null): Promise<void> {
    await this.request({ type: 'disconnect', group });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

interface Subscriber {
  client: Client;
  seen: Set<string>;
  duplicates: number;
  ended: boolean;
}

interface Group {
  subscribers: Subscriber[];
  since: number;
  latencies: number[];
  distinct: number;
  lastReceipt: number;
  failed: number;
  firstFailure: string | null;
  busyAtStart: ReturnType<typeof performance.eventLoopUtilization>;
}

function serve(port: NonNullable<typeof parentPort>) {
  const groups = new Map<string, Group>();
  const now = () => performance.timeOrigin + performance.now();
  const groupOf = (name: string): Group => {
    let group = groups.get(name);
    if (!group) {
      group = { subscribers: [], since: Infinity, latencies: [], distinct: 0, lastReceipt: 0, failed: 0, firstFailure: null, busyAtStart: performance.eventLoopUtilization() };
      groups.set(name, group);
    }
    return group;
  };

  const fail = (group: Group, subscriber: Subscriber, reason: string) => {
    if (subscriber.ended) return;
    subscriber.ended = true;
    group.failed++;
    group.firstFailure ??= reason;
  };

  const open = (group: Group, options: ConnectOptions) => new Promise<Subscriber>((resolve, reject) => {
    const client = createClient({
      url: options.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { apiKey: options.apiKey },
      lazy: true, retryAttempts: 0, keepAlive: 0,
      on: { connected: () => resolve(subscriber), closed: (event) => reject(new Error(`closed before acknowledged: ${(event as { code?: number }).code}`)) },
    });
    const subscriber: Subscriber = { client, seen: new Set(), duplicates: 0, ended: false };
    client.subscribe<{ availabilityChanged: { cursor: string; at: string } }>({ query: options.query }, {
      next: (value) => {
        const change = value.data?.availabilityChanged;
        if (!change) { fail(group, subscriber, `event without data: ${JSON.stringify(value).slice(0, 300)}`); return; }
        const received = now();
        const at = Date.parse(change.at);
        if (at < group.since) return;
        if (subscriber.seen.has(change.cursor)) { subscriber.duplicates++; return; }
        subscriber.seen.add(change.cursor);
        group.distinct++;
        group.latencies.push(received - at);
        group.lastReceipt = received;
      },
      error: (error) => fail(group, subscriber, String((error as Error)?.message ?? JSON.stringify(error)).slice(0, 300)),
      complete: () => fail(group, subscriber, 'the subscription completed'),
    });
  });

  const figures = (group: Group, expected: number): ReceiptFigures => {
    const sorted = Float64Array.from(group.latencies).sort();
    return {
      clients: group.subscribers.length, deliveries: group.distinct,
      missed: group.subscribers.reduce((sum, subscriber) => sum + Math.max(0, expected - subscriber.seen.size), 0),
      duplicates: group.subscribers.reduce((sum, subscriber) => sum + subscriber.duplicates, 0),
      failed: group.failed, firstFailure: group.firstFailure,
      p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
      spanMs: group.lastReceipt ? group.lastReceipt - group.since : NaN,
      clientBusy: performance.eventLoopUtilization(group.busyAtStart).utilization,
    };
  };

  const handle = async (message: Request): Promise<unknown> => {
    switch (message.type) {
      case 'connect': {
        const group = groupOf(message.group);
        let failed = 0;
        let firstFailure: string | null = null;
        let started = group.subscribers.length;
        const opener = async () => {
          while (started < message.options.count) {
            started++;
            try {
              group.subscribers.push(await open(group, message.options));
            } catch (error) {
              failed++;
              firstFailure ??= String((error as Error)?.message ?? error);
            }
          }
        };
        await Promise.all(Array.from({ length: CONNECTING }, opener));
        return { connected: group.subscribers.length, failed, firstFailure };
      }
      case 'measure': {
        const group = groupOf(message.group);
        Object.assign(group, { since: message.since, latencies: [], distinct: 0, lastReceipt: 0, failed: 0, firstFailure: null, busyAtStart: performance.eventLoopUtilization() });
        for (const subscriber of group.subscribers) { subscriber.seen.clear(); subscriber.duplicates = 0; }
        return {};
      }
      case 'await': {
        const group = groupOf(message.group);
        const deadline = now() + message.timeoutMs;
        const wanted = message.expected * group.subscribers.length;
        while (group.distinct < wanted && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        return figures(group, message.expected);
      }
      case 'disconnect': {
        const names = message.group === null ? [...groups.keys()] : [message.group];
        for (const name of names) {
          const group = groups.get(name);
          groups.delete(name);
          await Promise.allSettled((group?.subscribers ?? []).map((subscriber) => { subscriber.ended = true; return subscriber.client.dispose(); }));
        }
        return {};
      }
    }
  };

  port.on('message', (message: Request) => {
    handle(message).then((reply) => port.postMessage(reply), (error) => { throw error; });
  });
}

if (!isMainThread && workerData?.tag === WORKER_TAG) serve(parentPort!);
