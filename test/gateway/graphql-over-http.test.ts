import { serverAudits } from 'graphql-http';
import { ADMIN_KEY } from '../support/client';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.close());

/** The GraphQL over HTTP spec's server audits, run against the gateway as a client with a key would. */
const audits = serverAudits({
  url: () => system.url,
  fetchFn: (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('x-api-key', ADMIN_KEY);
    return fetch(input, { ...init, headers });
  },
});

describe('the gateway speaks GraphQL over HTTP', () => {
  for (const audit of audits.filter((audit) => audit.name.startsWith('MUST'))) {
    it(audit.name, async () => {
      const result = await audit.fn();
      if (result.status !== 'ok') throw new Error(`${result.reason}${'response' in result ? `: ${result.response.status} ${await result.response.clone().text()}` : ''}`);
    });
  }
});
