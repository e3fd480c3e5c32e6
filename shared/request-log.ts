import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Logger } from './logger';

export type Outcome = 'ok' | 'partial' | 'error';

/** ok: no errors; partial: errors beside data; error: errors and no data. */
export function outcomeOf(response: GraphQLRequestContextWillSendResponse<any>['response']): { outcome: Outcome; errorCodes: string[] } {
  const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
  const errorCodes = [...new Set((result.errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
  if (errorCodes.length === 0) return { outcome: 'ok', errorCodes };
  const someData = result.data ? Object.values(result.data).some((value) => value !== null) : false;
  return { outcome: someData ? 'partial' : 'error', errorCodes };
}

/**
 * One JSON log line per GraphQL request, on the gateway and on each subgraph server alike, with
 * the request id the gateway chose so one request can be followed across processes. `describe`
 * adds who asked (a key id, never a secret) and where.
 */
export function requestLogPlugin<Context extends object>(logger: Logger, message: string, describe: (context: Context) => Record<string, unknown>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, operation, operationName, response }) {
          const { outcome, errorCodes } = outcomeOf(response);
          logger.info(message, {
            ...describe(contextValue), operation: operationName ?? null, type: operation?.operation ?? null,
            durationMs: Math.round((performance.now() - started) * 10) / 10, outcome, ...(errorCodes.length ? { errorCodes } : {}),
          });
        },
      };
    },
  };
}
