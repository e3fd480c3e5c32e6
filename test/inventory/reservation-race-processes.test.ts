import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { identityHeaders, type Identity } from '../../shared/auth';
import { usesMysql } from '../support/config';
import { freePort } from '../support/ports';
import { reservedOf, storedViolations } from './stock-invariants';
import { startWithWarehouses, type InventoryUnderTest } from './inventory-under-test';

/**
 * The race again, split across two inventory processes that share one MariaDB/MySQL database:
 * correctness must come from the database, not from one process queueing its own writes.
 * Needs TEST_MYSQL_URL (SQLite is one process's file, so there is nothing to share).
 */
const describeWithSharedDatabase = usesMysql() ? describe : describe.skip;

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'race-test-internal-secret';
const CALLER: Identity = { keyId: 'race', name: 'race test', scopes: ['reservations:write'], channels: null };
const RESERVE = 'mutation($i: ReserveInput!) { reserve(input: $i) { id status } }';

interface Replica { child: ChildProcess; url: string; output: string[] }

async function startReplica(databaseUrl: string, dataDir: string): Promise<Replica> {
  const port = await freePort();
  const output: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, INTERNAL_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1',
    LOG_LEVEL: 'silent', DEMO: '0', DATA_DIR: dataDir, RESERVATION_SWEEP_MS: '3600000',
  };
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['-r', './shared/register.js', 'subgraphs/serve.ts', 'inventory'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const replica = { child, url: `http://127.0.0.1:${port}/graphql`, output };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`inventory replica exited with ${child.exitCode}: ${output.join('')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return replica;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`inventory replica on port ${port} never became ready: ${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopReplica(replica: Replica): Promise<void> {
  if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  const exited = new Promise((resolve) => replica.child.once('exit', resolve));
  replica.child.kill('SIGTERM');
  const timer = setTimeout(() => replica.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Sends one signed `reserve` straight to a replica, as the gateway would; returns the reservation id or the error code. */
async function reserveVia(replica: Replica, input: Record<string, unknown>): Promise<{ id?: string; code?: string }> {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...identityHeaders(CALLER, SECRET) },
    body: JSON.stringify({ query: RESERVE, variables: { i: input } }),
  });
  const body = (await response.json()) as { data?: { reserve?: { id: string; status: string } }; errors?: { extensions?: { code?: string } }[] };
  if (body.data?.reserve) return { id: body.data.reserve.id };
  return { code: body.errors?.[0]?.extensions?.code ?? `HTTP ${response.status}` };
}

describeWithSharedDatabase('holds through two inventory processes sharing one database', () => {
  let inventory: InventoryUnderTest;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    // Set up through the services in this process, on the database the replicas will share.
    inventory = await startWithWarehouses({ web: ['east', 'west'], amazon: ['west', 'east'] });
    await inventory.knowSkus(['HOT', 'RARE', 'PLENTY', 'FENCED']);
    await inventory.receive([
      { type: 'RECEIPT', sku: 'HOT', location: 'east', quantity: 35 },
      { type: 'RECEIPT', sku: 'HOT', location: 'west', quantity: 25 },
      { type: 'RECEIPT', sku: 'RARE', location: 'west', quantity: 20 },
      { type: 'RECEIPT', sku: 'PLENTY', location: 'east', quantity: 500 },
      { type: 'RECEIPT', sku: 'FENCED', location: 'east', quantity: 40 },
    ]);
    await inventory.services.setup.setAllocation('amazon', 'FENCED', 15);
    const started = await Promise.all([0, 1].map(() => startReplica(inventory.config.databaseUrl!, inventory.config.dataDir)));
    replicas.push(...started);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map(stopReplica));
    await inventory?.close();
  }, 30_000);

  const availability = (channel: string, sku: string) => inventory.services.reader.availability([{ channel, sku }]).then(([value]) => value);

  it('400 single-unit holds for 60 units, sent to both processes at once, hold exactly 60', async () => {
    const results = await Promise.all(Array.from({ length: 400 }, (_, i) =>
      reserveVia(replicas[i % 2], { channel: i % 4 < 2 ? 'web' : 'amazon', idempotencyKey: `hot-${i}`, lines: [{ sku: 'HOT', quantity: 1 }] })));
    const held = results.filter((result) => result.id);
    expect(held).toHaveLength(60);
    expect(new Set(results.filter((result) => !result.id).map((result) => result.code))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(new Set(held.map((result) => result.id)).size).toBe(60);
    expect(await reservedOf(inventory.services.db, 'HOT')).toBe(60);
    expect(await availability('web', 'HOT')).toBe(0);
    expect(await availability('amazon', 'HOT')).toBe(0);
    expect(await storedViolations(inventory.services.db)).toEqual([]);
  });

  it('150 two-line holds competing for 20 units across both processes: 20 hold, and a failed one holds nothing', async () => {
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) =>
      reserveVia(replicas[i % 2], {
        channel: i % 3 ? 'web' : 'amazon', idempotencyKey: `pair-${i}`,
        lines: i % 2 ? [{ sku: 'PLENTY', quantity: 3 }, { sku: 'RARE', quantity: 1 }] : [{ sku: 'RARE', quantity: 1 }, { sku: 'PLENTY', quantity: 3 }],
      })));
    const held = results.filter((result) => result.id);
    expect(held).toHaveLength(20);
    expect(new Set(results.filter((result) => !result.id).map((result) => result.code))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(await reservedOf(inventory.services.db, 'RARE')).toBe(20);
    expect(await reservedOf(inventory.services.db, 'PLENTY')).toBe(60);
    const [{ n }] = await inventory.services.db.query("SELECT COUNT(*) AS n FROM reservation WHERE idempotency_key LIKE 'pair-%'");
    expect(Number(n)).toBe(20);
    expect(await storedViolations(inventory.services.db)).toEqual([]);
  });

  it('300 single-unit holds for 40 units, 15 set aside for Amazon, most of them from the webstore, sent to both processes at once: the webstore holds 25, Amazon its 15', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      reserveVia(replicas[i % 2], { channel: i % 6 < 5 ? 'web' : 'amazon', idempotencyKey: `fenced-${i}`, lines: [{ sku: 'FENCED', quantity: 1 }] })
        .then((result) => ({ ...result, channel: i % 6 < 5 ? 'web' : 'amazon' }))));
    const held = results.filter((result) => result.id);
    expect(held).toHaveLength(40);
    expect(new Set(results.filter((result) => !result.id).map((result) => result.code))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(held.filter((result) => result.channel === 'web')).toHaveLength(25);
    const rows = await inventory.services.db.query("SELECT channel_code, units FROM channel_held WHERE sku_code = 'FENCED' AND units <> 0 ORDER BY channel_code");
    expect(rows.map((row) => [row.channel_code, Number(row.units)])).toEqual([['amazon', 15], ['web', 25]]);
    expect(await availability('web', 'FENCED')).toBe(0);
    expect(await availability('amazon', 'FENCED')).toBe(0);
    expect(await storedViolations(inventory.services.db)).toEqual([]);
  });

  it('one checkout retried on both processes at once holds once', async () => {
    const input = { channel: 'web', idempotencyKey: 'retry-both', lines: [{ sku: 'PLENTY', quantity: 5 }] };
    const before = await reservedOf(inventory.services.db, 'PLENTY');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => reserveVia(replicas[i % 2], input)));
    expect(results.every((result) => result.id)).toBe(true);
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(await reservedOf(inventory.services.db, 'PLENTY')).toBe(before + 5);
  });
});
