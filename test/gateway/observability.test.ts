import { createLogger } from '../../shared/logger';
import { identityHeaders } from '../../shared/auth';
import { serveSubgraph } from '../../subgraphs/serve';
import { codeOf, gql, gqlOk } from '../support/client';
import { testConfig, dropTestDatabases } from '../support/config';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
const logged: string[] = [];
beforeAll(async () => {
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
  system = await startTestSystem({ LOG_LEVEL: 'debug' });
  await seedShop(system.url);
});
afterAll(async () => {
  await system.close();
  jest.restoreAllMocks();
});

const logLines = () => logged.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
const metrics = async () => (await fetch(system.url.replace('/graphql', '/metrics'))).text();
const sample = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('GET /metrics', () => {
  it('answers only a scraper with the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    const config = testConfig({ INTERNAL_SECRET: 'test-internal-secret-0123456789', METRICS_TOKEN: token });
    const served = await serveSubgraph('catalog', config, createLogger('silent'));
    try {
      const scrape = (authorization?: string) => fetch(served.url.replace('/graphql', '/metrics'), { headers: authorization ? { authorization } : {} });
      const refused = await scrape();
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await scrape('Bearer not-the-token-at-all')).status).toBe(401);
      const answered = await scrape(`Bearer ${token}`);
      expect(answered.status).toBe(200);
      expect(await answered.text()).toContain('# TYPE stockgraph_outbox_pending_events ');
    } finally {
      await served.stop();
      await dropTestDatabases(config);
    }
  });

  it('answers in the Prometheus text format with every metric the operators watch', async () => {
    const response = await fetch(system.url.replace('/graphql', '/metrics'));
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const name of [
      'stockgraph_graphql_request_duration_seconds', 'stockgraph_subgraph_fetch_duration_seconds', 'stockgraph_reservations_total',
      'stockgraph_oversell_alerts_total', 'stockgraph_outbox_pending_events', 'stockgraph_open_subscriptions', 'stockgraph_channel_push_failures_total',
      'stockgraph_hold_groups_total',
    ]) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toMatch(/stockgraph_outbox_pending_events\{source="inventory"\} \d+/);
  });

  it('counts requests by operation and subgraph fetches by subgraph', async () => {
    await gqlOk(system.url, 'query StorefrontAvailability { availability(channel: "web", skus: ["A"]) { sku { title } available } }');
    const text = await metrics();
    expect(sample(text, 'stockgraph_graphql_request_duration_seconds_count{operation="StorefrontAvailability",type="query",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'stockgraph_subgraph_fetch_duration_seconds_count{subgraph="catalog",outcome="ok"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts reservations made and refused', async () => {
    const before = await metrics();
    await gqlOk(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "m-1", lines: [{ sku: "A", quantity: 1 }] }) { id } }');
    expect(codeOf(await gql(system.url, 'mutation { reserve(input: { channel: "web", idempotencyKey: "m-2", lines: [{ sku: "A", quantity: 999 }] }) { id } }'))).toBe('INSUFFICIENT_STOCK');
    const after = await metrics();
    for (const outcome of ['made', 'refused']) {
      const name = `stockgraph_reservations_total{outcome="${outcome}"}`;
      expect(sample(after, name) - sample(before, name)).toBe(1);
    }
  });
});

describe('logs', () => {
  it('write one JSON line per request with the request id, operation, outcome and key id', async () => {
    const response = await fetch(system.url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'test-admin-key', 'x-request-id': 'req-observed-1' },
      body: JSON.stringify({ query: 'query Lookup { sku(code: "A") { title availability(channel: "web") { available } } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-observed-1');
    const lines = logLines().filter((line) => line.requestId === 'req-observed-1');
    expect(lines.find((line) => line.msg === 'graphql request')).toMatchObject({ operation: 'Lookup', type: 'query', outcome: 'ok', keyId: 'env:ADMIN_API_KEY' });
    expect(lines.filter((line) => line.msg === 'subgraph fetch').map((line) => line.subgraph).sort()).toEqual(['catalog', 'inventory']);
  });

  it('replace a request id that could forge log fields', async () => {
    const response = await fetch(system.url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'test-admin-key', 'x-request-id': 'a"b\\c' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('follow the request id into a subgraph run as its own server', async () => {
    const config = testConfig({ INTERNAL_SECRET: 'test-internal-secret-0123456789' });
    const served = await serveSubgraph('inventory', config, createLogger('info'));
    try {
      await fetch(served.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-into-subgraph', ...identityHeaders({ keyId: 'k-1', name: 'ops', scopes: ['alerts:read'], channels: null }, 'test-internal-secret-0123456789') },
        body: JSON.stringify({ query: 'query Alerts { alerts { id } }' }),
      });
      expect(logLines().find((line) => line.requestId === 'req-into-subgraph')).toMatchObject({ msg: 'subgraph request', subgraph: 'inventory', operation: 'Alerts', outcome: 'ok', keyId: 'k-1' });
    } finally {
      await served.stop();
      await dropTestDatabases(config);
    }
  });
});

describe('the audit log', () => {
  it('records every mutation: key, operation, digest of the variables, outcome; and never a query', async () => {
    const { secret, key } = (await gqlOk(system.url, 'mutation { createApiKey(input: { name: "checkout", scopes: ["reservations:write"] }) { secret key { id } } }')).createApiKey;
    const reserve = 'mutation Checkout($i: ReserveInput!) { reserve(input: $i) { id } }';
    await gqlOk(system.url, reserve, { i: { channel: 'web', idempotencyKey: 'audit-1', lines: [{ sku: 'B', quantity: 1 }] } }, secret);
    await gql(system.url, reserve, { i: { channel: 'web', idempotencyKey: 'audit-2', lines: [{ sku: 'B', quantity: 500 }] } }, secret);
    await gql(system.url, 'mutation Sneaky { upsertSku(input: { code: "Z", title: "Z" }) { code } }', {}, secret);
    await gqlOk(system.url, '{ reservation(id: "x") { id } }', {}, secret);
    const entries = (await gqlOk(system.url, 'query($k: ID) { auditLog(keyId: $k) { keyId keyName operationName fields variablesDigest outcome errorCodes requestId at } }', { k: key.id })).auditLog;
    expect(entries.map((entry: Record<string, unknown>) => [entry.operationName, entry.fields, entry.outcome, entry.errorCodes])).toEqual([
      ['Sneaky', ['upsertSku'], 'FAILED', ['FORBIDDEN']],
      ['Checkout', ['reserve'], 'FAILED', ['INSUFFICIENT_STOCK']],
      ['Checkout', ['reserve'], 'SUCCEEDED', []],
    ]);
    expect(entries[0]).toMatchObject({ keyId: key.id, keyName: 'checkout' });
    expect(entries[1].variablesDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(entries[1].variablesDigest).not.toBe(entries[2].variablesDigest);
    expect(JSON.stringify(entries)).not.toContain('audit-1');
    expect(codeOf(await gql(system.url, '{ auditLog { id } }', {}, secret))).toBe('FORBIDDEN');
  });
});
