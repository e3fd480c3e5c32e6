import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ADMIN_KEY } from '../test/support/client';
import { heading, line, ms, PHASE_MS, percent, rate, ROUNDS, table, WARMUP_MS, type Benchmark, type SummaryRow } from './report';
import { Subscribers, type ReceiptFigures } from './subscribers';
import type { ServerReady, ServerStats } from './subscription-servers';

const COUNTS = (process.env.BENCH_SUBSCRIBERS || '1000,5000').split(',').map(Number);
/**
 * Deliveries per second offered while latency is measured: events/s = this / subscribers (20/s
 * to 1,000, 4/s to 5,000), half what a bare graphql-ws server is expected to sustain, so latency
 * shows the cost of each fan-out rather than a queue growing for the whole phase.
 */
const OFFERED = Number(process.env.BENCH_SUBSCRIPTION_DELIVERIES || 20_000);
/** Deliveries sent at once after the paced phase (as events = this / subscribers): the rate the server sustains. */
const BURST = 20_000;
/** How long after the last event a client may still receive it; later counts as missed. */
const DRAIN_MS = 15_000;
const SETTLE_MS = 60_000;
const subscription = (sku: string, selection: string) => `subscription { availabilityChanged(channel: "web", skus: ["${sku}"]) { ${selection} } }`;
const PLAIN = 'sku { code } available cursor at';
/** `title` is the catalog's: each event then goes through the gateway's per-event query. */
const ENRICHED = 'sku { code title } available cursor at';
const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }';

type Kind = 'gateway' | 'bare';

const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));
const kib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : 'n/a');

const alive = new Set<ChildProcess>();
// However the run ends, no server process outlives it (each removes its own data on SIGTERM).
process.once('exit', () => { for (const child of alive) child.kill('SIGTERM'); });

/** One server in its own process: the embedded gateway with its subgraphs, or the bare graphql-ws server. */
class ServerProcess {
  private readonly replies: ((stats: ServerStats) => void)[] = [];
  private sequence = 0;
  private readonly run = Math.random().toString(36).slice(2, 8);

  private constructor(readonly kind: Kind, private readonly child: ChildProcess, readonly ready: ServerReady) {
    child.on('message', (message: ServerStats) => { if (message.type === 'stats') this.replies.shift()?.(message); });
  }

