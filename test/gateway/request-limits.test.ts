import { subgraphFetchDuration } from '../../shared/metrics';
import { codeOf, gql, gqlOk, wsClient } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';

const AVAILABILITY = '{ availability(channel: "web", skus: ["A"]) { sku { title } available } }';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
  await seedShop(system.url);
});
afterAll(() => system.close());

/** Fetches the gateway has sent to subgraphs so far: an operation refused before execution sends none. */
const subgraphFetches = async () => (await subgraphFetchDuration.get()).values.filter((value) => value.metricName?.endsWith('_count')).reduce((sum, value) => sum + value.value, 0);

async function refusedWithoutExecution(send: () => Promise<{ status: number; code: unknown; message?: string }>, status: number, code: string, message: RegExp) {
  const before = await subgraphFetches();
  const result = await send();
  expect(result).toEqual({ status, code, message: expect.stringMatching(message) });
  expect(await subgraphFetches()).toBe(before);
  expect((await gqlOk(system.url, AVAILABILITY)).availability[0].sku.title).toBe('Product A');
}

const asGraphQL = async (query: string, apiKey?: string) => {
  const result = await gql(system.url, query, {}, apiKey);
  return { status: result.status, code: codeOf(result), message: result.errors?.[0]?.message };
};

describe('the gateway refuses oversized operations before running them and keeps serving', () => {
  it('refuses a query 50 levels deep', async () => {
    let selection = 'code';
    for (let level = 0; level < 24; level++) selection = `components { sku { ${selection} } }`;
    const query = `{ sku(code: "A") { ${selection} } }`;
    await refusedWithoutExecution(() => asGraphQL(query), 400, 'GRAPHQL_VALIDATION_FAILED', /depth limit of 12 exceeded, found 50/);
  });

  it('refuses 1,000 aliases', async () => {
    const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: sku(code: "A") { code }`).join(' ')} }`;
    await refusedWithoutExecution(() => asGraphQL(query), 400, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 100 exceeded/);
  });

  it('refuses a 5 MB body without reading it as GraphQL', async () => {
    const body = JSON.stringify({ query: AVAILABILITY, variables: { padding: 'x'.repeat(5 * 1024 * 1024) } });
    await refusedWithoutExecution(async () => {
      const response = await fetch(system.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'test-admin-key' }, body });
      const [error] = ((await response.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors;
      return { status: response.status, code: error.extensions.code, message: error.message };
    }, 413, 'BAD_REQUEST', /larger than 1048576 bytes/);
  });

  it('refuses more directives, tokens or cost than allowed', async () => {
    const directives = `{ sku(code: "A") { ${Array.from({ length: 60 }, (_, i) => `c${i}: code @include(if: true)`).join(' ')} } }`;
    await refusedWithoutExecution(() => asGraphQL(directives), 400, 'GRAPHQL_VALIDATION_FAILED', /Directives limit of 50 exceeded/);
    const tokens = `{ availability(channel: "web", skus: [${Array.from({ length: 6000 }, () => '"A"').join(' ')}]) { available } }`;
    await refusedWithoutExecution(() => asGraphQL(tokens), 400, 'GRAPHQL_VALIDATION_FAILED', /Token limit of 5000 exceeded/);
    let nested = 'code title';
    for (let level = 0; level < 5; level++) nested = `components { sku { ${nested} } }`;
    const costly = `{ ${Array.from({ length: 90 }, (_, i) => `a${i}: sku(code: "A") { ${nested} }`).join(' ')} }`;
    await refusedWithoutExecution(() => asGraphQL(costly), 400, 'GRAPHQL_VALIDATION_FAILED', /Query Cost limit of 5000 exceeded/);
  });

  it('applies a key\'s own limits instead of the defaults', async () => {
    const { secret } = (await gqlOk(system.url, 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }', {
      i: { name: 'shallow', scopes: ['availability:read'], limits: { maxDepth: 2 } },
    })).createApiKey;
    expect((await asGraphQL('{ sku(code: "A") { code } }', secret)).code).toBeUndefined();
    await refusedWithoutExecution(() => asGraphQL('{ sku(code: "A") { components { sku { code } } } }', secret), 400, 'GRAPHQL_VALIDATION_FAILED', /depth limit of 2 exceeded/);
  });
});

describe('rate limits', () => {
  it('answer RATE_LIMITED with Retry-After past a key\'s allowance, and recover after the window', async () => {
    const { secret } = (await gqlOk(system.url, 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }', {
      i: { name: 'busy storefront', scopes: ['availability:read'], limits: { rateLimit: 3, rateWindowSeconds: 1 } },
    })).createApiKey;
    const send = () => fetch(system.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': secret }, body: JSON.stringify({ query: AVAILABILITY }) });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send());
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3];
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Other keys are not held back by this one.
    expect((await gqlOk(system.url, AVAILABILITY)).availability).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers.get('retry-after')) * 1000 + 100));
    expect((await send()).status).toBe(200);
  });

  it('count each operation on a WebSocket against the same allowance as HTTP requests', async () => {
    const { secret } = (await gqlOk(system.url, 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }', {
      i: { name: 'socket storefront', scopes: ['availability:read'], limits: { rateLimit: 3, rateWindowSeconds: 60 } },
    })).createApiKey;
    expect((await gql(system.url, AVAILABILITY, {}, secret)).status).toBe(200);
    const client = wsClient(system.url, secret);
    try {
      // Answers an operation sent on the socket with 'ok' or its error code.
      const overSocket = (query: string) => new Promise<string>((resolve) => {
        client.subscribe({ query }, {
          next: (result) => resolve(result.errors ? String(result.errors[0].extensions?.code) : 'ok'),
          error: (error) => resolve(Array.isArray(error) ? String(error[0].extensions?.code) : String(error)),
          complete: () => undefined,
        });
      });
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await overSocket(AVAILABILITY));
      expect(answers).toEqual(['ok', 'ok', 'RATE_LIMITED']);
      // A subscription is an operation too, and the socket stays open for when the window passes.
      expect(await overSocket('subscription { availabilityChanged(channel: "web", skus: ["A"]) { available } }')).toBe('RATE_LIMITED');
    } finally {
      await client.dispose();
    }
  });
});
