import type { ApolloGateway } from '@apollo/gateway';
import { loadConfig } from '../../shared/config';
import { cancellable, withExecutionTimeout } from './execution-timeout';

/**
 * A gateway whose executor answers after `ms`, standing in for a slow subgraph. Its timer runs on
 * after a time-out has answered, and does not keep the test process alive.
 */
function slowGateway(ms: number) {
  const executor = () => new Promise((resolve) => setTimeout(() => resolve({ data: { ok: true } }), ms).unref());
  return { load: async () => ({ schema: null, executor }), stop: async () => undefined } as unknown as ApolloGateway;
}

const run = async (gateway: ApolloGateway, context: Record<string, unknown>, operation = 'query') => {
  const { executor } = await withExecutionTimeout(gateway, { ...loadConfig({}).limits, timeoutMs: 50 }).load();
  return executor!({ context, operation: { operation } } as never);
};

describe('the execution time-out', () => {
  it('answers TIMEOUT once a query runs past the limit', async () => {
    const result = await run(slowGateway(1000), { identity: null, requestId: 'r' });
    expect(result.errors?.[0].extensions?.code).toBe('TIMEOUT');
  });

  it('lets an operation within the limit answer', async () => {
    expect(await run(slowGateway(5), { identity: null, requestId: 'r' })).toEqual({ data: { ok: true } });
  });

  it('lets a mutation run to its end, so its caller learns whether it happened', async () => {
    expect(await run(slowGateway(200), { identity: null, requestId: 'r' }, 'mutation')).toEqual({ data: { ok: true } });
  });

  it('uses a key\'s own time-out', async () => {
    const result = await run(slowGateway(100), { identity: null, requestId: 'r', policy: { limits: { timeoutMs: 500 }, registeredOperationsOnly: false } });
    expect(result).toEqual({ data: { ok: true } });
  });

  it('sends no further subgraph fetch of a query whose time is up', async () => {
    const context: Record<string, unknown> = { identity: null, requestId: 'r' };
    let fetches = 0;
    const subgraph = cancellable({ process: async () => { fetches++; return { data: { ok: true } }; } });
    const fetch = () => subgraph.process({ context, request: {} } as never);
    // A plan of two fetches, the second due after the query's 50 ms are up.
    const gateway = { load: async () => ({ schema: null, executor: async () => {
      await fetch();
      await new Promise((resolve) => setTimeout(resolve, 150));
      return fetch();
    } }), stop: async () => undefined } as unknown as ApolloGateway;
    expect((await run(gateway, context)).errors?.[0].extensions?.code).toBe('TIMEOUT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fetches).toBe(1);
    expect((await fetch()).errors?.[0].extensions?.code).toBe('TIMEOUT');
  });
});
