import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../shared/logger';
import { loadDemoData } from '../../demo';
import { startEmbedded } from '../../system';
import { codeOf, gql, gqlOk } from '../support/client';
import { dropTestDatabases, testConfig } from '../support/config';
import { freePort } from '../support/ports';

const logger = createLogger('silent');

describe('starting the system', () => {
  it('creates an admin key on first start without ADMIN_API_KEY, saves it owner-only, and never again', async () => {
    const config = testConfig({ ADMIN_API_KEY: '' });
    const first = await startEmbedded(config, logger);
    const secret = first.gateway.createdAdminKey!;
    try {
      expect(secret).toMatch(/^sk_/);
      const file = path.join(config.dataDir, 'admin-key');
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(secret);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const url = first.gateway.url.replace('localhost', '127.0.0.1');
      expect((await gqlOk(url, '{ apiKeys { name scopes } }', {}, secret)).apiKeys).toEqual([{ name: 'admin', scopes: ['admin'] }]);
    } finally {
      await first.stop();
    }
    const second = await startEmbedded(config, logger);
    try {
      expect(second.gateway.createdAdminKey).toBeNull();
      const url = second.gateway.url.replace('localhost', '127.0.0.1');
      expect((await gqlOk(url, '{ apiKeys { name } }', {}, secret)).apiKeys).toHaveLength(1);
    } finally {
      await second.stop();
      await dropTestDatabases(config);
    }
  });

  it('keeps every row across a restart on the same data', async () => {
    const config = testConfig();
    const first = await startEmbedded(config, logger);
    expect(await loadDemoData(first.subgraphs)).toBe(true);
    const query = '{ availability(channel: "webstore", skus: ["TEE-BLK-M", "GIFT-SET"]) { sku { title } available } }';
    const url1 = first.gateway.url.replace('localhost', '127.0.0.1');
    await gqlOk(url1, 'mutation { reserve(input: { channel: "webstore", idempotencyKey: "restart-1", lines: [{ sku: "TEE-BLK-M", quantity: 3 }] }) { id } }');
    const before = await gqlOk(url1, query);
    await first.stop();

    const second = await startEmbedded(config, logger);
    try {
      expect(await loadDemoData(second.subgraphs)).toBe(false);
      const url2 = second.gateway.url.replace('localhost', '127.0.0.1');
      expect(await gqlOk(url2, query)).toEqual(before);
      const again = await gqlOk(url2, 'mutation { reserve(input: { channel: "webstore", idempotencyKey: "restart-1", lines: [{ sku: "TEE-BLK-M", quantity: 3 }] }) { status } }');
      expect(again.reserve.status).toBe('ACTIVE');
      expect(await gqlOk(url2, query)).toEqual(before);
    } finally {
      await second.stop();
      await dropTestDatabases(config);
    }
  });

  it('loads a demo shop with two locations, three channels, a bundle and a multipack listing', async () => {
    const config = testConfig();
    const system = await startEmbedded(config, logger);
    try {
      await loadDemoData(system.subgraphs);
      const url = system.gateway.url.replace('localhost', '127.0.0.1');
      const data = await gqlOk(url, '{ sku(code: "GIFT-SET") { components { sku { code } quantity } } listing(channel: "amazon-us", externalId: "B0SOCKS3PK") { unitsPerListing sku { code } } }');
      expect(data.sku.components).toEqual([{ sku: { code: 'MUG-ENAMEL' }, quantity: 1 }, { sku: { code: 'SOCKS-WOOL' }, quantity: 2 }]);
      expect(data.listing).toEqual({ unitsPerListing: 3, sku: { code: 'SOCKS-WOOL' } });
      expect(codeOf(await gql(url, '{ sku(code: "X") { title } }', {}, null))).toBe('UNAUTHENTICATED');
    } finally {
      await system.stop();
      await dropTestDatabases(config);
    }
  });
});

describe('stopping the system', () => {
  it('on SIGTERM finishes its own shutdown, closing every database, and exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stop-'));
    const port = await freePort();
    // Not NODE_ENV=test: Apollo Server handles termination signals itself outside tests.
    const env = { ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', ADMIN_API_KEY: 'stop-test-key', DATABASE_URL: '' };
    const child = spawn(process.execPath, ['-r', './shared/register.js', 'main.ts'], { cwd: path.resolve(__dirname, '../..'), env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!(await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('the system did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // A database closed by its last connection leaves no write-ahead log behind.
      expect(fs.readdirSync(dataDir).filter((file) => file.endsWith('-wal'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