  static async start(kind: Kind): Promise<ServerProcess> {
    const register = path.join(__dirname, '..', 'shared', 'register.js');
    const child = fork(path.join(__dirname, 'subscription-servers.ts'), [kind], {
      execArgv: ['-r', register, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    alive.add(child);
    child.once('exit', () => alive.delete(child));
    try {
      const ready = await new Promise<ServerReady>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${kind} server did not start within ${SETTLE_MS} ms`)), SETTLE_MS);
        child.once('message', (message: ServerReady) => { clearTimeout(timer); resolve(message); });
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${kind} server exited with code ${code} while starting`)); });
      });
      return new ServerProcess(kind, child, ready);
    } catch (error) {
      child.kill('SIGTERM');
      throw error;
    }
  }

  stats(gc = false): Promise<ServerStats> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind} server did not answer for its figures`)), 30_000);
      this.replies.push((stats) => { clearTimeout(timer); resolve(stats); });
      this.child.send({ type: 'stats', gc });
    });
  }

  /** Waits until the server streams to exactly `count` subscriptions. */
  async settle(count: number): Promise<void> {
    const deadline = Date.now() + SETTLE_MS;
    let seen = -1;
    while (Date.now() < deadline) {
      seen = (await this.stats()).subscriptions;
      if (seen === count) return;
      await sleep(100);
    }
    throw new Error(`${this.kind} server streams to ${seen} subscriptions, expected ${count}`);
  }

  /** One event: on the gateway a receipt of one unit of `sku` (one availability change on web), on the bare server one emitted change. */
  async emit(sku: string): Promise<boolean> {
    const n = this.sequence++;
    try {
      if (this.kind === 'bare') return (await fetch(this.ready.url.replace(/\/graphql$/, '/emit'), { method: 'POST' })).ok;
      const event = { idempotencyKey: `sub-${this.run}-${n}`, source: 'bench', type: 'RECEIPT', sku, location: 'east', quantity: 1, occurredAt: new Date().toISOString() };
      const response = await fetch(this.ready.url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
        body: JSON.stringify({ query: RECORD, variables: { e: [event] } }),
      });
      const body = (await response.json()) as { data?: { recordInventoryEvents?: { applied: number } } };
      return body.data?.recordInventoryEvents?.applied === 1;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.send({ type: 'stop' });
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.ready.dataDir) fs.rmSync(this.ready.dataDir, { recursive: true, force: true });
  }
}

/** `count` events at a fixed rate, each sent on time whether or not the previous one was answered. */
async function paced(server: ServerProcess, sku: string, count: number, perSecond: number): Promise<number> {
  const started = performance.now();
  const sends: Promise<boolean>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(server.emit(sku));
  }
  return (await Promise.all(sends)).filter(Boolean).length;
}

async function burst(server: ServerProcess, sku: string, count: number): Promise<number> {
  return (await Promise.all(Array.from({ length: count }, () => server.emit(sku)))).filter(Boolean).length;
}

interface Measured {
  kind: Kind;
  label: string;
  subscribers: number;
  events: number;
  perSecond: number;
  paced: ReceiptFigures;
  burst: ReceiptFigures;
  burstEvents: number;
  rssPerSubscriber: number;
  heapPerSubscriber: number;
  cpuMicrosPerDelivery: number;
  /** Server CPU time over wall time: 100% is one core. */
  serverBusy: { paced: number; burst: number };
}

/** Starts counting the server's CPU time; the returned function stops and gives it, and the wall time. */
async function cpuOver(server: ServerProcess): Promise<() => Promise<{ micros: number; wallMs: number }>> {
  const startCpu = (await server.stats()).cpuMicros;
  const started = performance.now();
  return async () => ({ micros: (await server.stats()).cpuMicros - startCpu, wallMs: performance.now() - started });
}

/** A server, the SKU whose changes it sends, and the groups of subscribers that hear them. */
interface Side {
  server: ServerProcess;
  /** The server's figures before its first subscriber (rss 0 when the process served others before: RSS not shown). */
  baseline: ServerStats;
  sku: string;
  groups: { name: string; label: string; selection: string }[];
}

/**
 * Brings every group to `count` subscribers, then measures: a warm-up, paced events in ROUNDS
 * turns taking the sides in alternation (A B A B …, as the HTTP benchmarks do, so whatever else
 * the machine does weighs on both alike), and one burst per side.
 */
async function measureSides(clients: Subscribers, sides: Side[], count: number, perSecond: number): Promise<Measured[]> {
  for (const side of sides) {
    for (const group of side.groups) {
      const query = subscription(side.sku, group.selection);
      const connected = await clients.connect(group.name, { url: side.server.ready.url, apiKey: side.server.ready.apiKey, query, count });
      if (connected.failed) throw new Error(`${group.label}: ${connected.failed} sockets failed to connect: ${connected.firstFailure}`);
    }
  }
  const memory = new Map<ServerProcess, { stats: ServerStats; subscribers: number }>();
  for (const server of new Set(sides.map((side) => side.server))) {
    const subscribers = sides.filter((side) => side.server === server).reduce((sum, side) => sum + count * side.groups.length, 0);
    await server.settle(subscribers);
    memory.set(server, { stats: await server.stats(true), subscribers });
  }

  // Warm-up: JIT, the shared stream's first events, the new sockets' first writes.
  const broken = new Map<string, ReceiptFigures>();
  const warmEvents = Math.max(1, Math.round((perSecond * WARMUP_MS) / 1000));
  for (const side of sides) {
    for (const group of side.groups) await clients.measure(group.name, Date.now());
    await paced(side.server, side.sku, warmEvents, perSecond);
    for (const group of side.groups) {
      const warm = await clients.receipts(group.name, warmEvents, DRAIN_MS);
      // Nothing gets through: waiting out the turns would only add their time-outs to the run.
      if (warm.deliveries === 0) broken.set(group.name, warm);
    }
  }
  for (const [name, warm] of broken) line(`${name}: no event arrived in the warm-up${warm.firstFailure ? ` (${warm.firstFailure})` : ''}; not measured further`);
  const live = sides.filter((side) => side.groups.every((group) => !broken.has(group.name)));

  // Turns only matter when there is something to alternate with.
  const rounds = sides.length > 1 ? ROUNDS : 1;
  const perTurn = Math.max(1, Math.round((perSecond * PHASE_MS) / 1000 / rounds));
  const sent = new Map<Side, number>(sides.map((side) => [side, 0]));
  const busy = new Map<Side, { micros: number; wallMs: number }>(sides.map((side) => [side, { micros: 0, wallMs: 0 }]));
  const pacedFigures = new Map<string, ReceiptFigures>(broken);
  for (const side of live) for (const group of side.groups) await clients.measure(group.name, Date.now());
  for (let round = 0; round < rounds; round++) {
    for (const side of live) {
      const stop = await cpuOver(side.server);
      sent.set(side, sent.get(side)! + (await paced(side.server, side.sku, perTurn, perSecond)));
      for (const group of side.groups) pacedFigures.set(group.name, await clients.receipts(group.name, sent.get(side)!, DRAIN_MS));
      const used = await stop();
      busy.set(side, { micros: busy.get(side)!.micros + used.micros, wallMs: busy.get(side)!.wallMs + used.wallMs });
    }
  }

  const results: Measured[] = [];
  for (const side of sides) {
    const alive = live.includes(side);
    const burstEvents = alive ? Math.max(1, Math.round(BURST / count / side.groups.length)) : 0;
    for (const group of side.groups) await clients.measure(group.name, Date.now());
    const stop = await cpuOver(side.server);
    const accepted = alive ? await burst(side.server, side.sku, burstEvents) : 0;
    const burstFigures = new Map<string, ReceiptFigures>();
    for (const group of side.groups) burstFigures.set(group.name, broken.get(group.name) ?? await clients.receipts(group.name, accepted, DRAIN_MS));
    const used = await stop();
    const delivered = [...burstFigures.values()].reduce((sum, figures) => sum + figures.deliveries, 0);
    const { stats: after, subscribers } = memory.get(side.server)!;
    if (alive && sent.get(side) !== perTurn * rounds) line(`${side.server.kind}: only ${sent.get(side)} of ${perTurn * rounds} events were accepted by the server`);
    for (const group of side.groups) {
      results.push({
        kind: side.server.kind, label: group.label, subscribers: count, events: alive ? sent.get(side)! : warmEvents, perSecond,
        paced: pacedFigures.get(group.name)!, burst: burstFigures.get(group.name)!, burstEvents: accepted,
        rssPerSubscriber: side.baseline.rss ? (after.rss - side.baseline.rss) / subscribers : NaN,
        heapPerSubscriber: (after.heapUsed - side.baseline.heapUsed) / subscribers,
        cpuMicrosPerDelivery: delivered ? used.micros / delivered : NaN,
        serverBusy: { paced: alive ? busy.get(side)!.micros / 1000 / busy.get(side)!.wallMs : NaN, burst: used.micros / 1000 / used.wallMs },
      });
    }
  }
  return results;
}

/** Starts the server processes, runs `work` on them, and stops them (removing their data) however `work` ends; no subscriber is left behind. */
async function withServers<T>(clients: Subscribers, work: (bare: ServerProcess, gateway: ServerProcess) => Promise<T>): Promise<T> {
  const started: ServerProcess[] = [];
  try {
    started.push(await ServerProcess.start('bare'));
    started.push(await ServerProcess.start('gateway'));
    return await work(started[0], started[1]);
  } finally {
    try {
      await clients.disconnect();
    } finally {
      await Promise.all(started.map((server) => server.stop()));
    }
  }
}

const deliveriesPerSecond = (figures: ReceiptFigures) => (figures.deliveries ? (figures.deliveries * 1000) / figures.spanMs : NaN);
const perSecondText = (figures: ReceiptFigures, unit = '') => (figures.deliveries ? rate(deliveriesPerSecond(figures), unit) : 'n/a');

function row(result: Measured): string[] {
  const { paced: p, burst: b } = result;
  return [
    result.label, `${result.events} at ${Number(result.perSecond.toFixed(1))}/s`, ms(p.p50Ms), ms(p.p99Ms), ms(p.maxMs), String(p.missed), percent(result.serverBusy.paced),
    `${result.burstEvents} x ${result.subscribers.toLocaleString('en-US')}`, String(b.missed), perSecondText(b), percent(result.serverBusy.burst),
    Number.isFinite(result.cpuMicrosPerDelivery) ? result.cpuMicrosPerDelivery.toFixed(1) : 'n/a', kib(result.rssPerSubscriber), kib(result.heapPerSubscriber),
  ];
}

async function run(): Promise<SummaryRow[]> {
  heading(`subscriptions: graphql-ws subscribers of one availabilityChanged stream on one gateway process (embedded, SQLite) vs a bare graphql-ws server in its own process; ${OFFERED.toLocaleString('en-US')} deliveries/s offered, ${PHASE_MS / 1000} s each in ${ROUNDS} alternating turns after ${WARMUP_MS / 1000} s of warm-up, then ${BURST.toLocaleString('en-US')} deliveries at once`);
  line('latency: from the moment the change is stamped (gateway: `at`, set inside the inventory transaction; bare server: when it emits) to receipt by each client, all subscribers in one worker thread of this process');
  const clients = new Subscribers();
  const results: Measured[] = [];
  const label = (kind: string, count: number) => `${kind}, ${count.toLocaleString('en-US')}`;
  try {
    await withServers(clients, async (bare, gateway) => {
      const bareSide: Side = { server: bare, baseline: await bare.stats(true), sku: 'A', groups: [] };
      const gatewaySide: Side = { server: gateway, baseline: await gateway.stats(true), sku: 'A', groups: [] };
      // Each process grows from 1,000 to 5,000 subscribers; memory per subscriber is taken against its figures before the first.
      for (const count of COUNTS) {
        bareSide.groups = [{ name: 'bare', label: label('bare graphql-ws', count), selection: PLAIN }];
        gatewaySide.groups = [{ name: 'gateway', label: label('gateway', count), selection: PLAIN }];
        results.push(...(await measureSides(clients, [bareSide, gatewaySide], count, OFFERED / count)));
      }
      // Plain and enriched subscribers on one gateway, each group following its own SKU, in
      // alternating turns: the difference between the two is the enriched stream's per-event query.
      await clients.disconnect();
      await gateway.settle(0);
      const n = COUNTS[0];
      const reused = { ...(await gateway.stats(true)), rss: 0 };
      results.push(...(await measureSides(clients, [
        { server: gateway, baseline: reused, sku: 'A', groups: [{ name: 'plain', label: label('gateway, plain', n), selection: PLAIN }] },
        { server: gateway, baseline: reused, sku: 'B', groups: [{ name: 'title', label: label('gateway, sku { title }', n), selection: ENRICHED }] },
      ], n, OFFERED / n)));
    });
  } finally {
    await clients.close();
  }

  table(['server, subscribers', 'events', 'p50', 'p99', 'max', 'missed', 'CPU', 'burst', 'missed', 'deliv/s', 'CPU', 'µs/deliv', 'RSS/sub', 'heap/sub'], results.map(row));
  line(`events: sent at a fixed rate; p50/p99/max over every delivery; missed: expected events a client had not received ${DRAIN_MS / 1000} s after the last was sent, summed over clients`);
  line('CPU: the server process\'s CPU time over wall time (100% = one core); burst: events sent at once x subscribers; deliv/s: distinct events received by all clients per second until the last receipt');
  line('µs/deliv: server CPU per delivery in the burst (the gateway\'s includes its receipts\' transactions); RSS/sub, heap/sub: server memory after all subscribed minus before, per subscriber, after a GC');
  for (const result of results) {
    const busy = Math.max(result.paced.clientBusy, result.burst.clientBusy);
    const notes = [`clients' event loop busy ${percent(busy)}`];
    if (busy > 0.9) notes.push('the clients, not the server, may have set the pace');
    for (const figures of [result.paced, result.burst]) {
      if (figures.failed) notes.push(`${figures.failed} subscriptions failed: ${figures.firstFailure}`);
      if (figures.duplicates) notes.push(`${figures.duplicates} duplicate events`);
    }
    line(`${result.label}: ${notes.join('; ')}`);
  }

  const rows: SummaryRow[] = [];
  const find = (wanted: string) => results.find((result) => result.label === wanted)!;
  const largest = COUNTS[COUNTS.length - 1];
  for (const count of COUNTS) {
    const n = count.toLocaleString('en-US');
    const gateway = find(`gateway, ${n}`);
    const bare = find(`bare graphql-ws, ${n}`);
    const ratio = gateway.paced.p99Ms / bare.paced.p99Ms;
    const strict = count === largest;
    const missed = gateway.paced.missed + gateway.burst.missed;
    line(`${n} subscribers: gateway p99 / bare p99 = ${percent(ratio)}, ${missed} events missed${strict ? ' (target: <= 100%, none missed)' : ' (target: none missed)'}`);
    rows.push({
      benchmark: `subscriptions, ${n} subscribers: p99 change → client`,
      measured: `${ms(gateway.paced.p99Ms)}, ${missed} missed`,
      baseline: `${ms(bare.paced.p99Ms)} bare graphql-ws, ${bare.paced.missed + bare.burst.missed} missed`,
      ratio,
      target: strict ? '<= 100%, 0 missed' : '0 missed',
      met: strict ? ratio <= 1 && missed === 0 : missed === 0,
    });
  }
  const n = largest.toLocaleString('en-US');
  const gateway = find(`gateway, ${n}`);
  const bare = find(`bare graphql-ws, ${n}`);
  const plainSmall = find(`gateway, plain, ${COUNTS[0].toLocaleString('en-US')}`);
  const enriched = find(`gateway, sku { title }, ${COUNTS[0].toLocaleString('en-US')}`);
  rows.push(
    {
      benchmark: `subscriptions, ${n}: deliveries/s in a burst`, measured: perSecondText(gateway.burst, '/s'), baseline: `${perSecondText(bare.burst, '/s')} bare`,
      ratio: deliveriesPerSecond(gateway.burst) / deliveriesPerSecond(bare.burst), target: '—', met: null,
    },
    {
      benchmark: `subscriptions, ${n}: server memory per subscriber`, measured: `RSS ${kib(gateway.rssPerSubscriber)}, heap ${kib(gateway.heapPerSubscriber)}`,
      baseline: `RSS ${kib(bare.rssPerSubscriber)}, heap ${kib(bare.heapPerSubscriber)} bare`, ratio: null, target: '—', met: null,
    },
    {
      benchmark: `subscriptions, ${COUNTS[0].toLocaleString('en-US')}: with sku { title } (per-event query)`,
      measured: `p99 ${ms(enriched.paced.p99Ms)}, ${enriched.paced.missed + enriched.burst.missed} missed`,
      baseline: `p99 ${ms(plainSmall.paced.p99Ms)} without, alternating`, ratio: null, target: '—', met: null,
    },
  );
  return rows;
}

export const subscriptionsBenchmark: Benchmark = { name: 'subscriptions', run };
