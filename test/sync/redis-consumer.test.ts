import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import type { Database } from '../../shared/database';
import type { BusEvent } from '../../shared/event-bus';
import { createLogger } from '../../shared/logger';
import { handleManyOnce } from '../../shared/outbox';
import { RedisBus } from '../../shared/redis-bus';
import { consumeIntoTable, GROUP, openConsumerDatabase, TOPIC } from './bus-consumer';
import { eventually } from './sync-shop';

/**
 * The Redis Streams bus when a consumer dies mid-stream: what it took and did not acknowledge
 * goes to a live consumer of its group; what it applied but did not acknowledge is applied
 * once. Needs TEST_REDIS_URL (the machine's Redis); skipped without it.
 */
const REDIS_URL = process.env.TEST_REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL) console.warn('test/sync/redis-consumer.test.ts skipped: set TEST_REDIS_URL=redis://127.0.0.1:6379 to run the Redis Streams bus tests');

const ROOT = path.resolve(__dirname, '../..');
const logger = createLogger('silent');
const events = (count: number): BusEvent[] => Array.from({ length: count }, (_, i) => ({ id: `src:${i + 1}`, seq: i + 1, topic: TOPIC, key: `k:${i % 7}`, payload: { n: i + 1 }, at: new Date().toISOString() }));
const applied = async (db: Database) => db.query<{ event_id: string; consumer: string }>('SELECT event_id, consumer FROM applied');

describeWithRedis('the Redis Streams bus when a consumer dies', () => {
  let dataDir: string;
  let namespace: string;
  let db: Database;
  const buses: RedisBus[] = [];
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stock-bus-'));
    namespace = `t${crypto.randomBytes(4).toString('hex')}`;
    db = await openConsumerDatabase(dataDir);
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await db.close();
    const redis = new Redis(REDIS_URL!);
    const keys = await redis.keys(`stock:${namespace}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const bus = () => {
    const created = new RedisBus(REDIS_URL!, logger, namespace, { claimIdleMs: 500 });
    buses.push(created);
    return created;
  };

  it('a consumer killed mid-stream loses nothing and duplicates nothing: a live one takes over what it held', async () => {
    const publisher = bus();
    await publisher.publish(events(300));
    const child: ChildProcess = spawn(process.execPath, ['-r', './shared/register.js', 'test/sync/bus-consumer-process.ts', REDIS_URL!, namespace, dataDir, 'doomed'], {
      cwd: ROOT, env: { ...process.env, NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk) => output.push(String(chunk)));
    child.stderr!.on('data', (chunk) => output.push(String(chunk)));
    try {
      await eventually(async () => (await applied(db)).length >= 40, 30_000, `the doomed consumer to apply some events (${output.join('')})`);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    const beforeTakeover = (await applied(db)).length;
    expect(beforeTakeover).toBeLessThan(300);

    await consumeIntoTable(bus(), db, 'survivor', 0);
    await eventually(async () => (await applied(db)).length >= 300, 30_000, 'every event applied');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const rows = await applied(db);
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(300);
    expect(rows.filter((row) => row.consumer === 'survivor').length).toBeGreaterThan(0);
    const redis = new Redis(REDIS_URL!);
    const pending = (await redis.xpending(`stock:${namespace}:events:${TOPIC}`, GROUP)) as [number, ...unknown[]];
    redis.disconnect();
    expect(pending[0]).toBe(0);
  }, 90_000);

  it('a batch applied but not acknowledged (the process died between the two) is delivered again and applied once', async () => {
    let crashes = 1;
    let deliveries = 0;
    const consumer = bus();
    await consumer.consumeBatches(GROUP, [TOPIC], async (batch) => {
      deliveries += batch.length;
      await handleManyOnce(db, 'counter', batch, async (em, event) => { await em.query('INSERT INTO applied (event_id, consumer) VALUES (?, ?)', [event.id, 'only']); });
      // Committed, then "dies" before the acknowledgement.
      if (crashes-- > 0) throw new Error('crash between commit and XACK');
    });
    await consumer.publish(events(20));
    await eventually(async () => deliveries >= 40, 20_000, 'the batch delivered again');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await applied(db);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(20);
  }, 30_000);

  it('delivers each event to one consumer of a group, and to every group', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const other: string[] = [];
    await bus().consumeBatches(GROUP, [TOPIC], async (batch) => { first.push(...batch.map((event) => event.id)); });
    await bus().consumeBatches(GROUP, [TOPIC], async (batch) => { second.push(...batch.map((event) => event.id)); });
    await bus().consumeBatches('another-group', [TOPIC], async (batch) => { other.push(...batch.map((event) => event.id)); });
    await bus().publish(events(200));
    await eventually(() => first.length + second.length === 200 && other.length === 200, 20_000, 'delivery');
    expect(new Set([...first, ...second]).size).toBe(200);
    expect(new Set(other).size).toBe(200);
  }, 30_000);
});
