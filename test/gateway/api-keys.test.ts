import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { codeOf, gql, gqlOk } from '../support/client';
import { startTestSystem, type TestSystem } from '../support/system';

const CREATE = 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret key { id name scopes channels expiresAt lastUsedAt registeredOperationsOnly limits { rateLimit } } } }';
const PING = '{ __typename }';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.close());

const createKey = async (input: Record<string, unknown>) => (await gqlOk(system.url, CREATE, { i: { name: 'partner', scopes: ['availability:read'], ...input } })).createApiKey;
const statusWith = async (secret: string) => (await gql(system.url, PING, {}, secret)).status;

describe('API keys', () => {
  it('show their secret once and keep only a hash', async () => {
    const { secret, key } = await createKey({ name: 'acme', channels: ['amazon-us'] });
    expect(secret).toMatch(/^sk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'acme', scopes: ['availability:read'], channels: ['amazon-us'], registeredOperationsOnly: false });
    const listed = (await gqlOk(system.url, '{ apiKeys { id name } }')).apiKeys;
    expect(listed).toContainEqual({ id: key.id, name: 'acme' });
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('record when they were last used', async () => {
    const { secret, key } = await createKey({});
    expect(key.lastUsedAt).toBeNull();
    expect(await statusWith(secret)).toBe(200);
    let lastUsedAt = null;
    for (let attempt = 0; attempt < 20 && !lastUsedAt; attempt++) {
      lastUsedAt = (await gqlOk(system.url, '{ apiKeys { id lastUsedAt } }')).apiKeys.find((k: { id: string }) => k.id === key.id).lastUsedAt;
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Date.parse(lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('are listed for admins only', async () => {
    const { secret } = await createKey({});
    expect(codeOf(await gql(system.url, '{ apiKeys { id } }', {}, secret))).toBe('FORBIDDEN');
  });

  it('fail on the very next request once revoked', async () => {
    const { secret, key } = await createKey({});
    expect(await statusWith(secret)).toBe(200);
    await gqlOk(system.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: key.id });
    const refused = await gql(system.url, PING, {}, secret);
    expect(refused.status).toBe(401);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
  });

  it('stop working when they expire', async () => {
    const { secret } = await createKey({ expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(await statusWith(secret)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await statusWith(secret)).toBe(401);
  });

  it('rotate to a new secret while the old one works through the overlap window', async () => {
    const { secret: first, key } = await createKey({});
    const rotate = 'mutation($id: ID!, $s: Int) { rotateApiKey(id: $id, overlapSeconds: $s) { secret key { rotatedAt previousSecretExpiresAt } } }';
    const rotated = (await gqlOk(system.url, rotate, { id: key.id, s: 3600 })).rotateApiKey;
    expect(rotated.secret).not.toBe(first);
    expect(Date.parse(rotated.key.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 3500_000);
    expect(await statusWith(first)).toBe(200);
    expect(await statusWith(rotated.secret)).toBe(200);
    // A second rotation without overlap: only the newest secret works.
    const again = (await gqlOk(system.url, rotate, { id: key.id, s: 0 })).rotateApiKey;
    expect(await statusWith(first)).toBe(401);
    expect(await statusWith(rotated.secret)).toBe(401);
    expect(await statusWith(again.secret)).toBe(200);
  });

  it('refuse a secret that differs in one character', async () => {
    const { secret } = await createKey({});
    const last = secret.at(-1) === 'A' ? 'B' : 'A';
    expect(await statusWith(secret.slice(0, -1) + last)).toBe(401);
  });

  it('can be held to registered operations, sent in full or as persisted queries', async () => {
    const { secret, key } = await createKey({ registeredOperationsOnly: true });
    const query = '{ __typename }';
    expect(codeOf(await gql(system.url, query, {}, secret))).toBe('FORBIDDEN');
    const [registered] = (await gqlOk(system.url, 'mutation($o: [RegisterOperationInput!]!) { registerOperations(operations: $o) { id } }', { o: [{ name: 'ping', query }] })).registerOperations;
    expect(await statusWith(secret)).toBe(200);
    const byHash = await fetch(system.url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': secret },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: registered.id } } }),
    });
    expect(await byHash.json()).toEqual({ data: { __typename: 'Query' } });
    expect(codeOf(await gql(system.url, '{ sku(code: "A") { code } }', {}, secret))).toBe('FORBIDDEN');
    await gqlOk(system.url, 'mutation($i: UpdateApiKeyInput!) { updateApiKey(input: $i) { id } }', { i: { id: key.id, registeredOperationsOnly: false } });
    expect(codeOf(await gql(system.url, '{ sku(code: "A") { code } }', {}, secret))).toBeUndefined();
  });

  it('can be created, listed and revoked with npm run apikey on the same store', async () => {
    const run = (...args: string[]) => promisify(execFile)(process.execPath, ['-r', './shared/register.js', 'gateway/access/cli.ts', ...args], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, DATA_DIR: system.config.dataDir, DATABASE_URL: system.config.databaseUrl ?? '', LOG_LEVEL: 'silent' },
    });
    const created = await run('create', '--name', 'acme', '--scopes', 'availability:read', '--channels', 'amazon-us');
    const secret = /sk_\S+/.exec(created.stdout)![0];
    const id = /^(\S+)\s+acme/m.exec(created.stdout)![1];
    expect(await statusWith(secret)).toBe(200);
    expect((await run('list')).stdout).toContain(`${id}  acme  [availability:read]  amazon-us  active`);
    await run('revoke', id);
    expect(await statusWith(secret)).toBe(401);
  });
});
