import crypto from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, Kind } from 'graphql';
import type { Logger } from '../../shared/logger';
import type { AuditStore } from '../access/audit-store';
import type { GatewayContext } from '../context';

/** JSON with object keys sorted, so the same variables always give the same digest. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const variablesDigest = (variables: Record<string, unknown> | undefined) =>
  crypto.createHash('sha256').update(canonical(variables ?? {})).digest('hex');

/**
 * Every mutation a key sends, once parsed, leaves one audit row: the key, the operation name
 * and root fields, a digest of the variables (never the values: they may hold personal data),
 * the outcome and its error codes. The row is written before the response leaves, so an
 * admin who reads the log right after sees it.
 */
export function useAudit(audit: AuditStore, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, document, operation, request, response }) {
          const identity = contextValue.identity;
          const resolved = operation ?? (document ? getOperationAST(document, request.operationName) : null);
          if (!identity || contextValue.internal || resolved?.operation !== 'mutation') return;
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const errorCodes = [...new Set((result.errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          const succeeded = result.data ? Object.values(result.data).some((value) => value !== null) : false;
          const outcome = errorCodes.length === 0 ? 'SUCCEEDED' : succeeded ? 'PARTIAL' : 'FAILED';
          const fields = resolved.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : []));
          await audit.record({
            keyId: identity.keyId, keyName: identity.name, operationName: resolved.name?.value ?? null, fields,
            variablesDigest: variablesDigest(request.variables), outcome, errorCodes, requestId: contextValue.requestId, at: new Date(),
          }).catch((error) => logger.error('audit write failed', { requestId: contextValue.requestId, error: String(error) }));
        },
      };
    },
  };
}
