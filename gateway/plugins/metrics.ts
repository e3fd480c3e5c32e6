import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '../../shared/logger';
import { requestDuration, subgraphFetchDuration } from '../../shared/metrics';
import { outcomeOf } from '../../shared/request-log';
import type { GatewayContext } from '../context';

/** Operation names are chosen by clients: past this many, new ones are counted as "other". */
const MAX_OPERATION_NAMES = 200;

/** Request rate and latency by operation, for `/metrics`. */
export function useMetrics(): ApolloServerPlugin<GatewayContext> {
  const names = new Set<string>();
  const label = (name: string | null) => {
    if (!name) return '(anonymous)';
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return '(other)';
    names.add(name);
    return name;
  };
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.internal) return;
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, response }) {
          requestDuration.observe({ operation: label(operationName ?? null), type: operation?.operation ?? 'none', outcome: outcomeOf(response).outcome }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}

/** Times each fetch the query planner sends to a subgraph, and logs it under the request id. */
export function timedDataSource(subgraph: string, source: GraphQLDataSource<GatewayContext>, logger: Logger): GraphQLDataSource<GatewayContext> {
  return {
    async process(options) {
      const started = performance.now();
      let outcome = 'error';
      try {
        const response = await source.process(options);
        outcome = response.errors?.length ? 'partial' : 'ok';
        return response;
      } finally {
        const seconds = (performance.now() - started) / 1000;
        subgraphFetchDuration.observe({ subgraph, outcome }, seconds);
        const requestId = 'requestId' in options.context ? options.context.requestId : undefined;
        logger.debug('subgraph fetch', { subgraph, requestId, durationMs: Math.round(seconds * 10_000) / 10, outcome });
      }
    },
  };
}

/** `GET /metrics`, Prometheus text format. */
