import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { RequestLimits } from '../../shared/config';
import { effectiveLimits } from '../access/key-policy';
import type { GatewayContext } from '../context';

type LoadResult = Awaited<ReturnType<ApolloGateway['load']>>;
type Executor = NonNullable<LoadResult['executor']>;

const timeoutError = (timeoutMs?: number) =>
  new GraphQLError(timeoutMs ? `The query did not finish within ${timeoutMs} ms` : 'The query ran out of time', { extensions: { code: 'TIMEOUT', http: { status: 504 } } });

/**
 * A subgraph source that sends nothing for a query whose time is up: once the client has its
 * TIMEOUT, the rest of that query's plan costs the subgraphs nothing.
 */
export function cancellable(source: GraphQLDataSource<GatewayContext>): GraphQLDataSource<GatewayContext> {
  return {
    process: (options) => {
      if ((options.context as GatewayContext).cancelled?.aborted) return Promise.resolve({ errors: [timeoutError().toJSON()] });
      return source.process(options);
    },
  };
}

/**
 * Bounds how long the gateway works on one query (the key's `timeoutMs`, else the default): past
 * it the client gets TIMEOUT and its connection back. Mutations always run to their end and
 * report how it went: fetches already sent cannot be called back from a subgraph, so a mutation
 * cut short would leave its caller not knowing whether it happened (a bulk import or a burst of
 * checkouts queued on one stock row can take longer than any sensible query time-out).
 */
export function withExecutionTimeout(gateway: ApolloGateway, defaults: RequestLimits): ApolloGateway {
  const bounded = (executor: Executor): Executor => async (requestContext) => {
    const context = requestContext.context as GatewayContext;
    if (context.internal || requestContext.operation.operation !== 'query') return executor(requestContext);
    const { timeoutMs } = effectiveLimits(defaults, context.policy?.limits);
    const controller = new AbortController();
    context.cancelled = controller.signal;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Awaited<ReturnType<Executor>>>((resolve) => {
      timer = setTimeout(() => {
        // The plan's fetches still to come are not sent (see `cancellable`); one under way ends on its own.
        controller.abort();
        resolve({ errors: [timeoutError(timeoutMs)] });
      }, timeoutMs);
    });
    try {
      return await Promise.race([executor(requestContext), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };
  return new Proxy(gateway, {
    get(target, property, receiver) {
      if (property !== 'load') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<ApolloGateway['load']>): Promise<LoadResult> => {
        const loaded = await target.load(...args);
        return { ...loaded, executor: loaded.executor && bounded(loaded.executor) };
      };
    },
  });
}
