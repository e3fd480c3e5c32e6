import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../shared/logger';
import type { GatewayContext } from '../context';

/**
 * Codes whose message was written for the client: the contract's, the per-event ones (STALE), a
 * stream resumed past its retention (CURSOR_EXPIRED), and the request errors Apollo Server itself
 * raises. Anything else (a driver error, a bug) may carry SQL, stack frames or internal paths.
 */
export const CLIENT_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'INSUFFICIENT_STOCK', 'IDEMPOTENCY_CONFLICT', 'RATE_LIMITED', 'STALE',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE', 'TIMEOUT', 'CURSOR_EXPIRED',
]);

/** Extensions that describe the server rather than the request. */
const INTERNAL_EXTENSIONS = ['stacktrace', 'exception', 'originalError'];

/**
 * In production, an error without a client code reaches the client as "Internal server error"
 * with the request id, and the original goes to the log under that id. Client errors keep their
 * message, code and details, never a stack trace.
 */
export function useErrorMasking(options: { production: boolean; logger: Logger }): ApolloServerPlugin<GatewayContext> {
  if (!options.production) return {};
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const { requestId } = contextValue;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error): GraphQLFormattedError => {
            const code = String(error.extensions?.code ?? '');
            if (CLIENT_CODES.has(code)) {
              const extensions = Object.fromEntries(Object.entries(error.extensions ?? {}).filter(([name]) => !INTERNAL_EXTENSIONS.includes(name)));
              return { ...error, extensions };
            }
            options.logger.error('internal error', { requestId, operation: operationName, path: error.path, code, serviceName: error.extensions?.serviceName, error: error.message });
            return { message: 'Internal server error', path: error.path, locations: error.locations, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } };
          });
        },
      };
    },
  };
}
