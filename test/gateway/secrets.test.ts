import fs from 'node:fs';
import path from 'node:path';
import { gql, gqlOk, wsClient, collect } from '../support/client';
import { seedShop } from '../support/shop';
import { everyRow } from '../support/state';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
const logged: string[] = [];
const answers: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
  system = await startTestSystem({ LOG_LEVEL: 'debug', NODE_ENV: 'production' });
  await seedShop(system.url);
  const send = async (query: string, variables: Record<string, unknown> = {}, key?: string) => {
    const result = await gql(system.url, query, variables, key);
    answers.push(JSON.stringify(result));
    return result;
  };
  const created = await gqlOk(system.url, 'mutation { createApiKey(input: { name: "leaky", scopes: ["availability:read"], channels: ["web"], limits: { rateLimit: 2, rateWindowSeconds: 60 } }) { secret key { id } } }');
  const { secret, key } = created.createApiKey;
  const rotated = (await gqlOk(system.url, 'mutation($id: ID!) { rotateApiKey(id: $id) { secret } }', { id: key.id })).rotateApiKey.secret;
  secrets.push(secret, rotated);
  // Every way a key can be used or refused: allowed, forbidden, rate limited, malformed, revoked.
  await send('{ availability(channel: "web", skus: ["A"]) { available } }', {}, secret);
  await send('{ availability(channel: "amazon", skus: ["A"]) { available } }', {}, rotated);
  await send('{ availability(channel: "web", skus: ["A"]) { available } }', {}, rotated);
  await send('{ nope }', {}, secret);
  await send('{ __typename }', {}, `${secret}x`);
  await send('mutation($k: String) { createApiKey(input: { name: $k, scopes: [] }) { secret } }', { k: rotated });
  const client = wsClient(system.url, `${rotated}y`);
  await collect(client, 'subscription { availabilityChanged(channel: "web") { available } }', {}, 1, 2000).done.catch(() => undefined);
  await client.dispose();
  await gqlOk(system.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id });
  await send('{ __typename }', {}, secret);
});
afterAll(async () => {
  await system.close();
  jest.restoreAllMocks();
});

describe('API key secrets never leave the answer that created them', () => {
  it('the log, at debug level, never holds one', () => {
    expect(logged.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(logged.join('')).not.toContain(secret.slice(3));
  });

  it('no error or other answer repeats one', () => {
    for (const secret of secrets) expect(answers.join('')).not.toContain(secret.slice(3));
  });

  it('no database row holds one, only its hash', async () => {
    const rows = JSON.stringify(await everyRow(system));
    for (const secret of secrets) expect(rows).not.toContain(secret.slice(3));
    expect(rows).toContain('secret_hash');
  });

  it('no database file holds one, in any byte', () => {
    const files = fs.readdirSync(system.config.dataDir).map((name) => path.join(system.config.dataDir, name)).filter((file) => fs.statSync(file).isFile());
    if (!system.config.databaseUrl) expect(files.some((file) => file.endsWith('gateway.sqlite'))).toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const secret of secrets) expect(bytes.includes(Buffer.from(secret.slice(3)))).toBe(false);
    }
  });
});
