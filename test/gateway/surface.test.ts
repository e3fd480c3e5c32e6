import { codeOf, gql, gqlOk } from '../support/client';
import { seedShop } from '../support/shop';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
let storefront: string;
beforeAll(async () => {
  system = await startTestSystem({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  await seedShop(system.url);
  storefront = (await gqlOk(system.url, 'mutation { createApiKey(input: { name: "storefront", scopes: ["availability:read"] }) { secret } }')).createApiKey.secret;
});
afterAll(() => system.close());

describe('what the API reveals about itself', () => {
  it('answers introspection for admin keys', async () => {
    expect((await gqlOk(system.url, '{ __schema { queryType { name } } }')).__schema.queryType.name).toBe('Query');
  });

  it.each([['__schema', '{ __schema { types { name } } }'], ['__type', '{ __type(name: "ApiKey") { fields { name } } }']])(
    'refuses %s to other keys with FORBIDDEN, but answers __typename', async (_field, query) => {
      const refused = await gql(system.url, query, {}, storefront);
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expect(refused.data).toBeUndefined();
      expect((await gqlOk(system.url, '{ __typename }', {}, storefront)).__typename).toBe('Query');
    });

  it('suggests field names to admin keys only', async () => {
    const query = '{ sku(code: "A") { titel } }';
    expect((await gql(system.url, query)).errors![0].message).toMatch(/Did you mean "title"\?/);
    const hidden = await gql(system.url, query, {}, storefront);
    expect(codeOf(hidden)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(hidden.errors![0].message).toBe('Cannot query field "titel" on type "Sku".');
  });

  it('answers an internal failure in production as "Internal server error" with the request id, no SQL and no stack', async () => {
    await system.subgraphs.catalog.db.close();
    const response = await fetch(system.url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': storefront, 'x-request-id': 'req-broken-1' },
      body: JSON.stringify({ query: '{ sku(code: "A") { title } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-broken-1' } })]);
    expect(JSON.stringify(body)).not.toMatch(/SELECT|sqlite|DataSource|\/work|node_modules|at /i);
  });

  it('keeps contract errors and their messages in production', async () => {
    const result = await gql(system.url, '{ availability(channel: "nowhere", skus: ["A"]) { available } }', {}, storefront);
    expect(result.errors![0]).toMatchObject({ message: 'Unknown channel "nowhere"', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('blocks a request a browser could send across sites (no key header, simple content type)', async () => {
    const response = await fetch(`${system.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });
});
